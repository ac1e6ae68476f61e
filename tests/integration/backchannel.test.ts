// The backchannel through the real server: the host, the co-hosts and the producers the host names
// talk; listeners and speakers never get a message; what was said is kept with the Space for its host.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { BackchannelMessage } from '../../src/shared/protocol/backchannel';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

interface Ctx {
  f: SpaceFixture;
  /** Backchannel events each client received, by name. */
  seen: Record<string, { messages: BackchannelMessage[]; access: boolean[] }>;
  client(name: string): RoomClient;
}

describe('Backchannel', () => {
  let server: TestServer;
  const ctx = {} as Ctx;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    ctx.f = await buildSpace(server.wsUrl, { cohosts: ['cohost'], speakers: ['speaker'], listeners: ['producer', 'listener'] });
    ctx.client = (name) => (name === 'host' ? ctx.f.host : ctx.f.people[name]!);
    ctx.seen = {};
    for (const name of ['host', 'cohost', 'speaker', 'producer', 'listener']) {
      const seen = (ctx.seen[name] = { messages: [] as BackchannelMessage[], access: [] as boolean[] });
      ctx.client(name).signaling.on('backchannel.message', (m) => seen.messages.push(m));
      ctx.client(name).signaling.on('backchannel.access', (a) => seen.access.push(a.open));
    }
  });
  afterEach(() => {
    ctx.f.close();
  });

  it('carries messages between the host, a co-host and a named producer; a listener and a speaker neither read, send nor receive', async () => {
    const { f, seen, client } = ctx;
    await f.host.request('backchannel.producer', { memberId: f.id('producer'), producer: true });
    await eventually(() => expect(seen.producer!.access).toEqual([true]));

    await client('cohost').request('backchannel.send', { text: 'Guest is on in two' });
    await client('producer').request('backchannel.send', { text: 'Cue the bed\nafter the intro' });
    for (const name of ['host', 'cohost', 'producer']) {
      await eventually(() => expect(seen[name]!.messages.map((m) => m.text)).toEqual(['Guest is on in two', 'Cue the bed\nafter the intro']));
    }
    expect(seen.host!.messages.map((m) => [m.seq, m.from.displayName, m.from.role, m.from.producer])).toEqual([
      [1, 'cohost', 'cohost', false],
      [2, 'producer', 'listener', true],
    ]);
    const read = await client('producer').request('backchannel.read', {});
    expect(read.messages.map((m) => m.text)).toEqual(['Guest is on in two', 'Cue the bed\nafter the intro']);
    expect(read.producers).toEqual([{ memberId: f.id('producer'), displayName: 'producer' }]);

    for (const name of ['listener', 'speaker']) {
      await expect(client(name).request('backchannel.read', {})).rejects.toMatchObject({ code: 'forbidden' });
      await expect(client(name).request('backchannel.send', { text: 'let me in' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(client(name).request('backchannel.producer', { memberId: client(name).memberId!, producer: true })).rejects.toMatchObject({ code: 'forbidden' });
    }
    // A round trip after the messages, so anything the server would have pushed them has arrived.
    await client('listener').request('ping', {});
    await client('speaker').request('ping', {});
    expect(seen.listener!.messages).toEqual([]);
    expect(seen.listener!.access).toEqual([]);
    expect(seen.speaker!.messages).toEqual([]);

    // Taken back, the producer is a listener like any other.
    await f.host.request('backchannel.producer', { memberId: f.id('producer'), producer: false });
    await eventually(() => expect(seen.producer!.access).toEqual([true, false]));
    await expect(client('producer').request('backchannel.send', { text: 'still here?' })).rejects.toMatchObject({ code: 'forbidden' });
    await f.host.request('backchannel.send', { text: 'Thanks' });
    await eventually(() => expect(seen.cohost!.messages).toHaveLength(3));
    expect(seen.producer!.messages).toHaveLength(2);
  });

  it('keeps the messages with the Space, numbered in order, for its host; read back after a drop from a number', async () => {
    const { f, client } = ctx;
    const sent = await Promise.all(['one', 'two', 'three', 'four'].map((text, i) => client(i % 2 ? 'cohost' : 'host').request('backchannel.send', { text })));
    expect(sent.map((s) => s.message.seq).sort()).toEqual([1, 2, 3, 4]);
    const after = await client('cohost').request('backchannel.read', { afterSeq: 2 });
    expect(after.messages.map((m) => m.seq)).toEqual([3, 4]);

    const space = server.sfu.space(f.spaceId)!;
    const kept = await server.platform.store.repos.backchannel.forHost(space.hostUserId, f.spaceId);
    expect(kept.map((m) => m.text).sort()).toEqual(['four', 'one', 'three', 'two']);
    expect(await server.platform.store.repos.backchannel.forHost('someone-else', f.spaceId)).toEqual([]);
  });

  it('refuses bad messages with the reason and keeps nothing of them', async () => {
    const { f, client } = ctx;
    for (const text of ['', '   ', 'a\u0007bell', 'x'.repeat(2001)]) {
      await expect(f.host.request('backchannel.send', { text } as { text: string })).rejects.toMatchObject({ code: 'invalid_payload' });
    }
    await expect(f.host.request('backchannel.producer', { memberId: f.id('cohost'), producer: true })).rejects.toMatchObject({ code: 'conflict' });
    await expect(f.host.request('backchannel.producer', { memberId: 'nobody', producer: true })).rejects.toMatchObject({ code: 'not_found' });
    expect((await client('cohost').request('backchannel.read', {})).messages).toEqual([]);
  });
});
