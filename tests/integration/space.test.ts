// A Space through the real path: RoomClients over WebSocket to a real SFU and a real mediasoup worker
// (FakeHandler stands in for the browser's WebRTC on the client side).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { RequestError } from '../../src/renderer/room/SignalingClient';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';

interface Ctx {
  server: TestServer;
  clients: RoomClient[];
  client(): Promise<RoomClient>;
  liveSpace(): Promise<{ host: RoomClient; spaceId: string; invite: string }>;
}

describe('a space', () => {
  const ctx = {} as Ctx;

  beforeEach(async () => {
    ctx.server = await startTestServer();
    ctx.clients = [];
    ctx.client = async () => {
      const client = fakeRoom(ctx.server.wsUrl);
      ctx.clients.push(client);
      await client.connect();
      return client;
    };
    ctx.liveSpace = async () => {
      const host = await ctx.client();
      const created = await host.createSpace('Morning show', 'Ada');
      await host.join(created.hostToken);
      await host.startSending(fakeMicTrack());
      return { host, spaceId: created.spaceId, invite: created.listenerInvite };
    };
  });

  afterEach(async () => {
    for (const client of ctx.clients) client.close();
    await ctx.server.close();
  });

  it('space.create gives a host token that joins as host and a listener invite', async () => {
    const host = await ctx.client();
    const created = await host.createSpace('Morning show', 'Ada');
    expect(created.listenPath).toBe(`/listen/${created.spaceId}`);
    const joined = await host.join(created.hostToken);
    expect(joined.role).toBe('host');
    expect(joined.snapshot).toMatchObject({ title: 'Morning show', status: 'live', listenerCount: 0 });
    expect(joined.snapshot.stage).toEqual([
      expect.objectContaining({ displayName: 'Ada', role: 'host', live: false }),
    ]);
  });

  it('a listener joining hears the host: one consumer for the host’s producer, and everyone sees the count', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    const joined = await listener.join(invite, 'Grace');
    expect(joined.role).toBe('listener');
    expect(joined.producers).toHaveLength(1);
    expect(listener.remoteTracks()).toEqual([expect.objectContaining({ displayName: 'Ada', producerId: host.producer!.id })]);
    const serverSpace = ctx.server.sfu.spaces()[0]!;
    const serverListener = serverSpace.member(listener.memberId!)!;
    expect([...serverListener.consumers.values()].map((c) => c.producerId)).toEqual([host.producer!.id]);
    expect([...serverListener.consumers.values()][0]!.paused).toBe(false);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));
    await eventually(() => expect(host.snapshot?.stage[0]).toMatchObject({ live: true, muted: false }));
  });

  it('space.preview shows an invitee the title, the stage and the count before joining, and changes nothing', async () => {
    const { invite } = await ctx.liveSpace();
    const visitor = await ctx.client();
    const preview = await visitor.preview(invite);
    expect(preview).toMatchObject({ title: 'Morning show', stage: [{ displayName: 'Ada', role: 'host' }], listenerCount: 0 });
    expect(ctx.server.sfu.spaces()[0]!.members()).toHaveLength(1);
    await expect(visitor.preview('forged.token')).rejects.toMatchObject({ code: 'unauthenticated' });
    // The device prepared by the preview serves the join.
    await visitor.join(invite);
    expect(visitor.remoteTracks()).toHaveLength(1);
  });

  it('after a preview, joining is one round trip to audio: the answer brings the receive transport and a playing consumer', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.preview(invite);
    const sent: string[] = [];
    const request = listener.signaling.request.bind(listener.signaling);
    listener.signaling.request = ((type: Parameters<typeof request>[0], data: Parameters<typeof request>[1]) => {
      sent.push(type);
      return request(type, data);
    }) as typeof request;
    const joined = await listener.join(invite, 'Grace');
    expect(joined.hearing?.consumers).toEqual([expect.objectContaining({ producerId: host.producer!.id, displayName: 'Ada' })]);
    expect(listener.remoteTracks()).toEqual([expect.objectContaining({ producerId: host.producer!.id, displayName: 'Ada' })]);
    // Nothing but the join, and the DTLS parameters sent on without waiting for their answer.
    expect(sent).toEqual(['space.join', 'transport.connect']);
    const serverListener = ctx.server.sfu.spaces()[0]!.member(listener.memberId!)!;
    expect([...serverListener.consumers.values()].map((c) => [c.producerId, c.paused])).toEqual([[host.producer!.id, false]]);
  });

  it('a join asking to hear with a device that cannot receive the audio still joins, and sets nothing up', async () => {
    const { invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    const joined = await listener.signaling.request('space.join', { token: invite, hear: { rtpCapabilities: { codecs: [] } } });
    expect(joined.role).toBe('listener');
    expect(joined.hearing).toBeUndefined();
    const serverListener = ctx.server.sfu.spaces()[0]!.member(joined.memberId)!;
    expect(serverListener.transports.size).toBe(0);
    expect(serverListener.consumers.size).toBe(0);
  });

  it('a listener already joined starts hearing a producer added later', async () => {
    const host = await ctx.client();
    const created = await host.createSpace('Late start', 'Ada');
    await host.join(created.hostToken);
    const listener = await ctx.client();
    await listener.join(created.listenerInvite);
    expect(listener.remoteTracks()).toHaveLength(0);
    await host.startSending(fakeMicTrack());
    await eventually(() => expect(listener.remoteTracks()).toHaveLength(1));
  });

  it('a listener cannot send audio, and the refusal changes nothing', async () => {
    const { invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const before = ctx.server.sfu.spaces()[0]!.summary();
    await expect(listener.signaling.request('transport.create', { direction: 'send' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listener.signaling.request('space.end', {})).rejects.toMatchObject({ code: 'forbidden' });
    expect(ctx.server.sfu.spaces()[0]!.summary()).toEqual(before);
  });

  it('muting pauses the host’s producer on the server, and unmuting resumes it', async () => {
    const { host } = await ctx.liveSpace();
    const serverProducer = () => [...ctx.server.sfu.spaces()[0]!.members()[0]!.producers.values()][0]!;
    await host.setMuted(true);
    expect(serverProducer().paused).toBe(true);
    await eventually(() => expect(host.snapshot?.stage[0]?.muted).toBe(true));
    await host.setMuted(false);
    expect(serverProducer().paused).toBe(false);
  });

  it('a listener leaving closes its transport and consumers on the server', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const member = ctx.server.sfu.spaces()[0]!.member(listener.memberId!)!;
    const transports = [...member.transports.values()];
    const consumers = [...member.consumers.values()];
    expect(transports).toHaveLength(1);
    await listener.leave();
    expect(transports.every((t) => t.closed)).toBe(true);
    expect(consumers.every((c) => c.closed)).toBe(true);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(0));
  });

  it('a listener whose socket drops is removed once the grace period passes', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));
    // close() drops the connection without leaving and without trying to come back.
    listener.close();
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(0));
    await eventually(() => expect(ctx.server.sfu.spaces()[0]!.members()).toHaveLength(1));
  });

  it('closing the host’s producer closes the listeners’ consumers and tells them', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const consumer = [...ctx.server.sfu.spaces()[0]!.member(listener.memberId!)!.consumers.values()][0]!;
    const removed: string[] = [];
    listener.on('trackremoved', ({ consumerId }) => removed.push(consumerId));
    await host.signaling.request('producer.close', { producerId: host.producer!.id });
    await eventually(() => expect(removed).toEqual([consumer.id]));
    await eventually(() => expect(consumer.closed).toBe(true));
  });

  it('ending the space closes the router with every transport, tells everyone why, and forgets the space', async () => {
    const { host, invite, spaceId } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const space = ctx.server.sfu.space(spaceId)!;
    const transports = space.members().flatMap((m) => [...m.transports.values()]);
    const reasons: string[] = [];
    listener.on('ended', (reason) => reasons.push(reason));
    await host.endSpace();
    await eventually(() => expect(reasons).toEqual(['the host ended the space']));
    expect(space.router.closed).toBe(true);
    expect(transports.every((t) => t.closed)).toBe(true);
    expect(ctx.server.sfu.space(spaceId)).toBeUndefined();
    await expect(listener.signaling.request('consumer.resume', { consumerId: 'x' })).rejects.toMatchObject({ code: 'space_ended' });
    // The invitation no longer admits anyone.
    const late = await ctx.client();
    await expect(late.join(invite)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the host disconnecting without a co-host ends the space after the grace period', async () => {
    const { host, invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const reasons: string[] = [];
    listener.on('ended', (reason) => reasons.push(reason));
    host.close();
    await eventually(() => expect(listener.snapshot?.hostAwayUntil).toEqual(expect.any(Number)));
    expect(reasons).toEqual([]);
    await eventually(() => expect(reasons).toEqual(['the host did not come back']));
  });

  it('shutting the server down ends its spaces and closes the worker', async () => {
    const { invite } = await ctx.liveSpace();
    const listener = await ctx.client();
    await listener.join(invite);
    const reasons: string[] = [];
    listener.on('ended', (reason) => reasons.push(reason));
    const worker = ctx.server.sfu.pool.workers()[0]!;
    await ctx.server.close();
    expect(reasons).toEqual(['the server is shutting down']);
    expect(worker.closed).toBe(true);
  });

  it('a forged or foreign token is refused', async () => {
    const { invite } = await ctx.liveSpace();
    const other = await startTestServer();
    try {
      const stranger = fakeRoom(other.wsUrl);
      await stranger.connect();
      await expect(stranger.join(invite)).rejects.toBeInstanceOf(RequestError);
      await expect(stranger.join(invite)).rejects.toMatchObject({ code: 'unauthenticated' });
      stranger.close();
    } finally {
      await other.close();
    }
  });

  it('creating a space needs the studio key when the server has one', async () => {
    await ctx.server.close();
    ctx.server = await startTestServer({ studioKey: 'k'.repeat(24) });
    const studio = await ctx.client();
    await expect(studio.createSpace('Show', 'Ada')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(studio.createSpace('Show', 'Ada', 'k'.repeat(23) + 'x')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(studio.createSpace('Show', 'Ada', 'k'.repeat(24))).resolves.toMatchObject({ spaceId: expect.any(String) });
  });
});
