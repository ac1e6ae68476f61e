// Admission to a ticketed Space, decided on the server by the access rules (checkAdmission): the host
// needs no ticket; a listener signed out, or signed in without a paid ticket, is refused with the price
// and is never a member (no transport, no audio); the ticket holder joins as their account, and the same
// account from a second connection takes over its place instead of adding a listener.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { ApiClient } from '../../src/shared/http/client';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { makeAccount } from '../support/tickets';

describe('admission to a ticketed Space', () => {
  let server: TestServer;
  const rooms: RoomClient[] = [];

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const room of rooms.splice(0)) room.close();
    await server.close();
  });

  async function client(sessionToken?: string): Promise<RoomClient> {
    const room = fakeRoom(server.wsUrl, sessionToken ? { sessionToken } : {});
    rooms.push(room);
    await room.connect();
    return room;
  }

  it('refuses listeners without a paid ticket with the price, admits the holder once, bound to their account', async () => {
    const store = server.platform.store;
    const hostAccount = await makeAccount(store, 'host');
    const host = await client(hostAccount.secret);
    const created = await host.createSpace('Paid show', 'Ada');
    await host.join(created.hostToken);
    const hostApi = new ApiClient({ baseUrl: server.httpUrl, token: hostAccount.secret });
    await hostApi.call('tickets.configure', { params: { spaceId: created.spaceId }, body: { currency: 'USD', priceMinor: 1250, capacity: 10 } });
    const space = server.sfu.space(created.spaceId)!;
    const members = () => space.membership.members().filter((m) => !m.closed).length;
    expect(members()).toBe(1);

    // Signed out: refused, told the price.
    await expect((await client()).join(created.listenerInvite)).rejects.toMatchObject({ code: 'ticket_required', message: expect.stringContaining('USD 12.50') });
    // Signed in, ticket only held (not paid): refused.
    const ada = await makeAccount(store, 'ada');
    const adaApi = new ApiClient({ baseUrl: server.httpUrl, token: ada.secret });
    const ticket = await adaApi.call('tickets.buy', { params: { spaceId: created.spaceId }, body: {} });
    await expect((await client(ada.secret)).join(created.listenerInvite)).rejects.toMatchObject({ code: 'ticket_required', message: expect.stringContaining('buy a ticket') });
    // Someone else's ticket does not admit a stranger.
    const bo = await makeAccount(store, 'bo');
    expect(members()).toBe(1);

    await adaApi.call('tickets.testCheckout', { params: { ticketId: ticket.id }, body: { action: 'pay' } });
    const first = await client(ada.secret);
    const joined = await first.join(created.listenerInvite);
    expect(joined.role).toBe('listener');
    expect(space.member(joined.memberId)!.userId).toBe(ada.id);
    await expect((await client(bo.secret)).join(created.listenerInvite)).rejects.toMatchObject({ code: 'ticket_required' });

    // The same ticket from a second connection replaces the first: still one listener.
    const second = await client(ada.secret);
    const again = await second.join(created.listenerInvite);
    expect(again.memberId).toBe(joined.memberId);
    expect(members()).toBe(2);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));

    // A refund takes the ticket away: a later join is refused.
    await hostApi.call('tickets.refund', { params: { ticketId: ticket.id }, body: {} });
    await expect((await client(ada.secret)).join(created.listenerInvite)).rejects.toMatchObject({ code: 'ticket_required' });

    // The show ends: sales close with it (it was live, so the tickets sold stay sold).
    await host.request('space.end', {});
    await eventually(async () => expect((await hostApi.call('tickets.offer', { params: { spaceId: created.spaceId } })).status).toBe('closed'));
    await expect(new ApiClient({ baseUrl: server.httpUrl, token: bo.secret }).call('tickets.buy', { params: { spaceId: created.spaceId }, body: {} })).rejects.toMatchObject({ code: 'conflict' });
  });
});
