// Bans and blocks follow accounts: someone removed from a Space, or blocked by its host, who comes back
// from a fresh client (no kept identity, nothing in storage) signed in to the same account is refused;
// a suspended account cannot sign a connection in at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';

describe('bans and blocks on accounts', () => {
  let server: TestServer;
  const rooms: RoomClient[] = [];
  const tokens: Record<string, string> = {};

  beforeEach(async () => {
    server = await startTestServer();
    for (const name of ['host', 'grace']) {
      const { account } = await server.platform.store.repos.accounts.create({
        id: `acc-${name}`, email: `${name}@example.com`, passwordHash: 'unused', role: 'member', handle: name, displayName: name === 'host' ? 'Ada' : 'Grace', now: Date.now(),
      });
      tokens[name] = await server.platform.accounts.studioSession(account.id, { address: '127.0.0.1', userAgent: 'test' });
    }
  });
  afterEach(async () => {
    for (const room of rooms.splice(0)) room.close();
    await server.close();
  });

  /** A new client with nothing kept from before, signed in with `token` when given. */
  async function freshClient(token?: string): Promise<RoomClient> {
    const room = fakeRoom(server.wsUrl, token ? { sessionToken: token } : {});
    rooms.push(room);
    await room.connect();
    return room;
  }

  it('joins as the account: the member is named after the profile', async () => {
    const host = await freshClient(tokens.host);
    const created = await host.createSpace('Account show', 'Ada');
    await host.join(created.hostToken);
    const grace = await freshClient(tokens.grace);
    const joined = await grace.join(created.listenerInvite);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));
    expect(server.sfu.space(created.spaceId)!.member(joined.memberId)).toMatchObject({ userId: 'acc-grace', displayName: 'Grace' });
    expect(server.sfu.space(created.spaceId)!.hostUserId).toBe('acc-host');
  });

  it('someone removed from a Space cannot rejoin it from a fresh client signed in to the same account', async () => {
    const host = await freshClient(tokens.host);
    const created = await host.createSpace('Moderated show', 'Ada');
    await host.join(created.hostToken);
    const grace = await freshClient(tokens.grace);
    const { memberId } = await grace.join(created.listenerInvite);
    await host.request('member.remove', { memberId });
    const again = await freshClient(tokens.grace);
    await expect(again.join(created.listenerInvite)).rejects.toMatchObject({ code: 'banned', message: 'you were removed from this space' });
    // Someone else signed out can still listen.
    await expect((await freshClient()).join(created.listenerInvite)).resolves.toMatchObject({ role: 'listener' });
  });

  it('a host’s block keeps the account out of the host’s later Spaces, from any client', async () => {
    const host = await freshClient(tokens.host);
    const first = await host.createSpace('First', 'Ada');
    await host.join(first.hostToken);
    const grace = await freshClient(tokens.grace);
    const { memberId } = await grace.join(first.listenerInvite);
    await host.request('member.block', { memberId });
    const studio = await freshClient(tokens.host);
    const second = await studio.createSpace('Second', 'Ada');
    const again = await freshClient(tokens.grace);
    await expect(again.join(second.listenerInvite)).rejects.toMatchObject({ code: 'banned', message: 'the host has blocked you' });
  });

  it('an account suspended by an owner leaves the Space it is in, and cannot come back', async () => {
    const host = await freshClient(tokens.host);
    const created = await host.createSpace('Show', 'Ada');
    await host.join(created.hostToken);
    const grace = await freshClient(tokens.grace);
    await grace.join(created.listenerInvite);
    const removed: string[] = [];
    grace.on('removed', (reason) => removed.push(reason));
    await server.platform.store.repos.accounts.setRole('acc-host', 'owner');
    const owner = (await server.platform.accounts.authenticate(tokens.host!))!;
    await server.platform.accounts.ban('grace', 'spam', owner);
    await eventually(() => expect(removed).toEqual(['this account was suspended by the service']));
    expect(server.sfu.space(created.spaceId)!.members().some((m) => m.userId === 'acc-grace')).toBe(false);
    await expect(freshClient(tokens.grace)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('a suspended account cannot sign a connection in, and its connections stay signed out', async () => {
    await server.platform.store.repos.accounts.setBan('acc-grace', { at: Date.now(), reason: 'spam' });
    const room = fakeRoom(server.wsUrl);
    rooms.push(room);
    await room.connect();
    await expect(room.request('account.authenticate', { token: tokens.grace! })).rejects.toMatchObject({ code: 'unauthenticated' });
    // A studio signing in with it is told so when it connects.
    const studio = fakeRoom(server.wsUrl, { sessionToken: tokens.grace });
    rooms.push(studio);
    await expect(studio.connect()).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringMatching(/suspended/) });
    expect(studio.account).toBeUndefined();
  });
});
