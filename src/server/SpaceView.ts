// What each member of a Space is sent, and when. Everyone sees the Stage and the count; hosts also see
// the queue in full and talk times; a listener sees their own place and any invitation. Bursts of
// changes fold into one `space.state` per member every 100 ms; hosts' talk times refresh once a second
// while people speak.
import type { HostView, SpaceSnapshot } from '../shared/space.js';
import { isHostRole } from '../shared/roles.js';
import type { Member } from './Member.js';
import type { Space } from './Space.js';

/** Bursts of changes are folded into one state broadcast per this many milliseconds. */
export const STATE_BROADCAST_MS = 100;
/** Hosts' talk-time view refreshes at most this often while people speak. */
export const HOST_REFRESH_MS = 1000;

/** What every member's snapshot shares, computed once per broadcast. */
interface CommonState {
  base: Omit<SpaceSnapshot, 'you' | 'host'>;
  hostView: HostView;
  now: number;
}

export class SpaceView {
  readonly #space: Space;
  /** Pending state broadcast. */
  #stateTimer: ReturnType<typeof setTimeout> | undefined;
  /** Pending refresh of the hosts' view (talk times). */
  #hostRefreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Told after each state broadcast (the Space passes it on to the server's own listeners). */
  readonly #onBroadcast: () => void;

  constructor(space: Space, onBroadcast: () => void = () => {}) {
    this.#space = space;
    this.#onBroadcast = onBroadcast;
  }

  /** Something changed: everyone gets their snapshot within STATE_BROADCAST_MS. */
  schedule(): void {
    if (this.#space.status !== 'live') return;
    // Every state change passes here: the store follows at once (SpaceRecorder), the broadcast a moment later.
    this.#space.noteChange();
    if (this.#stateTimer) return;
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      if (this.#space.status === 'live') this.#broadcast();
    }, STATE_BROADCAST_MS);
  }

  /** Talk time moved while people speak; only hosts see it, so only they get the update. */
  scheduleHostRefresh(): void {
    if (this.#hostRefreshTimer || this.#space.status !== 'live') return;
    this.#hostRefreshTimer = setTimeout(() => {
      this.#hostRefreshTimer = undefined;
      if (this.#space.status !== 'live' || this.#stateTimer) return;
      const common = this.#common();
      for (const member of this.#space.members()) {
        if (member.connected && isHostRole(member.role)) member.push('space.state', this.#personalise(common, member));
      }
    }, HOST_REFRESH_MS);
  }

  /** The Space as `member` sees it. */
  snapshotFor(member: Member): SpaceSnapshot {
    return this.#personalise(this.#common(), member);
  }

  /** Every member's snapshot, computed together (when the Space ends). */
  snapshotsForAll(): Map<Member, SpaceSnapshot> {
    const common = this.#common();
    return new Map(this.#space.members().map((member) => [member, this.#personalise(common, member)]));
  }

  /** What anyone holding an invitation may see before joining. */
  publicView(): Pick<SpaceSnapshot, 'stage' | 'listenerCount'> {
    const { stage, listenerCount } = this.#common().base;
    return { stage, listenerCount };
  }

  /** The Space ended: nothing more is scheduled. */
  close(): void {
    clearTimeout(this.#stateTimer);
    clearTimeout(this.#hostRefreshTimer);
    this.#stateTimer = undefined;
    this.#hostRefreshTimer = undefined;
  }

  #broadcast(): void {
    const common = this.#common();
    for (const member of this.#space.members()) {
      if (member.connected) member.push('space.state', this.#personalise(common, member));
    }
    this.#onBroadcast();
  }

  /** The parts of the state everyone sees, computed once per broadcast. */
  #common(): CommonState {
    const space = this.#space;
    const all = space.members();
    const stage = space.stage.members().map((m) => ({
      memberId: m.id,
      displayName: m.displayName,
      role: m.role,
      live: m.producers.size > 0,
      muted: m.muted,
      connected: m.connected,
    }));
    const now = Date.now();
    const hostView: HostView = {
      queue: space.queue.entries().map((hand, i) => ({
        memberId: hand.memberId,
        displayName: space.member(hand.memberId)?.displayName ?? '',
        position: i + 1,
        raisedAt: hand.raisedAt,
        micCheck: space.member(hand.memberId)?.micCheck ?? null,
      })),
      talkTimeMs: space.talkTimeMs(),
      invited: all.filter((m) => m.invitation).map((m) => ({ memberId: m.id, displayName: m.displayName, as: m.invitation!.as })),
    };
    return {
      base: {
        spaceId: space.id,
        title: space.title,
        status: space.status,
        startedAt: space.startedAt,
        stage,
        listenerCount: all.filter((m) => m.role === 'listener' && m.connected).length,
        queueLength: space.queue.length,
        policy: { ...space.policy },
        hostAwayUntil: space.membership.hostAwayUntil,
        replay: { ...space.replay },
        serverTime: now,
      },
      hostView,
      now,
    };
  }

  #personalise(common: CommonState, member: Member): SpaceSnapshot {
    return {
      ...common.base,
      you: {
        memberId: member.id,
        role: member.role,
        canRequest: member.role === 'listener' && this.#space.queue.mayRequest(member),
        hand: this.#space.queue.hand(member.id, common.now),
        invitation: member.invitation,
        muted: member.muted,
      },
      ...(isHostRole(member.role) ? { host: common.hostView } : {}),
    };
  }
}
