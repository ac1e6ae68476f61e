// A Space: one mediasoup router, the Members in it, the Stage, the speaker queue, and the rules that
// govern them. Connection has checked the sender's role and their authority over any target (from the
// request's declaration); the methods here check the state, so a refused request changes nothing.
import type { types as ms } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import { ProtocolError } from '../shared/errors.js';
import { rateMicCheck, type MicCheck, type MicCheckFigures } from '../shared/mic-check.js';
import type { EventMap, EventType, ProducerInfo, StageCause, StageChange } from '../shared/protocol.js';
import { isHostRole, isOnStage, mayActOn, type Reaction, type RequestPolicy, type Role, type SpacePolicy } from '../shared/roles.js';
import type { LiveReplayState } from '../shared/replay.js';
import type { HostView, ReactionBurst, SpaceSnapshot, SpaceStatus, StageMember } from '../shared/space.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { StageProducer } from './egress/StageTap.js';
import type { Logger } from './logger.js';
import { Member, type PushEvent } from './Member.js';
import type { ModerationStore } from './ModerationStore.js';
import { SpeakerQueue } from './SpeakerQueue.js';
import { SpeakingTracker } from './SpeakingTracker.js';

export type SpaceEvents = {
  /** The Space ended and released its router; it can be forgotten. */
  ended: [reason: string];
  /** A member is gone for good (left, removed, or their grace period ran out). */
  memberleft: [member: Member];
  /** A member on the Stage started sending audio (the server's stage taps consume it). */
  produceradded: [stageProducer: StageProducer];
  /** The Space moved to a new media router after its worker died; producers are made again there. */
  routerchanged: [router: ms.Router];
  /** The state everyone sees was just broadcast (stage, audience); at most every STATE_BROADCAST_MS. */
  statechanged: [];
  /** A change touching the Stage, as it was announced to everyone. */
  stagechanged: [change: StageChange];
};

const ROLE_ORDER: Record<Role, number> = { host: 0, cohost: 1, speaker: 2, listener: 3 };
/** Bursts of changes are folded into one state broadcast per this many milliseconds. */
const STATE_BROADCAST_MS = 100;
/** Reactions are folded into one broadcast per this many milliseconds. */
const REACTION_BROADCAST_MS = 250;
/** Hosts' talk-time view refreshes at most this often while people speak. */
const HOST_REFRESH_MS = 1000;
/** Stage changes kept for members who come back after a dropped connection. */
const STAGE_LOG_SIZE = 500;

/** What every member's snapshot shares, computed once per broadcast. */
interface CommonState {
  base: Omit<SpaceSnapshot, 'you' | 'host'>;
  hostView: HostView;
  now: number;
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
}

export class Space extends TypedEmitter<SpaceEvents> {
  readonly id: string;
  readonly title: string;
  readonly startedAt = Date.now();
  readonly hostUserId: string;
  /** The media router; replaced when its worker dies (see `moveTo`). */
  #router: ms.Router;
  /** Set while the Space moves to a new router, so the old one's closing does not end it. */
  #moving = false;
  readonly #logger: Logger;
  readonly #policy: SpacePolicy;
  readonly #graceMs: number;
  readonly #moderation: ModerationStore;
  /** Everyone in the Space (connected or within their grace period), in join order. */
  readonly #members = new Map<string, Member>();
  /** Users removed from this Space; they cannot rejoin it. */
  readonly #banned = new Set<string>();
  readonly #queue = new SpeakerQueue();
  #speaking: SpeakingTracker | undefined;
  /** Grace timers of disconnected members. */
  readonly #graceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #hostAwayUntil: number | null = null;
  #status: SpaceStatus = 'live';
  #stateTimer: ReturnType<typeof setTimeout> | undefined;
  /** Pending refresh of the hosts' view (talk times), at most once a second. */
  #hostRefreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reactions waiting for the next folded broadcast. */
  #reactions: ReactionBurst = { counts: {}, recent: [] };
  #reactionTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the server records this Space for a replay (everyone sees a mark), set by the replay service. */
  #replay: LiveReplayState = { recording: false, liveClips: false };
  /** The latest Stage changes, oldest first, numbered by `seq`. */
  readonly #stageLog: StageChange[] = [];
  #stageSeq = 0;

  constructor(init: SpaceInit) {
    super();
    this.id = init.id;
    this.title = init.title;
    this.#router = init.router;
    this.hostUserId = init.hostUserId;
    this.#logger = init.logger;
    this.#policy = { ...init.policy };
    this.#graceMs = init.graceMs;
    this.#moderation = init.moderation;
    this.#watchRouter();
  }

  get router(): ms.Router {
    return this.#router;
  }

  /** Starts the speaking observer; call once after construction and after each move. */
  async start(): Promise<void> {
    this.#speaking = await SpeakingTracker.create(
      this.#router,
      (memberIds) => this.broadcast('space.speaking', { memberIds }),
      () => this.#scheduleHostRefresh(),
      this.#speaking?.talkTimeMs(),
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
    this.#watchRouter();
    for (const member of this.#members.values()) member.closeMedia();
    await this.start();
    this.#moving = false;
    this.#logger.warn('space moved to a new media router', { routerId: router.id });
    this.safeEmit('routerchanged', router);
    this.broadcast('space.mediarestart', { routerRtpCapabilities: router.rtpCapabilities as EventMap['space.mediarestart']['routerRtpCapabilities'] });
    this.scheduleStateBroadcast();
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

  get status(): SpaceStatus {
    return this.#status;
  }

  get policy(): Readonly<SpacePolicy> {
    return this.#policy;
  }

  member(memberId: string): Member | undefined {
    return this.#members.get(memberId);
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  memberByResumeToken(resumeToken: string): Member | undefined {
    return this.members().find((m) => m.resumeToken === resumeToken);
  }

  producers(): ProducerInfo[] {
    return this.members().flatMap((m) =>
      [...m.producers.values()].map((p) => ({ producerId: p.id, memberId: m.id, displayName: m.displayName, paused: p.paused })),
    );
  }

  /** Every producer on the Stage, with the member sending it. */
  stageProducers(): StageProducer[] {
    return this.members().flatMap((m) => [...m.producers.values()].map((producer) => ({ producer, memberId: m.id, displayName: m.displayName })));
  }

  // ---- joining, leaving, resuming -------------------------------------------------------------------

  join(init: { userId: string; displayName: string; role: Role; canRequest: boolean; push: PushEvent }): Member {
    this.#assertLive();
    if (this.#banned.has(init.userId)) throw new ProtocolError('banned', 'you were removed from this space');
    if (this.#blockedByHosts(init.userId)) throw new ProtocolError('banned', 'the host has blocked you');
    if (init.role === 'host' && this.members().some((m) => m.role === 'host')) {
      // The host's token again (a second studio window): refuse rather than have two hosts.
      throw new ProtocolError('conflict', 'the host is already here; resume instead of joining again');
    }
    const member = new Member({ id: randomUUID(), ...init });
    if (isOnStage(member.role)) member.stageSince = Date.now();
    this.#members.set(member.id, member);
    this.#logger.info('member joined', { memberId: member.id, role: member.role });
    this.#announce(member, null, member.role, 'joined', member.id);
    this.scheduleStateBroadcast();
    return member;
  }

  /** Re-binds a member within their grace period to a new connection. */
  resume(member: Member, push: PushEvent): number {
    this.#assertLive();
    clearTimeout(this.#graceTimers.get(member.id));
    this.#graceTimers.delete(member.id);
    // A half-open old connection may still hold media; the new one starts clean.
    member.closeMedia();
    const attachment = member.attach(push);
    if (member.role === 'host') this.#hostAwayUntil = null;
    this.#logger.info('member resumed', { memberId: member.id, role: member.role });
    this.scheduleStateBroadcast();
    return attachment;
  }

  /** The member's connection dropped: keep their place for the grace period. */
  disconnect(member: Member, attachment: number): void {
    if (member.closed || member.attachment !== attachment || this.#status !== 'live') return;
    member.detach();
    this.#logger.info('member disconnected', { memberId: member.id, role: member.role, graceMs: this.#graceMs });
    if (member.role === 'host') this.#hostAwayUntil = Date.now() + this.#graceMs;
    this.#graceTimers.set(
      member.id,
      setTimeout(() => {
        this.#graceTimers.delete(member.id);
        if (member.role === 'host') this.#hostGone(member, 'the host did not come back', 'dropped');
        else this.#remove(member, 'did not come back', 'dropped', null);
      }, this.#graceMs),
    );
    this.scheduleStateBroadcast();
  }

  /** Leaving on purpose. A host leaving hands over to a co-host, or ends the Space. */
  leave(member: Member): void {
    if (member.role === 'host') this.#hostGone(member, 'the host left', 'left');
    else this.#remove(member, 'left', 'left', member.id);
  }

  // ---- the speaker queue ----------------------------------------------------------------------------

  raiseHand(member: Member): number {
    if (member.role !== 'listener') throw new ProtocolError('conflict', 'you are already on stage');
    if (!this.#mayRequest(member)) {
      throw new ProtocolError('forbidden', 'only people the host invited may ask to speak in this space');
    }
    const position = this.#queue.raise(member.id, Date.now());
    this.scheduleStateBroadcast();
    return position;
  }

  /** Rates and keeps the mic check of someone whose hand is up; hosts see it beside the request. */
  recordMicCheck(member: Member, figures: MicCheckFigures): MicCheck {
    if (!this.#queue.has(member.id)) throw new ProtocolError('conflict', 'raise your hand first');
    member.micCheck = rateMicCheck(figures);
    this.scheduleStateBroadcast();
    return member.micCheck;
  }

  lowerHand(member: Member): void {
    if (!this.#queue.remove(member.id)) throw new ProtocolError('conflict', 'your hand is not raised');
    this.scheduleStateBroadcast();
  }

  approve(actor: Member, target: Member): void {
    if (!this.#queue.has(target.id)) throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    this.#assertRoomFor('speaker');
    this.#queue.answer(target.id, Date.now());
    this.#setRole(target, 'speaker', 'approved', actor.id);
    this.#logger.info('request approved', { memberId: target.id, by: actor.id });
  }

  /** Approves whoever is first in the queue now; returns them. */
  approveNext(actor: Member): Member {
    const next = this.#queue.entries()[0];
    const target = next && this.#members.get(next.memberId);
    if (!target) throw new ProtocolError('conflict', 'nobody is waiting to speak');
    this.approve(actor, target);
    return target;
  }

  decline(_actor: Member, target: Member): void {
    if (!this.#queue.answer(target.id, Date.now())) {
      throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    }
    this.scheduleStateBroadcast();
  }

  moveHand(_actor: Member, target: Member, direction: 'up' | 'down'): number {
    const position = this.#queue.move(target.id, direction);
    if (position === undefined) throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    this.scheduleStateBroadcast();
    return position;
  }

  // ---- the stage ------------------------------------------------------------------------------------

  invite(actor: Member, target: Member, as: 'speaker' | 'cohost'): void {
    if (as === 'cohost' && actor.role !== 'host') throw new ProtocolError('forbidden', 'only the host invites co-hosts');
    if (target.role !== 'listener') throw new ProtocolError('conflict', `${target.displayName} is already on stage`);
    this.#assertRoomFor(as);
    target.invitation = { as, from: actor.displayName };
    target.invitedBy = actor.id;
    // An invitation counts as the host's permission to ask, whatever the policy.
    target.canRequest = true;
    this.scheduleStateBroadcast();
  }

  answerInvitation(member: Member, accept: boolean): void {
    const invitation = member.invitation;
    if (!invitation) throw new ProtocolError('conflict', 'you have no invitation to answer');
    if (accept) this.#assertRoomFor(invitation.as);
    const invitedBy = member.invitedBy;
    member.invitation = null;
    member.invitedBy = null;
    if (accept) {
      this.#queue.remove(member.id);
      this.#setRole(member, invitation.as, 'invited', invitedBy);
    } else {
      this.scheduleStateBroadcast();
    }
  }

  stepDown(member: Member): void {
    this.#setRole(member, 'listener', 'stepped_down', member.id);
  }

  removeFromStage(actor: Member, target: Member): void {
    if (!isOnStage(target.role)) throw new ProtocolError('conflict', `${target.displayName} is not on stage`);
    this.#setRole(target, 'listener', 'moved_to_audience', actor.id);
  }

  promote(actor: Member, target: Member): void {
    if (target.role !== 'speaker') throw new ProtocolError('conflict', 'only a speaker on stage can become a co-host');
    this.#assertRoomFor('cohost');
    this.#setRole(target, 'cohost', 'promoted', actor.id);
  }

  demote(actor: Member, target: Member): void {
    if (target.role !== 'cohost') throw new ProtocolError('conflict', `${target.displayName} is not a co-host`);
    // A demoted co-host stays on stage as a speaker when there is room, else goes to the audience.
    this.#setRole(target, this.#count('speaker') < this.#policy.maxSpeakers ? 'speaker' : 'listener', 'demoted', actor.id);
  }

  transferHost(actor: Member, target: Member): void {
    if (target.role !== 'cohost') throw new ProtocolError('conflict', 'the host role goes to a co-host');
    target.role = 'host';
    actor.role = 'cohost';
    this.#logger.info('host transferred', { from: actor.id, to: target.id });
    this.#announce(target, 'cohost', 'host', 'host_transferred', actor.id);
    this.#announce(actor, 'host', 'cohost', 'host_transferred', actor.id);
    this.scheduleStateBroadcast();
  }

  // ---- moderation -----------------------------------------------------------------------------------

  async mute(_actor: Member, target: Member): Promise<void> {
    if (!isOnStage(target.role)) throw new ProtocolError('conflict', `${target.displayName} is not on stage`);
    await this.setMuted(target, true);
  }

  async muteAll(actor: Member): Promise<number> {
    const targets = this.members().filter((m) => m !== actor && isOnStage(m.role) && mayActOn(actor.role, m.role) && !m.muted);
    await Promise.all(targets.map((m) => this.setMuted(m, true)));
    return targets.length;
  }

  /** Mutes or unmutes a member: the flag survives reconnects, the producer follows it. */
  async setMuted(member: Member, muted: boolean): Promise<void> {
    member.muted = muted;
    await Promise.all([...member.producers.values()].map((p) => (muted ? p.pause() : p.resume())));
    this.scheduleStateBroadcast();
  }

  removeFromSpace(actor: Member, target: Member, reason = 'a host removed you from this space'): void {
    this.#banned.add(target.userId);
    target.push('space.removed', { reason });
    this.#logger.info('member removed from space', { memberId: target.id, by: actor.id });
    this.#remove(target, 'removed', 'removed', actor.id);
  }

  block(actor: Member, target: Member): void {
    this.#moderation.block(actor.userId, { userId: target.userId, displayName: target.displayName });
    // The host's block list keeps people out of the host's spaces, this one included.
    if (actor.role === 'host' && mayActOn('host', target.role)) this.removeFromSpace(actor, target, 'the host has blocked you');
  }

  report(actor: Member, target: Member, reason: string): string {
    return this.#moderation.report({
      spaceId: this.id,
      spaceTitle: this.title,
      reporter: { userId: actor.userId, displayName: actor.displayName },
      reported: { userId: target.userId, displayName: target.displayName },
      reason,
    }).id;
  }

  react(member: Member, reaction: Reaction): void {
    if (!member.reactionLimiter.take()) throw new ProtocolError('rate_limited', 'slow down: at most 2 reactions a second');
    this.#reactions.counts[reaction] = (this.#reactions.counts[reaction] ?? 0) + 1;
    this.#reactions.recent.push({ displayName: member.displayName, reaction });
    if (this.#reactions.recent.length > 8) this.#reactions.recent.shift();
    this.#reactionTimer ??= setTimeout(() => {
      this.#reactionTimer = undefined;
      const burst = this.#reactions;
      this.#reactions = { counts: {}, recent: [] };
      this.broadcast('space.reactions', burst);
    }, REACTION_BROADCAST_MS);
  }

  /** The replay service says whether it records this Space; everyone's snapshot shows it. */
  setReplayState(state: LiveReplayState): void {
    if (state.recording === this.#replay.recording && state.liveClips === this.#replay.liveClips) return;
    this.#replay = { ...state };
    this.scheduleStateBroadcast();
  }

  get replay(): Readonly<LiveReplayState> {
    return this.#replay;
  }

  setRequestPolicy(policy: RequestPolicy): void {
    this.#policy.requestPolicy = policy;
    this.scheduleStateBroadcast();
  }

  findListeners(query: string, limit: number) {
    const needle = query.trim().toLowerCase();
    const all = this.members().filter((m) => m.role === 'listener' && m.connected && m.displayName.toLowerCase().includes(needle));
    return {
      total: all.length,
      listeners: all.slice(0, limit).map((m) => ({ memberId: m.id, displayName: m.displayName, handRaised: this.#queue.has(m.id) })),
    };
  }

  // ---- media ----------------------------------------------------------------------------------------

  /** Registers a new producer, applies the member's mute, and tells everyone else. */
  async addProducer(member: Member, producer: ms.Producer): Promise<void> {
    member.producers.set(producer.id, producer);
    if (member.muted) await producer.pause();
    producer.observer.once('close', () => {
      member.producers.delete(producer.id);
      if (this.#status !== 'live') return;
      this.broadcast('producer.removed', { producerId: producer.id }, member.id);
      this.scheduleStateBroadcast();
    });
    await this.#speaking?.add(producer, member.id);
    if (!producer.closed) this.safeEmit('produceradded', { producer, memberId: member.id, displayName: member.displayName });
    this.broadcast(
      'producer.added',
      { producerId: producer.id, memberId: member.id, displayName: member.displayName, paused: producer.paused },
      member.id,
    );
    this.scheduleStateBroadcast();
  }

  // ---- state ----------------------------------------------------------------------------------------

  broadcast<E extends EventType>(event: E, data: EventMap[E], exceptMemberId?: string): void {
    for (const member of this.#members.values()) {
      if (member.id !== exceptMemberId) member.push(event, data);
    }
  }

  scheduleStateBroadcast(): void {
    if (this.#stateTimer || this.#status !== 'live') return;
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      if (this.#status === 'live') this.#broadcastState();
    }, STATE_BROADCAST_MS);
  }

  /** Who holds which role, the queue, mutes and policy: what a refused request must leave unchanged. */
  summary() {
    return {
      status: this.#status,
      policy: { ...this.#policy },
      members: this.members().map((m) => ({ id: m.id, role: m.role, muted: m.muted, connected: m.connected, invitation: m.invitation })),
      queue: this.#queue.entries().map((h) => h.memberId),
      banned: [...this.#banned],
      producers: this.producers(),
      replay: { ...this.#replay },
    };
  }

  /** What anyone holding an invitation may see before joining. */
  publicView(): Pick<SpaceSnapshot, 'stage' | 'listenerCount'> {
    const { stage, listenerCount } = this.#commonState().base;
    return { stage, listenerCount };
  }

  /** The Space as `member` sees it. */
  snapshotFor(member: Member): SpaceSnapshot {
    return this.#personalise(this.#commonState(), member);
  }

  /** Ends the Space for everyone: tells them why, closes every member and the router. Idempotent. */
  end(reason: string): void {
    if (this.#status === 'ended') return;
    this.#status = 'ended';
    clearTimeout(this.#stateTimer);
    clearTimeout(this.#reactionTimer);
    clearTimeout(this.#hostRefreshTimer);
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    this.#logger.info('space ended', { reason });
    const common = this.#commonState();
    for (const member of this.#members.values()) {
      member.push('space.state', this.#personalise(common, member));
      member.push('space.ended', { reason });
      member.close();
    }
    this.#members.clear();
    if (!this.#router.closed) this.#router.close();
    this.safeEmit('ended', reason);
  }

  /** Talk time moves while people speak; only hosts see it, so only they get the update. */
  #scheduleHostRefresh(): void {
    if (this.#hostRefreshTimer || this.#status !== 'live') return;
    this.#hostRefreshTimer = setTimeout(() => {
      this.#hostRefreshTimer = undefined;
      if (this.#status !== 'live' || this.#stateTimer) return;
      const common = this.#commonState();
      for (const member of this.#members.values()) {
        if (member.connected && isHostRole(member.role)) member.push('space.state', this.#personalise(common, member));
      }
    }, HOST_REFRESH_MS);
  }

  #broadcastState(): void {
    const common = this.#commonState();
    for (const member of this.#members.values()) {
      if (member.connected) member.push('space.state', this.#personalise(common, member));
    }
    this.safeEmit('statechanged');
  }

  /** The parts of the state everyone sees, computed once per broadcast. */
  #commonState(): CommonState {
    const all = this.members();
    const stage: StageMember[] = all
      .filter((m) => isOnStage(m.role))
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.stageSince - b.stageSince)
      .map((m) => {
        const producer = [...m.producers.values()][0];
        return {
          memberId: m.id,
          displayName: m.displayName,
          role: m.role,
          live: producer !== undefined,
          muted: m.muted,
          connected: m.connected,
        };
      });
    const now = Date.now();
    const hostView: HostView = {
      queue: this.#queue.entries().map((hand, i) => ({
        memberId: hand.memberId,
        displayName: this.#members.get(hand.memberId)?.displayName ?? '',
        position: i + 1,
        raisedAt: hand.raisedAt,
        micCheck: this.#members.get(hand.memberId)?.micCheck ?? null,
      })),
      talkTimeMs: this.#speaking?.talkTimeMs() ?? {},
      invited: all.filter((m) => m.invitation).map((m) => ({ memberId: m.id, displayName: m.displayName, as: m.invitation!.as })),
    };
    return {
      base: {
        spaceId: this.id,
        title: this.title,
        status: this.#status,
        startedAt: this.startedAt,
        stage,
        listenerCount: all.filter((m) => m.role === 'listener' && m.connected).length,
        queueLength: this.#queue.length,
        policy: { ...this.#policy },
        hostAwayUntil: this.#hostAwayUntil,
        replay: { ...this.#replay },
        serverTime: now,
      },
      hostView,
      now,
    };
  }

  #personalise(common: CommonState, member: Member): SpaceSnapshot {
    const position = this.#queue.position(member.id);
    return {
      ...common.base,
      you: {
        memberId: member.id,
        role: member.role,
        canRequest: member.role === 'listener' && this.#mayRequest(member),
        hand:
          position === undefined
            ? null
            : {
                position,
                raisedAt: this.#queue.raisedAt(member.id)!,
                estimatedWaitMs: this.#queue.estimateWaitMs(position, common.now),
              },
        invitation: member.invitation,
        muted: member.muted,
      },
      ...(isHostRole(member.role) ? { host: common.hostView } : {}),
    };
  }

  // ---- internals ------------------------------------------------------------------------------------

  #mayRequest(member: Member): boolean {
    return this.#policy.requestPolicy === 'everyone' || member.canRequest;
  }

  #blockedByHosts(userId: string): boolean {
    const hosts = new Set([this.hostUserId, ...this.members().filter((m) => m.role === 'host').map((m) => m.userId)]);
    return [...hosts].some((hostUserId) => this.#moderation.isBlocked(hostUserId, userId));
  }

  #count(role: Role): number {
    return this.members().filter((m) => m.role === role).length;
  }

  #assertRoomFor(role: 'speaker' | 'cohost'): void {
    const limit = role === 'speaker' ? this.#policy.maxSpeakers : this.#policy.maxCohosts;
    if (this.#count(role) >= limit) {
      throw new ProtocolError(
        'stage_full',
        role === 'speaker' ? `the stage is full (${limit} speakers); move someone to the audience first` : `there are already ${limit} co-hosts`,
      );
    }
  }

  #setRole(member: Member, role: Role, cause: StageCause, by: string | null): void {
    const from = member.role;
    const wasOnStage = isOnStage(from);
    member.role = role;
    if (isOnStage(role) && !wasOnStage) {
      member.stageSince = Date.now();
      member.invitation = null;
      member.invitedBy = null;
      this.#queue.remove(member.id);
    }
    if (!isOnStage(role) && wasOnStage) {
      // Back in the audience: their audio stops and their mute resets for next time.
      member.closeSending();
      member.muted = false;
    }
    this.#logger.info('role changed', { memberId: member.id, role, cause });
    this.#announce(member, from, role, cause, by);
    this.scheduleStateBroadcast();
  }

  /** Tells everyone about a change that touches the Stage, at once, and keeps it for resumers. */
  #announce(member: Member, from: Role | null, to: Role | null, cause: StageCause, by: string | null): void {
    if (!(from && isOnStage(from)) && !(to && isOnStage(to))) return;
    const change: StageChange = { seq: ++this.#stageSeq, at: Date.now(), memberId: member.id, displayName: member.displayName, from, to, cause, by };
    this.#stageLog.push(change);
    if (this.#stageLog.length > STAGE_LOG_SIZE) this.#stageLog.shift();
    this.broadcast('stage.changed', change);
    this.safeEmit('stagechanged', change);
  }

  /** The number of the latest Stage change. */
  get stageSeq(): number {
    return this.#stageSeq;
  }

  /** The Stage changes after `seq`, oldest first (as many as are still kept). */
  stageChangesSince(seq: number): StageChange[] {
    return this.#stageLog.filter((change) => change.seq > seq);
  }

  /** Who is speaking now, by member id. */
  speakingNow(): string[] {
    return this.members().filter((m) => this.#speaking?.isSpeaking(m.id)).map((m) => m.id);
  }

  /** The host is gone for good: the longest-serving co-host takes over, or the Space ends. */
  #hostGone(host: Member, why: string, cause: 'left' | 'dropped'): void {
    const successor = this.members()
      .filter((m) => m.role === 'cohost')
      .sort((a, b) => Number(b.connected) - Number(a.connected) || a.stageSince - b.stageSince)[0];
    if (!successor) {
      this.end(why);
      return;
    }
    this.#hostAwayUntil = null;
    successor.role = 'host';
    this.#logger.info('host succession', { from: host.id, to: successor.id, why });
    this.#announce(successor, 'cohost', 'host', 'succession', null);
    this.#remove(host, why, cause, cause === 'left' ? host.id : null);
  }

  #remove(member: Member, why: string, cause: 'left' | 'removed' | 'dropped', by: string | null): void {
    if (!this.#members.delete(member.id)) return;
    clearTimeout(this.#graceTimers.get(member.id));
    this.#graceTimers.delete(member.id);
    this.#queue.remove(member.id);
    member.close();
    this.#logger.info('member left', { memberId: member.id, role: member.role, why });
    this.#announce(member, member.role, null, cause, by);
    this.safeEmit('memberleft', member);
    this.scheduleStateBroadcast();
  }

  #assertLive(): void {
    if (this.#status !== 'live') throw new ProtocolError('space_ended', 'this space has ended');
  }
}
