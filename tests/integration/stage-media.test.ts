// StageMedia: one person's audio in a Space, driven directly over a real signaling connection to the
// real SFU (mediasoup-client's FakeHandler stands in for the browser's WebRTC; no audio flows).
import { FakeHandler, testFakeParameters } from 'mediasoup-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { SignalingClient, type SocketLike } from '../../src/renderer/room/SignalingClient';
import { StageMedia, type RemoteTrack } from '../../src/renderer/room/StageMedia';
import type { JoinedSpace } from '../../src/shared/protocol';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';

interface Ctx {
  server: TestServer;
  host: RoomClient;
  invite: string;
  signaling: SignalingClient;
  joined: JoinedSpace;
  /** Whether the owner says this member may send. */
  onStage: boolean;
  media: StageMedia;
  added: RemoteTrack[];
  removed: string[];
}

describe('StageMedia', () => {
  const ctx = {} as Ctx;

  beforeEach(async () => {
    ctx.server = await startTestServer();
    ctx.host = fakeRoom(ctx.server.wsUrl);
    await ctx.host.connect();
    const created = await ctx.host.createSpace('Media show', 'Ada');
    await ctx.host.join(created.hostToken);
    await ctx.host.startSending(fakeMicTrack());
    ctx.invite = created.listenerInvite;
    ctx.signaling = new SignalingClient(ctx.server.wsUrl, (url) => new WebSocket(url) as unknown as SocketLike);
    await ctx.signaling.connect();
    ctx.joined = await ctx.signaling.request('space.join', { token: ctx.invite, displayName: 'Lee' });
    ctx.onStage = false;
    ctx.media = new StageMedia(
      {
        request: (type, data) => ctx.signaling.request(type, data),
        memberId: () => ctx.joined.memberId,
        maySend: () => ctx.onStage,
        finished: () => false,
      },
      { handlerFactory: FakeHandler.createFactory(testFakeParameters) },
    );
    ctx.added = [];
    ctx.removed = [];
    ctx.media.on('trackadded', (t) => ctx.added.push(t));
    ctx.media.on('trackremoved', ({ producerId }) => ctx.removed.push(producerId));
    await ctx.media.load(ctx.joined.routerRtpCapabilities);
  });

  afterEach(async () => {
    ctx.media.close();
    ctx.signaling.close();
    ctx.host.close();
    await ctx.server.close();
  });

  const serverMember = () => ctx.server.sfu.spaces()[0]!.member(ctx.joined.memberId)!;

  it('media.consume() hears a producer: one receive transport, one consumer resumed on the server', async () => {
    const [hostProducer] = ctx.joined.producers;
    await ctx.media.consume(hostProducer!);
    expect(ctx.added.map((t) => [t.displayName, t.producerId])).toEqual([['Ada', ctx.host.producer!.id]]);
    const consumers = [...serverMember().consumers.values()];
    expect(consumers.map((c) => [c.producerId, c.paused])).toEqual([[ctx.host.producer!.id, false]]);
    expect([...serverMember().transports.values()].map((t) => t.appData.direction)).toEqual(['recv']);
  });

  it('consuming the same producer twice makes one consumer; its own producer is never consumed', async () => {
    const [hostProducer] = ctx.joined.producers;
    await Promise.all([ctx.media.consume(hostProducer!), ctx.media.consume(hostProducer!)]);
    await ctx.media.consume({ ...hostProducer!, producerId: 'mine', memberId: ctx.joined.memberId });
    expect(ctx.media.remoteTracks()).toHaveLength(1);
    expect(serverMember().consumers.size).toBe(1);
  });

  it('media.dropProducer() stops hearing it and says so', async () => {
    await ctx.media.consume(ctx.joined.producers[0]!);
    ctx.media.dropProducer(ctx.host.producer!.id);
    expect(ctx.removed).toEqual([ctx.host.producer!.id]);
    expect(ctx.media.remoteTracks()).toEqual([]);
    expect(ctx.added[0]!.consumer.closed).toBe(true);
  });

  it('a microphone is held until its owner may send; then one producer reaches the server, and stopping closes it', async () => {
    await ctx.media.setMicrophone(fakeMicTrack());
    expect(ctx.media.producer).toBeUndefined();
    // The host invites Lee on stage; Lee accepts.
    await ctx.host.request('stage.invite', { memberId: ctx.joined.memberId, as: 'speaker' });
    await ctx.signaling.request('stage.answer', { accept: true });
    ctx.onStage = true;
    await ctx.media.sendWhenReady();
    await ctx.media.sendWhenReady();
    expect(ctx.media.producer).toBeDefined();
    expect([...serverMember().producers.keys()]).toEqual([ctx.media.producer!.id]);
    // Swapping the microphone keeps the same producer.
    const producerId = ctx.media.producer!.id;
    await ctx.media.setMicrophone(fakeMicTrack());
    expect(ctx.media.producer!.id).toBe(producerId);
    await ctx.media.setMuted(true);
    expect(serverMember().muted).toBe(true);
    expect(ctx.media.producer!.paused).toBe(true);
    ctx.media.stopSending();
    expect(ctx.media.producer).toBeUndefined();
  });

  it('media.close() closes every transport here; the server closes its side when the connection goes', async () => {
    await ctx.media.consume(ctx.joined.producers[0]!);
    const transports = [...serverMember().transports.values()];
    ctx.media.close();
    expect(ctx.media.recvTransport).toBeUndefined();
    expect(ctx.removed).toHaveLength(1);
    expect(transports.every((t) => !t.closed)).toBe(true);
    ctx.signaling.close();
    await eventually(() => expect(transports.every((t) => t.closed)).toBe(true));
  });
});
