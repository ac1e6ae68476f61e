// 10,000 generated hostile messages against a live Space: random bytes, wrong types, huge strings and
// valid-looking but unauthorised actions, from many connections at once (some joined as listeners).
// Every message must be answered with an error in the order it was sent, or its connection closed by
// policy; the server must not crash; the Space's state must not change; and the Space's audio, counted
// packet by packet at a plain RTP listener, must not be interrupted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { ErrorCode } from '../../src/shared/errors';
import { MAX_MESSAGE_BYTES } from '../../src/shared/protocol';
import type { SpaceSnapshot } from '../../src/shared/space';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { RawClient } from '../support/rawClient';
import { plainListener, plainSpeaker, RtpRig } from '../support/rtpRig';
import { startTestServer, type TestServer } from '../support/server';

const TOTAL = 10_000;
/** Connections that each send a share of the messages; half of them join as listeners first. */
const CONNECTIONS = 40;
/** Messages that end their connection by policy (over 1 MiB: 1009; invalid UTF-8 text: 1007), one connection each. */
const FATAL = 40;
const PER_CONNECTION = (TOTAL - FATAL) / CONNECTIONS;
/** The server allows 50 requests a second with bursts of 100: send the burst, then 40 a second. */
const BURST = 100;
const PER_TICK = 4;
const TICK_MS = 100;
const STUDIO_KEY = 'studio-key-for-the-flood-test-0123456789';

/** A small seeded generator, so a failure can be replayed exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

interface Hostile {
  kind: string;
  frame: string | Buffer;
  /** The codes an answer may carry (rate_limited is always allowed: it is an error answer too). */
  expect: readonly ErrorCode[];
  /** The envelope's id, when the server can read it back. */
  id?: number;
}

/** What an attacker knows about the Space: ids it saw and tokens it got hold of. */
interface Intel {
  invite: string;
  hostToken: string;
  expiredHostToken: string;
  unknownSpaceToken: string;
  forgedHostToken: string;
  hostProducerId: string;
  victimTransportId: string;
  victimConsumerId: string;
}

const RTP_CAPS = {
  codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 }],
};
const RTP_PARAMS = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 1234 }],
};
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };
const TEXT_CHARS = '{}[]":,.-+eE0123456789 abcdefghijklmnopqrstuvwxyz\\/\n\t\u00e9\u4e2d\u202e\u0000\ud83d\ude00';

function randomText(r: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += r.pick([...TEXT_CHARS]);
  return s;
}

function randomValue(r: Rng): unknown {
  return r.pick([() => r.int(-1e9, 1e9), () => r.next(), () => randomText(r, r.int(0, 40)), () => [1, 'a', {}], () => true, () => ({ x: { y: [] } })])();
}

/** One hostile message for a connection that is (or is not) joined as a listener. */
function hostile(r: Rng, id: number, joined: boolean, intel: Intel): Hostile {
  const env = (type: string, data: unknown) => JSON.stringify({ id, type, data });
  const kind = r.pick(['random-bytes', 'random-text', 'bad-envelope', 'unknown-type', 'huge', 'bad-payload', 'unauthorised'] as const);
  switch (kind) {
    case 'random-bytes':
      return { kind, frame: Buffer.from(Array.from({ length: r.int(1, 4096) }, () => r.int(0, 255))), expect: ['bad_message'] };
    case 'random-text':
      // Random text is occasionally valid JSON ("7"), which is then not an envelope.
      return { kind, frame: randomText(r, r.int(1, 2000)), expect: ['bad_json', 'bad_message'] };
    case 'bad-envelope': {
      const depth = r.int(100, 20_000);
      const frame = r.pick([
        () => JSON.stringify({ id: String(id), type: 'ping' }),
        () => JSON.stringify({ id: id + 0.5, type: 'ping' }),
        () => JSON.stringify({ id: -id, type: 'ping' }),
        () => JSON.stringify({ id: 2 ** 60, type: 'ping' }),
        () => JSON.stringify({ id, type: r.int(0, 99) }),
        () => JSON.stringify({ id, type: '' }),
        () => JSON.stringify({ id, type: 'x'.repeat(65) }),
        () => JSON.stringify({ id }),
        () => JSON.stringify({ type: 'ping', data: {} }),
        () => JSON.stringify({ id, type: 'ping', data: {}, [randomText(r, 5)]: randomValue(r) }),
        () => JSON.stringify([id, 'ping', {}]),
        () => JSON.stringify(randomValue(r)),
        () => 'null',
        () => `{"__proto__":{"id":${id},"type":"ping"}}`,
        () => JSON.stringify({ id: { valueOf: id }, type: ['ping'] }),
        // Deep nesting: V8 may refuse it (bad_json) or parse it (then it is no envelope).
        () => '['.repeat(depth) + ']'.repeat(depth),
      ])();
      return { kind, frame, expect: ['bad_message', 'bad_json'] };
    }
    case 'unknown-type': {
      const type = r.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'SPACE.END', 'space.end ',
        'space.end\u0000', 'admin.kick', 'space.promote', 'role.set', 'x'.repeat(64), randomText(r, r.int(1, 64))]);
      return { kind, id, frame: env(type, randomValue(r)), expect: ['unknown_type', 'bad_message'] };
    }
    case 'huge': {
      const size = r.int(1024, MAX_MESSAGE_BYTES - 256);
      const big = 'A'.repeat(size);
      const option = r.int(0, 6);
      if (option === 0) return { kind, frame: `{"id":${id},"type":"ping","data":{"pad":"${'B'.repeat(r.int(MAX_MESSAGE_BYTES, 8 * MAX_MESSAGE_BYTES))}"}}`, expect: ['too_large'] };
      if (option === 1) return { kind, id, frame: env('space.create', { title: big, hostName: 'Eve', studioKey: STUDIO_KEY }), expect: ['invalid_payload'] };
      // Tokens up to 4096 characters pass the schema and fail the signature check instead.
      const joinRefusal: ErrorCode = joined ? 'already_joined' : 'unauthenticated';
      if (option === 2) return { kind, id, frame: env('space.join', { token: big }), expect: [size > 4096 ? 'invalid_payload' : joinRefusal] };
      if (option === 3) return { kind, id, frame: env('space.join', { token: intel.invite, displayName: big }), expect: ['invalid_payload'] };
      if (option === 4) return { kind, id, frame: env('producer.pause', { producerId: big }), expect: ['invalid_payload'] };
      if (option === 5) return { kind, id, frame: env('ping', { pad: big }), expect: ['invalid_payload'] };
      const token = `${'a'.repeat(r.int(1, 3000))}.${'b'.repeat(r.int(1, 1000))}`;
      return { kind, id, frame: env('space.join', { token }), expect: [joinRefusal] };
    }
    case 'bad-payload': {
      const type = r.pick(['space.create', 'space.join', 'space.leave', 'space.end', 'transport.create', 'transport.connect',
        'producer.create', 'producer.pause', 'consumer.create', 'consumer.resume', 'ping']);
      const data = r.pick([
        () => r.int(-5, 5),
        () => randomText(r, 10),
        () => [1, 2, 3],
        () => true,
        () => ({ [`x${r.int(0, 1e6)}`]: randomValue(r) }),
        () => ({ direction: 'sideways', transportId: 7, producerId: ['x'], rtpCapabilities: 'opus', token: 42 }),
      ])();
      return { kind, id, frame: env(type, data), expect: ['invalid_payload'] };
    }
    case 'unauthorised': {
      const producerId = intel.hostProducerId;
      const options: Array<[string, unknown, ErrorCode]> = joined
        ? [
            ['space.end', {}, 'forbidden'],
            ['producer.pause', { producerId }, 'forbidden'],
            ['producer.resume', { producerId }, 'forbidden'],
            ['producer.close', { producerId }, 'forbidden'],
            ['producer.create', { transportId: intel.victimTransportId, kind: 'audio', rtpParameters: RTP_PARAMS }, 'forbidden'],
            ['transport.create', { direction: 'send' }, 'forbidden'],
            ['transport.connect', { transportId: intel.victimTransportId, dtlsParameters: DTLS }, 'not_found'],
            ['consumer.create', { transportId: intel.victimTransportId, producerId, rtpCapabilities: RTP_CAPS }, 'not_found'],
            ['consumer.resume', { consumerId: intel.victimConsumerId }, 'not_found'],
            ['space.join', { token: intel.hostToken }, 'already_joined'],
            ['space.join', { token: intel.invite }, 'already_joined'],
            ['space.create', { title: 'Mine now', hostName: 'Eve' }, 'unauthenticated'],
          ]
        : [
            ['space.end', {}, 'not_joined'],
            ['space.leave', {}, 'not_joined'],
            ['producer.pause', { producerId }, 'not_joined'],
            ['producer.close', { producerId }, 'not_joined'],
            ['transport.create', { direction: 'send' }, 'not_joined'],
            ['consumer.resume', { consumerId: intel.victimConsumerId }, 'not_joined'],
            ['consumer.create', { transportId: intel.victimTransportId, producerId, rtpCapabilities: RTP_CAPS }, 'not_joined'],
            ['space.create', { title: 'Mine now', hostName: 'Eve' }, 'unauthenticated'],
            ['space.create', { title: 'Mine now', hostName: 'Eve', studioKey: 'guessed-studio-key-000000000000' }, 'unauthenticated'],
            ['space.join', { token: intel.forgedHostToken }, 'unauthenticated'],
            ['space.join', { token: intel.expiredHostToken }, 'unauthenticated'],
            ['space.join', { token: intel.unknownSpaceToken }, 'not_found'],
          ];
      const [type, data, code] = r.pick(options);
      return { kind, id, frame: env(type, data), expect: [code] };
    }
  }
}

/** Sends each message at the allowed pace and returns the answers, in order. */
async function sendAll(client: RawClient, messages: Hostile[], skipResponses: number): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < messages.length; i++) {
    const { frame } = messages[i]!;
    client.ws.send(frame, { binary: Buffer.isBuffer(frame) });
    if (i >= BURST && (i - BURST) % PER_TICK === PER_TICK - 1) await new Promise((r) => setTimeout(r, TICK_MS));
  }
  return (await client.responses(skipResponses + messages.length, 30_000)).slice(skipResponses);
}

describe('10,000 hostile messages against a live space', () => {
  let server: TestServer;
  let host: RoomClient;
  let listener: RoomClient;
  let rig: RtpRig;
  let intel: Intel;

  beforeAll(async () => {
    server = await startTestServer({ studioKey: STUDIO_KEY, logLevel: 'warn' });
    host = fakeRoom(server.wsUrl);
    await host.connect();
    const created = await host.createSpace('Live under fire', 'Ada', STUDIO_KEY);
    await host.join(created.hostToken);
    const producer = await host.startSending(fakeMicTrack());
    listener = fakeRoom(server.wsUrl);
    await listener.connect();
    await listener.join(created.listenerInvite);
    await eventually(() => expect(listener.remoteTracks()).toHaveLength(1));
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));

    const [body, mac] = created.hostToken.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, userId: 'eve', displayName: 'Eve' })).toString('base64url');
    intel = {
      invite: created.listenerInvite,
      hostToken: created.hostToken,
      forgedHostToken: `${forgedBody}.${mac}`,
      expiredHostToken: server.sfu.tokens.sign({ kind: 'join', spaceId: created.spaceId, role: 'host', userId: 'old-host' }, -1000),
      unknownSpaceToken: server.sfu.tokens.sign({ kind: 'join', spaceId: 'nosuchspace', role: 'host' }, 60_000),
      hostProducerId: producer.id,
      victimTransportId: listener.recvTransport!.id,
      victimConsumerId: listener.remoteTracks()[0]!.consumerId,
    };

    // The Space's audio: plain RTP at 50 packets a second through its router to a counting listener.
    rig = RtpRig.start();
    const [port] = await rig.open(1);
    const router = server.sfu.space(created.spaceId)!.router;
    const speaker = await plainSpeaker(router, rig);
    await plainListener(router, speaker.producer.id, port!, false);
  });

  afterAll(async () => {
    rig?.close();
    host?.close();
    listener?.close();
    await server?.close();
  });

  it('answers or closes on every one, changes nothing, and the audio never stops', { timeout: 90_000 }, async () => {
    const space = server.sfu.spaces()[0]!;
    const hostMember = space.member(host.memberId!)!;
    const before = space.snapshotFor(hostMember);
    const hostProducer = [...hostMember.producers.values()][0]!;
    const victim = space.member(listener.memberId!)!;
    const seenByHost: SpaceSnapshot[] = [];
    const offState = host.on('state', (s) => seenByHost.push(s));
    const troubles: string[] = [];
    for (const client of [host, listener]) {
      client.on('ended', (why) => troubles.push(`ended: ${why}`));
      client.on('disconnected', (why) => troubles.push(`disconnected: ${why}`));
    }

    await rig.start();
    await new Promise((r) => setTimeout(r, 500));
    await rig.reset();
    const started = performance.now();

    // The attackers: half join as listeners first (their join is setup, not one of the 10,000).
    const r = rng(20240611);
    const attackers = await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        const client = await RawClient.connect(server.wsUrl);
        const joined = c % 2 === 1;
        if (joined) {
          client.send(JSON.stringify({ id: 0, type: 'space.join', data: { token: intel.invite, displayName: `Attacker ${c}` } }));
          const [answer] = await client.responses(1);
          expect(answer).toMatchObject({ id: 0, ok: true });
        }
        return { client, joined, skip: joined ? 1 : 0 };
      }),
    );
    const plans = attackers.map(({ joined }) => Array.from({ length: PER_CONNECTION }, (_, i) => hostile(r, i + 1, joined, intel)));
    const fatal = Array.from({ length: FATAL }, (_, i) =>
      i % 2 === 0
        ? { frame: Buffer.alloc(16 * MAX_MESSAGE_BYTES + r.int(1, 1000), 0x41), code: 1009, binary: false }
        : { frame: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d]), code: 1007, binary: false },
    );

    const [answers, closes] = await Promise.all([
      Promise.all(attackers.map(({ client, skip }, c) => sendAll(client, plans[c]!, skip))),
      Promise.all(
        fatal.map(async ({ frame, code, binary }) => {
          const client = await RawClient.connect(server.wsUrl);
          const closed = new Promise<number>((resolve) => client.ws.once('close', (c) => resolve(c)));
          client.ws.send(frame, { binary });
          return { expected: code, got: await closed, answers: client.messages.length };
        }),
      ),
    ]);
    const attackMs = performance.now() - started;

    // Every message was answered, in order, with an error it may get; the envelope's id came back.
    const codes = new Map<string, number>();
    const kinds = new Map<string, number>();
    const wrong: string[] = [];
    let answered = 0;
    answers.forEach((list, c) => {
      expect(list).toHaveLength(PER_CONNECTION);
      list.forEach((answer, i) => {
        const sent = plans[c]![i]!;
        const code = (answer.error as { code?: string } | undefined)?.code ?? 'none';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        kinds.set(sent.kind, (kinds.get(sent.kind) ?? 0) + 1);
        const fine = answer.ok === false && (code === 'rate_limited' || (sent.expect as readonly string[]).includes(code));
        const idFine = code === 'rate_limited' || sent.id === undefined || answer.id === sent.id;
        if (!fine || !idFine) wrong.push(`${sent.kind} ${String(sent.frame).slice(0, 80)} → ${JSON.stringify(answer).slice(0, 200)}`);
        answered++;
      });
    });
    for (const close of closes) expect(close).toMatchObject({ got: close.expected, answers: 0 });
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(answered + closes.length).toBe(TOTAL);
    // Rate limiting is allowed, but most messages must reach the validators they are meant for.
    expect(codes.get('rate_limited') ?? 0).toBeLessThan(TOTAL / 10);
    expect(codes.get('internal') ?? 0).toBe(0);

    // No crash: the worker lives, the server answers, nothing was logged as an error.
    expect(server.sfu.pool.size).toBe(1);
    expect(space.router.closed).toBe(false);
    await expect(listener.signaling.request('ping', {})).resolves.toMatchObject({ serverTime: expect.any(Number) });
    expect(server.logs.filter((l) => l.level === 'error')).toEqual([]);

    // The Space as everyone saw it: same title, status and Stage throughout; only the count moved.
    const stageOf = (s: SpaceSnapshot) => ({ title: s.title, status: s.status, stage: s.stage });
    for (const s of seenByHost) expect(stageOf(s)).toEqual(stageOf(before));
    expect(hostProducer.closed).toBe(false);
    expect(hostProducer.paused).toBe(false);
    expect([...victim.consumers.values()].map((c) => [c.closed, c.paused])).toEqual([[false, false]]);
    for (const { client } of attackers) client.close();
    await eventually(() => {
      const now = space.snapshotFor(hostMember);
      expect(stageOf(now)).toEqual(stageOf(before));
      expect([now.listenerCount, now.queueLength]).toEqual([before.listenerCount, before.queueLength]);
    });
    offState();
    expect(troubles).toEqual([]);

    // The audio: every packet sent during the attack arrived, with no silence longer than a hiccup.
    const sent = await rig.stop();
    await new Promise((r) => setTimeout(r, 200));
    const report = await rig.report();
    const ear = report.streams[0]!;
    console.log(
      `hostile flood: ${TOTAL} messages (${answered} answered, ${closes.length} closed by policy) in ${(attackMs / 1000).toFixed(1)} s; ` +
        `kinds ${JSON.stringify(Object.fromEntries(kinds))}; codes ${JSON.stringify(Object.fromEntries(codes))}; ` +
        `audio ${ear.count} packets, ${ear.seqGaps} lost, longest gap ${ear.maxGapMs.toFixed(0)} ms (sender's own ${sent.maxSendGapMs.toFixed(0)} ms)`,
    );
    expect(report.streams).toHaveLength(1);
    expect(ear.seqGaps).toBe(0);
    expect(ear.count).toBeGreaterThanOrEqual(Math.floor((attackMs / 1000) * 50 * 0.95));
    expect(ear.maxGapMs).toBeLessThan(Math.max(200, sent.maxSendGapMs + 100));
  });
});
