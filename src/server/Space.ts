// A Space: one live show on one mediasoup router. It holds the router and its parts, each a product
// noun with its own file: Membership (who is in it, grace periods, succession), Stage (who holds which
// role, and the announced changes), SpeakerQueue (raised hands and the hosts' answers), Moderation
// (mutes, removals, blocks, reports), Reactions (folded emoji bursts) and SpaceView (what each member is
// sent, and when), Backchannel (the text line between the host, co-hosts and producers). Connection has checked the sender's role and authority over any target from the
// request's declaration; the parts check the state, so a refused request changes nothing.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../shared/errors.js';
import type { EventMap, EventType, ProducerInfo, StageChange } from '../shared/protocol.js';
import type { LiveReplayState } from '../shared/replay.js';
import { isOnStage, type RequestPolicy, type Role, type SpacePolicy } from '../shared/roles.js';
import type { SpaceSnapshot, SpaceStatus } from '../shared/space.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { Backchannel } from './Backchannel.js';
import type { StageProducer } from './egress/StageTap.js';
import type { Logger } from './logger.js';
import type { MediaPlace } from './MediaPlace.js';
import { Member } from './Member.js';
import { Membership } from './Membership.js';
import { Moderation } from './Moderation.js';
import type { ModerationStore } from './ModerationStore.js';
import { Reactions } from './Reactions.js';
import { SpaceView } from './SpaceView.js';
import { SpeakerQueue } from './SpeakerQueue.js';
import { SpaceRouters } from './SpaceRouters.js';
import { SpeakingTracker } from './SpeakingTracker.js';
import { Stage } from './Stage.js';
import type { MemberRecord } from './store/repositories/SpaceRepository.js';
import type { WorkerPool } from './WorkerPool.js';

export type SpaceEvents = {
  /** The Space ended and released its router; it can be forgotten. */
  ended: [reason: string];
  /** A member is gone for good (left, removed, or their grace period ran out). */
  memberleft: [member: Member];
  /** A member on the Stage started sending audio (the server's stage taps consume it). */
  produceradded: [stageProducer: StageProducer];
  /** The Space moved to a new media router after its worker died; producers are made again there. */
  routerchanged: [router: ms.Router];
  /** The state everyone sees was just sent (stage, audience); at most every 100 ms. */
  statechanged: [];
  /** A change touching the Stage, as it was announced to everyone. */
  stagechanged: [change: StageChange];
  /** Something durable may have changed (roles, queue, mutes, bans, policy): the store follows. */
  changed: [];
};

/** What a restart brings back of a Space (SpaceRecorder keeps it in the store). */
export interface RestoredState {
  members: MemberRecord[];
  queue: ReadonlyArray<{ memberId: string; raisedAt: number }>;
  banned: readonly string[];
  talkTimeMs: Record<string, number>;
}

export interface SpaceInit {
  id: string;
  title: string;
  router: ms.Router;
  logger: Logger;
  policy: SpacePolicy;
  /** How long a dropped member keeps their place (and a dropped host their powers). */
  graceMs: number;
  moderation: ModerationStore;
  /** The user who opened the Space; their block list keeps people out. */
  hostUserId: string;
  /** When it went live (kept across a restart); now by default. */
  startedAt?: number;
  /** The node's workers: listeners go to the least loaded one's router. Without it, one router. */
  pool?: WorkerPool;
  /** The codecs of the Space's routers (those of `router`). */
  mediaCodecs?: ms.RouterRtpCodecCapability[];
}

export class Space extends TypedEmitter<SpaceEvents> implements MediaPlace<Member> {
  readonly id: string;
  readonly title: string;
  readonly startedAt: number;
  readonly hostUserId: string;
  readonly logger: Logger;
  /** Everyone in the Space, their grace periods and the host's succession. */
  readonly membership: Membership;
  /** Who holds which role on the Stage; every change is announced. */
  readonly stage: Stage;
  /** Raised hands, and the hosts' answers to them. */
  readonly queue: SpeakerQueue;
  readonly moderation: Moderation;
  readonly reactions: Reactions;
  /** What each member is sent, and when. */
  readonly view: SpaceView;
  /** The text line between the host, the co-hosts and producers. */
  readonly backchannel: Backchannel;
  /** The Space's routers on this node: the Stage's (`router`) and one per other worker for listeners. */
  readonly routers: SpaceRouters;
  /** The media router the Stage's producers are on; replaced when its worker dies (see `moveTo`). */
  #router: ms.Router;
  /** Every producer on the Stage, by id, with the member sending it. */
  readonly #producers = new Map<string, { member: Member; producer: ms.Producer }>();
  /** Members whose media is being rebuilt after their listener router died (once per loss). */
  readonly #restarting = new Set<Member>();
  /** Set while the Space moves to a new router, so the old one's closing does not end it. */
  #moving = false;
  /** The rules of this Space; hosts change who may ask to speak. */
  readonly #policy: SpacePolicy;
  #status: SpaceStatus = 'live';
  /** Who is speaking and for how long, from the router's audio levels. */
  #speaking: SpeakingTracker | undefined;
  /** Whether the server records this Space for a replay (everyone sees a mark), set by the replay service. */
  #replay: LiveReplayState = { recording: false, liveClips: false };
  /** Settles once the speaking tracker of the current router is made (it is made while clients rebuild). */
  #speakingReady: Promise<unknown> = Promise.resolve();
  /** Talk time kept across a restart, handed to the speaking tracker when it starts. */
  #restoredTalkTime: Record<string, number> = {};

  constructor(init: SpaceInit) {
    super();
    this.id = init.id;
    this.title = init.title;
    this.#router = init.router;
    this.hostUserId = init.hostUserId;
    this.startedAt = init.startedAt ?? Date.now();
    this.logger = init.logger;
    this.#policy = { ...init.policy };
    this.membership = new Membership(this, {
      graceMs: init.graceMs,
      store: init.moderation,
      onLeft: (member) => this.safeEmit('memberleft', member),
    });
    this.stage = new Stage(this, (change) => this.safeEmit('stagechanged', change));
    this.queue = new SpeakerQueue(this);
    this.moderation = new Moderation(this, init.moderation);
    this.reactions = new Reactions(this);
    this.view = new SpaceView(this, () => this.safeEmit('statechanged'));
    this.backchannel = new Backchannel(this);
    this.routers = new SpaceRouters(init.pool, init.router, init.mediaCodecs ?? [], this.logger);
    this.#watchRouter();
  }

  get router(): ms.Router {
    return this.#router;
  }

  get status(): SpaceStatus {
    return this.#status;
  }

  get policy(): Readonly<SpacePolicy> {
    return this.#policy;
  }

  /** The replay service says whether it records this Space; everyone's snapshot shows it. */
  setReplayState(state: LiveReplayState): void {
    if (state.recording === this.#replay.recording && state.liveClips === this.#replay.liveClips) return;
    this.#replay = { ...state };
    this.view.schedule();
  }

  get replay(): Readonly<LiveReplayState> {
    return this.#replay;
  }

  /** Hosts: who may ask to speak. */
  setRequestPolicy(policy: RequestPolicy): void {
    this.#policy.requestPolicy = policy;
    this.view.schedule();
  }

  member(memberId: string): Member | undefined {
    return this.membership.member(memberId);
  }

  members(): Member[] {
    return this.membership.members();
  }

  assertLive(): void {
    if (this.#status !== 'live') throw new ProtocolError('space_ended', 'this space has ended');
  }

  // ---- media ----------------------------------------------------------------------------------------

  /** Starts the speaking observer; call once after construction and after each move. */
  async start(): Promise<void> {
    this.#speaking = await SpeakingTracker.create(
      this.#router,
      (memberIds) => this.broadcast('space.speaking', { memberIds }),
      () => this.view.scheduleHostRefresh(),
      this.#speaking?.talkTimeMs() ?? this.#restoredTalkTime,
    );
  }

  /** The router's worker died: hold the Space together until it moves (see `moveTo`). */
  markMoving(): void {
    if (this.#status === 'live') this.#moving = true;
  }

  /**
   * Moves the Space to a new router after its worker died. Roles, the queue, mutes and talk time stay;
   * every member's media is rebuilt: clients get `space.mediarestart` and set up again on their own.
   */
  async moveTo(router: ms.Router): Promise<void> {
    if (this.#status !== 'live') {
      router.close();
      return;
    }
    this.#router = router;
    this.routers.setSource(router);
    this.#watchRouter();
    for (const member of this.members()) member.closeMedia();
    // Clients are told at once and rebuild while the speaking tracker is made (addProducer waits for it).
    const started = this.start();
    this.#speakingReady = started.catch(() => undefined);
    this.#moving = false;
    this.logger.warn('space moved to a new media router', { routerId: router.id });
    this.safeEmit('routerchanged', router);
    this.broadcast('space.mediarestart', { routerRtpCapabilities: router.rtpCapabilities as EventMap['space.mediarestart']['routerRtpCapabilities'] });
    this.view.schedule();
    await started;
  }

  #watchRouter(): void {
    const router = this.#router;
    router.observer.once('close', () => {
      // A dying worker closes its routers just before it reports the death; look again a moment later.
      setImmediate(() => {
        if (this.#router === router && !this.#moving) this.end('the media router closed');
      });
    });
  }

  producers(): ProducerInfo[] {
    return [...this.#producers.values()].map(({ member: m, producer: p }) => ({ producerId: p.id, memberId: m.id, displayName: m.displayName, paused: p.paused }));
  }

  /** Every producer on the Stage, with the member sending it. */
  stageProducers(): StageProducer[] {
    return [...this.#producers.values()].map(({ member, producer }) => ({ producer, memberId: member.id, displayName: member.displayName }));
  }

  // The Space as the place its members' media is made on this node (handlers/media.ts).

  /** Stage members' transports and every send transport are on the Stage's router; listeners' on the least loaded worker's. */
  routerFor(direction: 'send' | 'recv', role: Role): Promise<ms.Router> {
    return direction === 'send' || isOnStage(role) ? Promise.resolve(this.#router) : this.routers.forListener();
  }

  hasProducer(producerId: string): boolean {
    return this.#producers.has(producerId);
  }

  reach(producerId: string, router: ms.Router): Promise<void> {
    return this.routers.reach(producerId, router);
  }

  isLost(router: ms.Router): boolean {
    return this.#status === 'live' && !this.#moving && this.routers.isLost(router);
  }

  /**
   * A member's listener router died with its worker while the Space lives: they set their media up
   * again (`space.mediarestart`, then each producer on the Stage to consume afresh).
   */
  restartMediaOf(member: Member): void {
    if (this.#restarting.has(member) || !member.connected) return;
    this.#restarting.add(member);
    queueMicrotask(() => {
      this.#restarting.delete(member);
      if (!member.connected || this.#status !== 'live') return;
      member.closeMedia();
      member.push('space.mediarestart', { routerRtpCapabilities: this.#router.rtpCapabilities as EventMap['space.mediarestart']['routerRtpCapabilities'] });
      for (const producer of this.producers()) if (producer.memberId !== member.id) member.push('producer.added', producer);
      this.logger.warn('a listener’s media is set up again after their router died', { memberId: member.id });
    });
  }

  /** Registers a new producer, applies the member's mute, and tells everyone else. */
  async addProducer(member: Member, producer: ms.Producer): Promise<void> {
    member.producers.set(producer.id, producer);
    this.#producers.set(producer.id, { member, producer });
    if (member.muted) await producer.pause();
    producer.observer.once('close', () => {
      member.producers.delete(producer.id);
      this.#producers.delete(producer.id);
      if (this.#status !== 'live') return;
      this.broadcast('producer.removed', { producerId: producer.id }, member.id);
      this.view.schedule();
    });
    // Everyone starts consuming at once (after a worker death this is what they wait for); the speaking
    // tracker and the taps follow.
    this.broadcast(
      'producer.added',
      { producerId: producer.id, memberId: member.id, displayName: member.displayName, paused: producer.paused },
      member.id,
    );
    this.view.schedule();
    await this.#speakingReady;
    await this.#speaking?.add(producer, member.id);
    if (!producer.closed) this.safeEmit('produceradded', { producer, memberId: member.id, displayName: member.displayName });
  }

  /** Who is speaking now, by member id. */
  speakingNow(): string[] {
    return this.members().filter((m) => this.#speaking?.isSpeaking(m.id)).map((m) => m.id);
  }

  /** Talk time per member (including people who left the stage), ms. */
  talkTimeMs(): Record<string, number> {
    return this.#speaking?.talkTimeMs() ?? this.#restoredTalkTime;
  }

  // ---- surviving a restart --------------------------------------------------------------------------

  /** Tells the store something may have changed (SpaceView.schedule calls it on every change). */
  noteChange(): void {
    if (this.#status === 'live') this.safeEmit('changed');
  }

  /**
   * Brings back who was in the Space before the service restarted: every member with their role, mute,
   * invitation and queue place, disconnected and within a fresh grace period (a host who never comes
   * back ends the Space, or hands it to a co-host, as after any dropped connection), and the bans. Call
   * once, right after construction, before `start()`.
   */
  restore(state: RestoredState): void {
    for (const m of state.members) {
      const member = new Member({
        id: m.memberId,
        userId: m.userId,
        displayName: m.displayName,
        role: m.role,
        canRequest: m.canRequest,
        restored: { resumeHash: m.resumeHash, joinedAt: m.joinedAt },
      });
      member.muted = m.muted;
      member.stageSince = m.stageSince;
      member.invitation = m.invitation;
      this.membership.restore(member);
    }
    for (const hand of state.queue) if (this.member(hand.memberId)) this.queue.restore(hand.memberId, hand.raisedAt);
    for (const userId of state.banned) this.membership.ban(userId);
    this.#restoredTalkTime = state.talkTimeMs;
    this.logger.info('space restored after a restart', { members: state.members.length, queue: this.queue.length, banned: state.banned.length });
  }

  /** What the store keeps of this Space besides each member (SpaceRecorder reads it on `changed`). */
  durableState(): { policy: SpacePolicy; queue: Array<{ memberId: string; raisedAt: number }>; banned: string[]; talkTimeMs: Record<string, number> } {
    return {
      policy: { ...this.#policy },
      queue: this.queue.entries().map((h) => ({ memberId: h.memberId, raisedAt: h.raisedAt })),
      banned: this.membership.banned(),
      talkTimeMs: this.talkTimeMs(),
    };
  }

  /**
   * The service is stopping and the store keeps this Space live: let go of media and timers without
   * telling anyone it ended, so clients reconnect and resume on the next start. Idempotent.
   */
  shutDown(): void {
    if (this.#status === 'ended') return;
    this.#status = 'ended';
    this.view.close();
    this.reactions.close();
    this.membership.stopGraceTimers();
    for (const member of this.members()) member.close();
    this.routers.close();
    if (!this.#router.closed) this.#router.close();
    this.logger.info('space kept for the next start');
  }

  // ---- telling people -------------------------------------------------------------------------------

  broadcast<E extends EventType>(event: E, data: EventMap[E], exceptMemberId?: string): void {
    for (const member of this.members()) {
      if (member.id !== exceptMemberId) member.push(event, data);
    }
  }

  /** The Space as `member` sees it. */
  snapshotFor(member: Member): SpaceSnapshot {
    return this.view.snapshotFor(member);
  }

  /** What anyone holding an invitation may see before joining. */
  publicView(): Pick<SpaceSnapshot, 'stage' | 'listenerCount'> {
    return this.view.publicView();
  }

  /** Who holds which role, the queue, mutes and policy: what a refused request must leave unchanged. */
  summary() {
    return {
      status: this.#status,
      policy: { ...this.#policy },
      members: this.members().map((m) => ({ id: m.id, role: m.role, muted: m.muted, connected: m.connected, invitation: m.invitation })),
      queue: this.queue.entries().map((h) => h.memberId),
      banned: this.membership.banned(),
      producers: this.producers(),
      replay: { ...this.#replay },
    };
  }

  /** Ends the Space for everyone: tells them why, closes every member and the router. Idempotent. */
  end(reason: string): void {
    if (this.#status === 'ended') return;
    this.#status = 'ended';
    this.view.close();
    this.reactions.close();
    this.membership.stopGraceTimers();
    this.logger.info('space ended', { reason });
    for (const [member, snapshot] of this.view.snapshotsForAll()) {
      member.push('space.state', snapshot);
      member.push('space.ended', { reason });
      member.close();
    }
    this.membership.clear();
    this.routers.close();
    if (!this.#router.closed) this.#router.close();
    this.safeEmit('ended', reason);
  }
}
