// StageTap against a real mediasoup worker and a real Space: plain-RTP speakers on the Stage, the tap's
// consumers on a PlainTransport, packets read back from its loopback socket.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageTap, type StageTrack, type TapPacket, type TrackEndReason } from '../../src/server/egress/StageTap';
import { Logger } from '../../src/server/logger';
import { ModerationStore } from '../../src/server/ModerationStore';
import { MEDIA_CODECS } from '../../src/server/Sfu';
import { Space } from '../../src/server/Space';
import type { Member } from '../../src/server/Member';
import { eventually } from '../support/fakeRoom';
import { payloadOf, plainProducer, type PlainProducer } from '../support/plainProducer';

interface Ctx {
  worker: ms.Worker;
  space: Space;
  speakers: PlainProducer[];
  taps: StageTap[];
  logs: Array<Record<string, unknown>>;
}

/** Collects what a track delivers. */
function record(track: StageTrack) {
  const got = { packets: [] as TapPacket[], events: [] as string[], closed: undefined as TrackEndReason | undefined };
  track.on('packet', (p) => got.packets.push(p));
  track.on('pause', () => got.events.push('pause'));
  track.on('resume', () => got.events.push('resume'));
  track.on('close', (reason) => (got.closed = reason));
  return got;
}

describe('StageTap', () => {
  let ctx: Ctx;

  async function newSpace(router: ms.Router): Promise<Space> {
    const logs = ctx?.logs ?? [];
    const space = new Space({
      id: 'tapped',
      title: 'Tapped',
      router,
      logger: new Logger('info', {}, (line) => logs.push(JSON.parse(line))),
      policy: { maxSpeakers: 10, maxCohosts: 2, requestPolicy: 'everyone' },
      graceMs: 1000,
      moderation: new ModerationStore(),
      hostUserId: 'host-user',
    });
    await space.start();
    return space;
  }

  /** A member on the Stage sending plain RTP. */
  async function speaker(name: string, role: 'host' | 'speaker' = 'speaker', ssrc?: number): Promise<{ member: Member; source: PlainProducer }> {
    const member = ctx.space.membership.join({ userId: `user-${name}`, displayName: name, role: role === 'host' ? 'host' : 'listener', canRequest: true, push: () => {} });
    if (role === 'speaker') {
      ctx.space.queue.raise(member);
      ctx.space.queue.approve(ctx.space.members().find((m) => m.role === 'host')!, member);
    }
    const source = await plainProducer(ctx.space.router, ssrc);
    ctx.speakers.push(source);
    // Held as the member's send transport, so leaving the stage closes it as it closes a browser's.
    source.transport.appData.direction = 'send';
    member.transports.set(source.transport.id, source.transport as unknown as ms.WebRtcTransport);
    await ctx.space.addProducer(member, source.producer);
    return { member, source };
  }

  async function openTap(): Promise<StageTap> {
    const tap = await StageTap.open(ctx.space, new Logger('warn', {}, () => {}));
    ctx.taps.push(tap);
    return tap;
  }

  beforeEach(async () => {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 42000, rtcMaxPort: 42999 });
    ctx = { worker, space: undefined as unknown as Space, speakers: [], taps: [], logs: [] };
    ctx.space = await newSpace(await worker.createRouter({ mediaCodecs: MEDIA_CODECS }));
  });

  afterEach(() => {
    for (const tap of ctx.taps) tap.close();
    for (const s of ctx.speakers) s.close();
    ctx.space.end('test over');
    ctx.worker.close();
  });

  it('StageTap.open() makes a track of every producer already on the Stage, and its packets arrive whole and in order', async () => {
    const { member, source } = await speaker('Ada', 'host');
    const tap = await openTap();
    const tracks: StageTrack[] = [];
    tap.on('track', (t) => tracks.push(t));
    await eventually(() => expect(tracks).toHaveLength(1));
    const track = tracks[0]!;
    expect(track).toMatchObject({ producerId: source.producer.id, memberId: member.id, displayName: 'Ada', paused: false });
    expect(track.codec).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
    expect(tap.tracks()).toEqual([track]);
    const got = record(track);
    // Give the consumer's resume a moment to reach the worker before the first packet.
    await new Promise((r) => setTimeout(r, 100));
    const sent = await source.send(25, 20);
    await eventually(() => expect(got.packets).toHaveLength(sent.length));
    expect(got.packets.map((p) => p.payload.toString())).toEqual(sent.map((i) => payloadOf(i).toString()));
    // Sequence numbers step by one and timestamps by a 20 ms Opus frame, as sent.
    for (let i = 1; i < got.packets.length; i++) {
      expect((got.packets[i]!.sequenceNumber - got.packets[i - 1]!.sequenceNumber + 0x10000) & 0xffff).toBe(1);
      expect((got.packets[i]!.timestamp - got.packets[i - 1]!.timestamp) >>> 0).toBe(960);
      expect(got.packets[i]!.arrivalMs).toBeGreaterThanOrEqual(got.packets[i - 1]!.arrivalMs);
    }
    // 25 packets sent 20 ms apart arrive over about half a second.
    const spread = got.packets.at(-1)!.arrivalMs - got.packets[0]!.arrivalMs;
    expect(spread).toBeGreaterThan(400);
    expect(spread).toBeLessThan(2000);
    expect(got.packets[0]!.audioLevel).toEqual({ dBov: 30, voice: true });
    expect(track).toMatchObject({ packets: 25, lost: 0 });
  });

  it('a producer that comes on the Stage later becomes a track; its closing ends the track with "producer closed"', async () => {
    await speaker('Ada', 'host', 0x1111);
    const tap = await openTap();
    const tracks: StageTrack[] = [];
    tap.on('track', (t) => tracks.push(t));
    await eventually(() => expect(tracks).toHaveLength(1));
    const { member, source } = await speaker('Grace', 'speaker', 0x2222);
    await eventually(() => expect(tracks).toHaveLength(2));
    const grace = tracks[1]!;
    expect(grace.memberId).toBe(member.id);
    const got = record(grace);
    await new Promise((r) => setTimeout(r, 100));
    await source.send(10, 10);
    await eventually(() => expect(got.packets).toHaveLength(10));
    // Stepping down closes her producer: her track ends, Ada's stays.
    ctx.space.stage.stepDown(member);
    await eventually(() => expect(got.closed).toBe('producer closed'));
    expect(tap.tracks().map((t) => t.displayName)).toEqual(['Ada']);
    expect(grace.closed).toBe(true);
  });

  it('a paused producer pauses its track: no packets until it resumes', async () => {
    const { member, source } = await speaker('Ada', 'host');
    const tap = await openTap();
    await eventually(() => expect(tap.tracks()).toHaveLength(1));
    const track = tap.tracks()[0]!;
    const got = record(track);
    await new Promise((r) => setTimeout(r, 100));
    await source.send(5, 10);
    await eventually(() => expect(got.packets).toHaveLength(5));
    await ctx.space.stage.setMuted(member, true);
    await eventually(() => expect(track.paused).toBe(true));
    await source.send(10, 10);
    await new Promise((r) => setTimeout(r, 150));
    expect(got.packets).toHaveLength(5);
    await ctx.space.stage.setMuted(member, false);
    await eventually(() => expect(track.paused).toBe(false));
    await new Promise((r) => setTimeout(r, 50));
    await source.send(5, 10);
    await eventually(() => expect(got.packets).toHaveLength(10));
    expect(got.events).toEqual(['pause', 'resume']);
  });

  it('a producer that starts paused (a muted speaker) gives a paused track', async () => {
    const member = ctx.space.membership.join({ userId: 'u', displayName: 'Ada', role: 'host', canRequest: false, push: () => {} });
    member.muted = true;
    const source = await plainProducer(ctx.space.router);
    ctx.speakers.push(source);
    await ctx.space.addProducer(member, source.producer);
    const tap = await openTap();
    await eventually(() => expect(tap.tracks()).toHaveLength(1));
    expect(tap.tracks()[0]!.paused).toBe(true);
  });

  it('two taps on one Space each get every packet (the replay and the captions tap the same Stage)', async () => {
    const { source } = await speaker('Ada', 'host');
    const [a, b] = [await openTap(), await openTap()];
    expect(a.port).not.toBe(b.port);
    await eventually(() => expect(a.tracks().length + b.tracks().length).toBe(2));
    const gotA = record(a.tracks()[0]!);
    const gotB = record(b.tracks()[0]!);
    await new Promise((r) => setTimeout(r, 100));
    await source.send(20, 5);
    await eventually(() => {
      expect(gotA.packets).toHaveLength(20);
      expect(gotB.packets).toHaveLength(20);
    });
  });

  it('the tap follows the Space to a new router when its worker dies', async () => {
    const { member } = await speaker('Ada', 'host');
    const tap = await openTap();
    await eventually(() => expect(tap.tracks()).toHaveLength(1));
    const old = record(tap.tracks()[0]!);
    const spare = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 43000, rtcMaxPort: 43999 });
    try {
      const dead = ctx.worker;
      ctx.space.markMoving();
      process.kill(dead.pid, 'SIGKILL');
      await eventually(() => expect(dead.closed).toBe(true));
      await eventually(() => expect(old.closed).toBe('router closed'));
      expect(tap.closed).toBe(false);
      ctx.worker = spare;
      await ctx.space.moveTo(await spare.createRouter({ mediaCodecs: MEDIA_CODECS }));
      expect(ctx.space.status).toBe('live');
      // The member makes a new producer on the new router, as a client does after `space.mediarestart`.
      const source = await plainProducer(ctx.space.router, 0x3333);
      ctx.speakers.push(source);
      await ctx.space.addProducer(member, source.producer);
      await eventually(() => expect(tap.tracks()).toHaveLength(1));
      const track = tap.tracks()[0]!;
      expect(track.producerId).toBe(source.producer.id);
      const got = record(track);
      await new Promise((r) => setTimeout(r, 100));
      await source.send(10, 10);
      await eventually(() => expect(got.packets).toHaveLength(10));
    } finally {
      spare.close();
    }
  });

  it('the Space ending closes the tap: tracks end with "space ended", the tap emits close', async () => {
    await speaker('Ada', 'host');
    const tap = await openTap();
    await eventually(() => expect(tap.tracks()).toHaveLength(1));
    const got = record(tap.tracks()[0]!);
    let closed = false;
    tap.on('close', () => (closed = true));
    ctx.space.end('the host ended the space');
    expect(got.closed).toBe('space ended');
    expect(closed).toBe(true);
    expect(tap.closed).toBe(true);
    expect(tap.tracks()).toEqual([]);
  });

  it('close() ends every track with "tap closed", releases its port and is idempotent; the Space goes on', async () => {
    const { source } = await speaker('Ada', 'host');
    const tap = await openTap();
    await eventually(() => expect(tap.tracks()).toHaveLength(1));
    const got = record(tap.tracks()[0]!);
    const port = tap.port;
    tap.close();
    tap.close();
    expect(got.closed).toBe('tap closed');
    expect(tap.tracks()).toEqual([]);
    // The port is free again: nothing of ours holds it.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(port, '127.0.0.1', () => resolve());
    });
    probe.close();
    // Speakers keep sending to the Space; a new tap gets them.
    expect(ctx.space.status).toBe('live');
    const again = await openTap();
    await eventually(() => expect(again.tracks()).toHaveLength(1));
    const fresh = record(again.tracks()[0]!);
    await new Promise((r) => setTimeout(r, 100));
    await source.send(5, 10);
    await eventually(() => expect(fresh.packets).toHaveLength(5));
  });

  it('StageTap.open() on an ended Space rejects with a clear error', async () => {
    ctx.space.end('over');
    await expect(StageTap.open(ctx.space, new Logger('warn', {}, () => {}))).rejects.toThrow(/has ended; there is no stage to tap/);
  });
});
