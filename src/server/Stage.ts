// The Stage of a Space: who holds which role on it, how many seats there are, and every way onto it and
// off it. Each change is announced to everyone at once as `stage.changed` (who, from, to, why, by whom),
// numbered and kept for a while so a member who comes back after a drop hears what they missed.
import { ProtocolError } from '../shared/errors.js';
import type { StageCause, StageChange } from '../shared/protocol.js';
import { isOnStage, type Role } from '../shared/roles.js';
import type { Member } from './Member.js';
import type { LeaveCause } from './Membership.js';
import type { Space } from './Space.js';

/** Stage changes kept for members who come back after a dropped connection. */
const LOG_SIZE = 500;
const ROLE_ORDER: Record<Role, number> = { host: 0, cohost: 1, speaker: 2, listener: 3 };

export type Seat = 'speaker' | 'cohost';

export class Stage {
  readonly #space: Space;
  /** The latest changes, oldest first. */
  readonly #log: StageChange[] = [];
  /** The number of the latest change. */
  #seq = 0;

  constructor(space: Space) {
    this.#space = space;
  }

  /** Everyone on the Stage: the host first, then co-hosts, then speakers in the order they came on. */
  members(): Member[] {
    return this.#space
      .members()
      .filter((m) => isOnStage(m.role))
      .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.stageSince - b.stageSince);
  }

  count(role: Role): number {
    return this.#space.members().filter((m) => m.role === role).length;
  }

  /** Refuses with `stage_full` when no seat of that kind is free. */
  assertRoomFor(seat: Seat): void {
    const { maxSpeakers, maxCohosts } = this.#space.policy;
    const limit = seat === 'speaker' ? maxSpeakers : maxCohosts;
    if (this.count(seat) >= limit) {
      throw new ProtocolError(
        'stage_full',
        seat === 'speaker' ? `the stage is full (${limit} speakers); move someone to the audience first` : `there are already ${limit} co-hosts`,
      );
    }
  }

  // ---- ways onto the stage and off it ---------------------------------------------------------------

  invite(actor: Member, target: Member, as: Seat): void {
    if (as === 'cohost' && actor.role !== 'host') throw new ProtocolError('forbidden', 'only the host invites co-hosts');
    if (target.role !== 'listener') throw new ProtocolError('conflict', `${target.displayName} is already on stage`);
    this.assertRoomFor(as);
    target.invitation = { as, from: actor.displayName };
    target.invitedBy = actor.id;
    // An invitation counts as the host's permission to ask, whatever the policy.
    target.canRequest = true;
    this.#space.view.schedule();
  }

  answerInvitation(member: Member, accept: boolean): void {
    const invitation = member.invitation;
    if (!invitation) throw new ProtocolError('conflict', 'you have no invitation to answer');
    if (accept) this.assertRoomFor(invitation.as);
    const invitedBy = member.invitedBy;
    member.invitation = null;
    member.invitedBy = null;
    if (accept) this.move(member, invitation.as, 'invited', invitedBy);
    else this.#space.view.schedule();
  }

  stepDown(member: Member): void {
    this.move(member, 'listener', 'stepped_down', member.id);
  }

  moveToAudience(actor: Member, target: Member): void {
    if (!isOnStage(target.role)) throw new ProtocolError('conflict', `${target.displayName} is not on stage`);
    this.move(target, 'listener', 'moved_to_audience', actor.id);
  }

  promote(actor: Member, target: Member): void {
    if (target.role !== 'speaker') throw new ProtocolError('conflict', 'only a speaker on stage can become a co-host');
    this.assertRoomFor('cohost');
    this.move(target, 'cohost', 'promoted', actor.id);
  }

  demote(actor: Member, target: Member): void {
    if (target.role !== 'cohost') throw new ProtocolError('conflict', `${target.displayName} is not a co-host`);
    // A demoted co-host stays on stage as a speaker when there is room, else goes to the audience.
    this.move(target, this.count('speaker') < this.#space.policy.maxSpeakers ? 'speaker' : 'listener', 'demoted', actor.id);
  }

  transferHost(actor: Member, target: Member): void {
    if (target.role !== 'cohost') throw new ProtocolError('conflict', 'the host role goes to a co-host');
    target.role = 'host';
    actor.role = 'cohost';
    this.#space.logger.info('host transferred', { from: actor.id, to: target.id });
    this.#announce(target, 'cohost', 'host', 'host_transferred', actor.id);
    this.#announce(actor, 'host', 'cohost', 'host_transferred', actor.id);
    this.#space.view.schedule();
  }

  /** The host is gone: `successor` (a co-host) takes over. Nobody did it, so `by` is null. */
  succeed(host: Member, successor: Member, why: string): void {
    successor.role = 'host';
    this.#space.logger.info('host succession', { from: host.id, to: successor.id, why });
    this.#announce(successor, 'cohost', 'host', 'succession', null);
  }

  /** Mutes or unmutes a member: the flag survives reconnects, the producer follows it. */
  async setMuted(member: Member, muted: boolean): Promise<void> {
    member.muted = muted;
    // The flag goes to the store before the producers follow, so a worker dying under the pause loses no mute.
    this.#space.view.schedule();
    await Promise.all([...member.producers.values()].map((p) => (muted ? p.pause() : p.resume())));
  }

  /** Gives `member` a new role and announces it; coming on stage clears their hand and invitation. */
  move(member: Member, role: Role, cause: StageCause, by: string | null): void {
    const from = member.role;
    const wasOnStage = isOnStage(from);
    member.role = role;
    if (isOnStage(role) && !wasOnStage) {
      member.stageSince = Date.now();
      member.invitation = null;
      member.invitedBy = null;
      this.#space.queue.forget(member.id);
    }
    if (!isOnStage(role) && wasOnStage) {
      // Back in the audience: their audio stops and their mute resets for next time.
      member.closeSending();
      member.muted = false;
    }
    this.#space.logger.info('role changed', { memberId: member.id, role, cause });
    this.#announce(member, from, role, cause, by);
    this.#space.view.schedule();
  }

  /** Someone joined the Space already holding a role (the host opening it). */
  entered(member: Member): void {
    this.#announce(member, null, member.role, 'joined', member.id);
  }

  /** Someone is gone from the Space for good. */
  exited(member: Member, cause: LeaveCause, by: string | null): void {
    this.#announce(member, member.role, null, cause, by);
  }

  // ---- the announcements ----------------------------------------------------------------------------

  /** The number of the latest change. */
  get seq(): number {
    return this.#seq;
  }

  /** The changes after `seq`, oldest first (as many as are still kept). */
  changesSince(seq: number): StageChange[] {
    return this.#log.filter((change) => change.seq > seq);
  }

  /** Tells everyone about a change that touches the Stage, at once, and keeps it for resumers. */
  #announce(member: Member, from: Role | null, to: Role | null, cause: StageCause, by: string | null): void {
    if (!(from && isOnStage(from)) && !(to && isOnStage(to))) return;
    const change: StageChange = { seq: ++this.#seq, at: Date.now(), memberId: member.id, displayName: member.displayName, from, to, cause, by };
    this.#log.push(change);
    if (this.#log.length > LOG_SIZE) this.#log.shift();
    this.#space.broadcast('stage.changed', change);
  }
}
