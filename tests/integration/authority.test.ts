// The server is the authority: every request type, sent by every kind of actor, against a fresh live
// Space. Exactly the allowed combinations succeed; every other one gets a clear error and leaves the
// Space exactly as it was. The expected table is written out here from the product rules, not read
// from the code's own access table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { RequestError } from '../../src/renderer/room/SignalingClient';
import { can, PROTOCOL_VERSION, REQUEST_TYPES, type RequestInput, type RequestType, type Viewer } from '../../src/shared/protocol';
import type { Role } from '../../src/shared/roles';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

/**
 * Members by role; `editor` (a listener on stage whom the host named caption editor); `removed`
 * (removed from the Space, connection open); `unauthenticated` (connected, not joined, signed out);
 * `account` (connected, not joined, signed in to an account); `suspended` (connected, not joined,
 * whose account an owner suspended: it cannot sign in).
 */
const ACTORS = ['host', 'cohost', 'speaker', 'listener', 'editor', 'removed', 'unauthenticated', 'account', 'suspended'] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = 'ok' | string;

/** One row per request: the data to send (from the fixture) and the outcome per actor. */
interface Row {
  data: (f: World, actor: Actor) => unknown;
  expect: Record<Actor, Outcome>;
}

interface World {
  f: SpaceFixture;
  client(actor: Actor): RoomClient;
}

const M = 'not_joined';
const F = 'forbidden';
/**
 * The outcome per actor. The editor is a listener like "listener" (hand raised, invited on stage)
 * whom the host named caption editor: the grant changes nothing but correcting captions, so their
 * outcome is the listener's unless a row says otherwise.
 */
const row = (
  host: Outcome,
  cohost: Outcome,
  speaker: Outcome,
  listener: Outcome,
  removed: Outcome = M,
  unauth: Outcome = M,
  account: Outcome = unauth,
  suspended: Outcome = unauth,
  editor: Outcome = listener,
) => ({
  host,
  cohost,
  speaker,
  listener,
  editor,
  removed,
  unauthenticated: unauth,
  account,
  suspended,
});

/** Session tokens made once for the suite: a member account, and one an owner suspended. */
const TOKENS = { account: '', suspended: '' };

const ownProducer = (w: World, actor: Actor) => ({
  producerId: (['listener', 'editor', 'removed', 'unauthenticated', 'account', 'suspended'].includes(actor) ? w.f.host : w.client(actor)).producer!.id,
});

const TABLE: Record<RequestType, Row> = {
  // Every connection has said hello already (RoomClient.connect does); saying it again is harmless.
  'hello': { data: () => ({ protocolVersion: PROTOCOL_VERSION }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok') },
  'ping': { data: () => ({}), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok') },
  'space.create': { data: () => ({ title: 'Another', hostName: 'X' }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok') },
  'space.join': {
    // A returning person presents the identity their client kept, as RoomClient.join does.
    data: (w, actor) => ({ token: w.f.invite, userToken: w.client(actor).userToken }),
    expect: row('already_joined', 'already_joined', 'already_joined', 'already_joined', 'banned', 'ok'),
  },
  'space.preview': { data: (w) => ({ token: w.f.invite }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok') },
  // Signing in: any connection with a live session; a suspended account's session signs nobody in.
  'account.authenticate': {
    data: (_w, actor) => ({ token: actor === 'suspended' ? TOKENS.suspended : TOKENS.account }),
    expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'unauthenticated'),
  },
  'space.resume': {
    data: () => ({ resumeToken: 'not-a-real-token' }),
    expect: row('already_joined', 'already_joined', 'already_joined', 'already_joined', 'not_found', 'not_found'),
  },
  'space.leave': { data: () => ({}), expect: row('ok', 'ok', 'ok', 'ok') },
  'space.end': { data: () => ({}), expect: row('ok', F, F, F) },
  'space.settings': { data: () => ({ requestPolicy: 'invited' }), expect: row('ok', 'ok', F, F) },
  'space.invite': { data: () => ({ canRequest: true }), expect: row('ok', 'ok', F, F) },
  'space.listeners': { data: () => ({ query: '', limit: 10 }), expect: row('ok', 'ok', F, F) },
  'host.transfer': { data: (w) => ({ memberId: w.f.id('cohost2') }), expect: row('ok', F, F, F) },
  'transport.create': { data: () => ({ direction: 'send' }), expect: row('ok', 'ok', 'ok', F) },
  'transport.connect': {
    data: () => ({ transportId: 'nope', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }),
    expect: row('not_found', 'not_found', 'not_found', 'not_found'),
  },
  'producer.create': {
    data: () => ({ transportId: 'nope', kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000 }] } }),
    expect: row('not_found', 'not_found', 'not_found', F),
  },
  'producer.close': { data: ownProducer, expect: row('ok', 'ok', 'ok', F) },
  'producer.pause': { data: ownProducer, expect: row('ok', 'ok', 'ok', F) },
  'producer.resume': { data: ownProducer, expect: row('ok', 'ok', 'ok', F) },
  'consumer.create': {
    data: (w) => ({ transportId: 'nope', producerId: w.f.host.producer!.id, rtpCapabilities: {} }),
    expect: row('not_found', 'not_found', 'not_found', 'not_found'),
  },
  'consumer.resume': { data: () => ({ consumerId: 'nope' }), expect: row('not_found', 'not_found', 'not_found', 'not_found') },
  'queue.raise': { data: () => ({}), expect: row(F, F, F, 'ok') },
  'queue.lower': { data: () => ({}), expect: row(F, F, F, 'ok') },
  'queue.micCheck': {
    data: () => ({ peakDb: -6, speechDb: -20, noiseFloorDb: -70, clippedShare: 0, durationMs: 3000 }),
    expect: row(F, F, F, 'ok'),
  },
  'queue.approve': { data: (w) => ({ memberId: w.f.id('asker') }), expect: row('ok', 'ok', F, F) },
  // The World's queue is asker, listener, asker2: the first is approved.
  'queue.approveNext': { data: () => ({}), expect: row('ok', 'ok', F, F) },
  'queue.decline': { data: (w) => ({ memberId: w.f.id('asker') }), expect: row('ok', 'ok', F, F) },
  'queue.move': { data: (w) => ({ memberId: w.f.id('asker'), direction: 'down' }), expect: row('ok', 'ok', F, F) },
  'stage.invite': { data: (w) => ({ memberId: w.f.id('audience'), as: 'speaker' }), expect: row('ok', 'ok', F, F) },
  'stage.answer': { data: () => ({ accept: true }), expect: row(F, F, F, 'ok') },
  'stage.leave': { data: () => ({}), expect: row(F, 'ok', 'ok', F) },
  'stage.remove': { data: (w) => ({ memberId: w.f.id('speaker2') }), expect: row('ok', 'ok', F, F) },
  'stage.muteAll': { data: () => ({}), expect: row('ok', 'ok', F, F) },
  'cohost.promote': { data: (w) => ({ memberId: w.f.id('speaker2') }), expect: row('ok', F, F, F) },
  'cohost.demote': { data: (w) => ({ memberId: w.f.id('cohost2') }), expect: row('ok', F, F, F) },
  'member.mute': { data: (w) => ({ memberId: w.f.id('speaker2') }), expect: row('ok', 'ok', F, F) },
  'member.remove': { data: (w) => ({ memberId: w.f.id('audience') }), expect: row('ok', 'ok', F, F) },
  'member.block': { data: (w) => ({ memberId: w.f.id('speaker2') }), expect: row('ok', 'ok', 'ok', 'ok') },
  'member.report': { data: (w) => ({ memberId: w.f.id('speaker2'), reason: 'spam' }), expect: row('ok', 'ok', 'ok', 'ok') },
  'reaction.send': { data: () => ({ reaction: '👏' }), expect: row('ok', 'ok', 'ok', 'ok') },
  // Only the host decides whether the Space is recorded.
  'replay.set': { data: () => ({ enabled: true }), expect: row('ok', F, F, F) },
  // Hosts may mark, but this Space is not being recorded.
  'replay.mark': { data: () => ({ title: 'Q&A' }), expect: row('conflict', 'conflict', F, F) },
  'replay.liveClip': { data: () => ({}), expect: row('conflict', 'conflict', 'conflict', 'conflict') },
  'captions.settings': { data: () => ({ enabled: false }), expect: row('ok', 'ok', F, F) },
  'captions.show': { data: () => ({ show: true }), expect: row('ok', 'ok', 'ok', 'ok') },
  'captions.decline': { data: () => ({ declined: true }), expect: row('ok', 'ok', 'ok', 'ok') },
  'captions.editor': { data: (w) => ({ memberId: w.f.id('audience'), editor: true }), expect: row('ok', F, F, F) },
  // Nobody but hosts and named editors may edit; for them, a line that does not exist is not found.
  'captions.correct': { data: () => ({ lineId: 'no-such-line', text: 'fixed' }), expect: row('not_found', 'not_found', F, F, M, M, M, M, 'not_found') },
  'captions.hide': { data: () => ({ lineId: 'no-such-line', hidden: true }), expect: row('not_found', 'not_found', F, F, M, M, M, M, 'not_found') },
  // Anyone holding a Space's link may watch its page.
  'space.watch': { data: (w) => ({ spaceId: w.f.spaceId }), expect: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok') },
  // Starting needs an account (and a scheduled Space of one's own: this live one is not).
  'space.start': {
    data: (w) => ({ spaceId: w.f.spaceId, hostName: 'X' }),
    expect: row('unauthenticated', 'unauthenticated', 'unauthenticated', 'unauthenticated', 'unauthenticated', 'unauthenticated', 'not_found', 'unauthenticated'),
  },
  // The backchannel: the host and co-hosts (and producers the host names, below); a listener can neither read nor send.
  'backchannel.send': { data: () => ({ text: 'two minutes to the break' }), expect: row('ok', 'ok', F, F) },
  'backchannel.read': { data: () => ({}), expect: row('ok', 'ok', F, F) },
  'backchannel.producer': { data: (w) => ({ memberId: w.f.id('audience'), producer: true }), expect: row('ok', F, F, F) },
};

describe('authority: every request from every role', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Three co-hosts allowed, so the host's promotion succeeds with two already in place.
    server = await startTestServer({ maxCohosts: 3 });
    const { accounts, store } = server.platform;
    const client = { address: '127.0.0.1', userAgent: 'authority test' };
    for (const [name, banned] of [['account', false], ['suspended', true]] as const) {
      const { account } = await store.repos.accounts.create({
        id: `acc-${name}`, email: `${name}@example.com`, passwordHash: 'unused', role: 'member', handle: name, displayName: name, now: Date.now(),
      });
      TOKENS[name] = await accounts.studioSession(account.id, client);
      if (banned) await store.repos.accounts.setBan(account.id, { at: Date.now(), reason: 'spam' });
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('covers every request type in the protocol', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...REQUEST_TYPES].sort());
  });

  it('can() in the clients offers exactly what this table allows each role', () => {
    // The role of whom each targeted row acts on, in the World below.
    const targetRole: Partial<Record<RequestType, Role>> = {
      'host.transfer': 'cohost', 'cohost.demote': 'cohost', 'queue.approve': 'listener', 'queue.decline': 'listener',
      'queue.move': 'listener', 'stage.invite': 'listener', 'member.remove': 'listener', 'stage.remove': 'speaker',
      'cohost.promote': 'speaker', 'member.mute': 'speaker', 'member.block': 'speaker', 'member.report': 'speaker',
      'captions.editor': 'listener', 'backchannel.producer': 'listener',
    };
    // Refused by what the data asks, not by who asks: a listener may open a receive transport, not a send one.
    const byData = new Set(['transport.create:listener', 'transport.create:editor']);
    // Refused for want of an account, which a role alone does not tell.
    for (const actor of ['host', 'cohost', 'speaker', 'listener', 'editor']) byData.add(`space.start:${actor}`);
    // What each actor's client knows of itself: its role, and for the editor the grant the captions state lists.
    const viewers = {
      host: 'host',
      cohost: 'cohost',
      speaker: 'speaker',
      listener: 'listener',
      editor: { role: 'listener', captionEditor: true },
    } as const satisfies Record<string, Role | Viewer>;
    for (const type of REQUEST_TYPES) {
      for (const [actor, viewer] of Object.entries(viewers) as Array<[keyof typeof viewers, (typeof viewers)[keyof typeof viewers]]>) {
        if (byData.has(`${type}:${actor}`)) continue;
        const allowed = TABLE[type].expect[actor] !== F;
        expect(can(viewer, type, targetRole[type]), `${actor} ${type}`).toBe(allowed);
      }
    }
  });

  /**
   * The World: host; co-hosts "cohost" and "cohost2"; speakers "speaker" and "speaker2"; listeners
   * "listener" (hand raised, invited on stage), "asker" and "asker2" (hands raised), "editor" (hand
   * raised, invited on stage, named caption editor by the host), "audience", "removed" (removed by
   * the host, connection still open) and an unjoined connection.
   */
  async function world(): Promise<World & { unauth: RoomClient; removed: RoomClient }> {
    const f = await buildSpace(server.wsUrl, {
      cohosts: ['cohost', 'cohost2'],
      speakers: ['speaker', 'speaker2'],
      listeners: ['listener', 'asker', 'asker2', 'editor', 'audience', 'removed'],
    });
    await f.people.asker!.raiseHand();
    await f.people.listener!.raiseHand();
    await f.people.asker2!.raiseHand();
    await f.people.editor!.raiseHand();
    await f.host.request('stage.invite', { memberId: f.id('listener'), as: 'speaker' });
    await f.host.request('stage.invite', { memberId: f.id('editor'), as: 'speaker' });
    await f.host.request('captions.editor', { memberId: f.id('editor'), editor: true });
    await f.host.request('member.remove', { memberId: f.id('removed') });
    const unauth = fakeRoom(server.wsUrl);
    await unauth.connect();
    const signedIn = fakeRoom(server.wsUrl);
    await signedIn.connect();
    await signedIn.request('account.authenticate', { token: TOKENS.account });
    const suspended = fakeRoom(server.wsUrl);
    await suspended.connect();
    await expect(suspended.request('account.authenticate', { token: TOKENS.suspended })).rejects.toMatchObject({ code: 'unauthenticated' });
    f.all.push(unauth, signedIn, suspended);
    const outside: Partial<Record<Actor, RoomClient>> = { unauthenticated: unauth, account: signedIn, suspended };
    const w: World = {
      f,
      client: (actor) => (actor === 'host' ? f.host : (outside[actor] ?? f.people[actor]!)),
    };
    return Object.assign(w, { unauth, removed: f.people.removed! });
  }

  const cases = Object.entries(TABLE).flatMap(([type, r]) => ACTORS.map((actor) => [type, actor, r.expect[actor]] as const));

  // Each case builds its own Space, so they run a few at a time.
  it.concurrent.for(cases)('%s from %s → %s', async ([type, actor, outcome], { expect }) => {
    const w = await world();
    try {
      const space = server.sfu.space(w.f.spaceId)!;
      const before = JSON.stringify(space.summary());
      const data = TABLE[type as RequestType].data(w, actor) as RequestInput<RequestType>;
      const result = await w.client(actor).request(type as RequestType, data).then(
        () => 'ok',
        (error: unknown) => {
          expect(error).toBeInstanceOf(RequestError);
          expect((error as RequestError).message.length).toBeGreaterThan(5);
          return (error as RequestError).code;
        },
      );
      expect(result).toBe(outcome);
      if (outcome !== 'ok') expect(JSON.stringify(space.summary())).toBe(before);
    } finally {
      w.f.close();
    }
  });

  it('a co-host cannot act on the host or the other co-host, and the space is unchanged', async () => {
    const w = await world();
    try {
      const space = server.sfu.space(w.f.spaceId)!;
      const before = JSON.stringify(space.summary());
      const cohost = w.client('cohost');
      for (const target of ['host', 'cohost2']) {
        for (const type of ['member.mute', 'member.remove', 'stage.remove'] as const) {
          await expect(cohost.request(type, { memberId: w.f.id(target) })).rejects.toMatchObject({ code: 'forbidden' });
        }
      }
      expect(JSON.stringify(space.summary())).toBe(before);
      // Mute all from a co-host mutes the speakers only.
      await cohost.request('stage.muteAll', {});
      await eventually(() => {
        const muted = Object.fromEntries(w.f.host.snapshot!.stage.map((m) => [m.displayName, m.muted]));
        expect(muted).toEqual({ Host: false, cohost: false, cohost2: false, speaker: true, speaker2: true });
      });
    } finally {
      w.f.close();
    }
  });
});
