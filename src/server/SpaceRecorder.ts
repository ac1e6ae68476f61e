// Keeps a live Space in the store as it changes, so a restarted service brings it back: the Space's
// row (title, host, policy, queue order, talk time), a row per member (role, mute, invitation, resume
// token hash) and the bans. On every `changed` it compares what it last wrote with the Space now and
// hands the Journal only what differs; the Journal folds and commits.
import type { Journal } from './store/Journal.js';
import type { MemberRecord, SpaceRecord, StoredSpace } from './store/repositories/SpaceRepository.js';
import type { Member } from './Member.js';
import type { Space } from './Space.js';

/** Talk time moves constantly while people speak; it is saved this often, not on every change. */
const TALK_TIME_EVERY_MS = 10_000;

function memberRecord(m: Member): MemberRecord {
  return {
    memberId: m.id,
    userId: m.userId,
    displayName: m.displayName,
    role: m.role,
    muted: m.muted,
    canRequest: m.canRequest,
    stageSince: m.stageSince,
    joinedAt: m.joinedAt,
    resumeHash: m.resumeHash,
    invitation: m.invitation ? { as: m.invitation.as, from: m.invitation.from } : null,
  };
}

/** The fields of a member that change, as one comparable string (cheaper than serialising the row). */
function memberKey(m: { role: string; muted: boolean; canRequest: boolean; stageSince: number; invitation: { as: string; from: string } | null }): string {
  return `${m.role}|${m.muted ? 1 : 0}|${m.canRequest ? 1 : 0}|${m.stageSince}|${m.invitation ? `${m.invitation.as}:${m.invitation.from}` : ''}`;
}

export class SpaceRecorder {
  readonly #space: Space;
  readonly #journal: Journal;
  /** What the store holds now (or will, once the journal commits), per member. */
  readonly #members = new Map<string, string>();
  #queue = '[]';
  #policy = '';
  readonly #banned = new Set<string>();
  #talkTimer: ReturnType<typeof setInterval> | undefined;
  readonly #offs: Array<() => void> = [];
  #detached = false;

  private constructor(space: Space, journal: Journal) {
    this.#space = space;
    this.#journal = journal;
  }

  /** Starts keeping a new Space: writes its row, then follows its changes. */
  static create(space: Space, journal: Journal, hostUserId: string): SpaceRecorder {
    const recorder = new SpaceRecorder(space, journal);
    const now = Date.now();
    const { policy, queue, talkTimeMs } = space.durableState();
    const record: SpaceRecord = {
      id: space.id,
      title: space.title,
      hostUserId,
      status: 'live',
      policy,
      queue: [...queue],
      talkTimeMs,
      createdAt: now,
      startedAt: space.startedAt,
      endedAt: null,
      endReason: null,
    };
    journal.write(`space:${space.id}`, (r) => r.spaces.create(record, now));
    recorder.#policy = JSON.stringify(policy);
    recorder.#follow();
    return recorder;
  }

  /** Follows a Space restored from the store: what was stored counts as written. */
  static resume(space: Space, journal: Journal, stored: StoredSpace): SpaceRecorder {
    const recorder = new SpaceRecorder(space, journal);
    for (const m of stored.members) recorder.#members.set(m.memberId, memberKey(m));
    recorder.#queue = JSON.stringify(stored.space.queue);
    recorder.#policy = JSON.stringify(stored.space.policy);
    for (const userId of stored.bans) recorder.#banned.add(userId);
    recorder.#follow();
    return recorder;
  }

  #follow(): void {
    this.#offs.push(this.#space.on('changed', () => this.#sync()));
    this.#offs.push(
      this.#space.on('ended', (reason) => {
        const id = this.#space.id;
        const at = Date.now();
        this.#journal.write(`space:${id}:end`, (r) => r.spaces.end(id, reason, at));
        this.detach();
      }),
    );
    this.#talkTimer = setInterval(() => this.#saveTalkTime(), TALK_TIME_EVERY_MS);
    this.#talkTimer.unref();
    this.#sync();
  }

  /** Writes what changed since the last call. */
  #sync(): void {
    if (this.#detached) return;
    const id = this.#space.id;
    const seen = new Set<string>();
    for (const member of this.#space.members()) {
      seen.add(member.id);
      const key = memberKey(member);
      if (this.#members.get(member.id) === key) continue;
      this.#members.set(member.id, key);
      const record = memberRecord(member);
      this.#journal.write(`member:${id}:${member.id}`, (r) => r.spaces.putMember(id, record));
    }
    for (const memberId of this.#members.keys()) {
      if (seen.has(memberId)) continue;
      this.#members.delete(memberId);
      this.#journal.write(`member:${id}:${memberId}`, (r) => r.spaces.removeMember(id, memberId));
    }
    const { policy, queue, banned } = this.#space.durableState();
    const queueJson = JSON.stringify(queue);
    if (queueJson !== this.#queue) {
      this.#queue = queueJson;
      const order = [...queue];
      this.#journal.write(`queue:${id}`, (r) => r.spaces.setQueue(id, order, Date.now()));
    }
    const policyJson = JSON.stringify(policy);
    if (policyJson !== this.#policy) {
      this.#policy = policyJson;
      this.#journal.write(`policy:${id}`, (r) => r.spaces.setPolicy(id, policy, Date.now()));
    }
    for (const userId of banned) {
      if (this.#banned.has(userId)) continue;
      this.#banned.add(userId);
      this.#journal.write(`ban:${id}:${userId}`, (r) => r.spaces.addBan(id, userId, Date.now()));
    }
  }

  #saveTalkTime(): void {
    const id = this.#space.id;
    const talkTimeMs = { ...this.#space.durableState().talkTimeMs };
    this.#journal.write(`talk:${id}`, (r) => r.spaces.setTalkTime(id, talkTimeMs, Date.now()));
  }

  /** Stops following (the Space ended, or the service is shutting down and the Space stays live in the store). */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    clearInterval(this.#talkTimer);
    for (const off of this.#offs) off();
  }

  /** Saves talk time one last time and stops following (shutdown: the Space stays live in the store). */
  suspend(): void {
    if (this.#detached) return;
    this.#saveTalkTime();
    this.detach();
  }
}
