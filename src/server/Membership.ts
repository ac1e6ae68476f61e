// Who is in a Space: joining (with bans and the hosts' block lists at the door), a dropped connection's
// grace period and resuming within it, leaving, and the host's succession when the host is gone.
import { randomUUID } from 'node:crypto';
import { ProtocolError } from '../shared/errors.js';
import type { StageCause } from '../shared/protocol.js';
import { isOnStage, type Role } from '../shared/roles.js';
import { Member, type PushEvent } from './Member.js';
import type { ModerationStore } from './ModerationStore.js';
import type { Space } from './Space.js';

/** Why someone is gone for good. */
export type LeaveCause = Extract<StageCause, 'left' | 'removed' | 'dropped'>;

export class Membership {
  readonly #space: Space;
  readonly #graceMs: number;
  /** Block lists: the hosts' keep people out. */
  readonly #store: ModerationStore;
  /** Called when a member is gone for good. */
  readonly #onLeft: (member: Member) => void;
  /** Everyone in the Space (connected or within their grace period), in join order. */
  readonly #members = new Map<string, Member>();
  /** Users removed from this Space; they cannot rejoin it. */
  readonly #banned = new Set<string>();
  /** Grace timers of disconnected members. */
  readonly #graceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** When the host dropped and their grace period ends, while they are away. */
  #hostAwayUntil: number | null = null;

  constructor(space: Space, init: { graceMs: number; store: ModerationStore; onLeft: (member: Member) => void }) {
    this.#space = space;
    this.#graceMs = init.graceMs;
    this.#store = init.store;
    this.#onLeft = init.onLeft;
  }

  member(memberId: string): Member | undefined {
    return this.#members.get(memberId);
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  byResumeToken(resumeToken: string): Member | undefined {
    const hash = Member.hashResumeToken(resumeToken);
    return this.members().find((m) => m.resumeHash === hash);
  }

  /** Puts back a member kept across a restart: disconnected, with a fresh grace period to come back in. */
  restore(member: Member): void {
    this.#members.set(member.id, member);
    this.#startGrace(member);
  }

  get hostAwayUntil(): number | null {
    return this.#hostAwayUntil;
  }

  banned(): string[] {
    return [...this.#banned];
  }

  join(init: { userId: string; displayName: string; role: Role; canRequest: boolean; push: PushEvent }): Member {
    this.#space.assertLive();
    if (this.#banned.has(init.userId)) throw new ProtocolError('banned', 'you were removed from this space');
    if (this.#blockedByHosts(init.userId)) throw new ProtocolError('banned', 'the host has blocked you');
    if (init.role === 'host' && this.members().some((m) => m.role === 'host')) {
      // The host's token again (a second studio window): refuse rather than have two hosts.
      throw new ProtocolError('conflict', 'the host is already here; resume instead of joining again');
    }
    const member = new Member({ id: randomUUID(), ...init, spaceId: this.#space.id });
    if (isOnStage(member.role)) member.stageSince = Date.now();
    this.#members.set(member.id, member);
    this.#space.logger.info('member joined', { memberId: member.id, role: member.role });
    this.#space.stage.entered(member);
    this.#space.view.schedule();
    return member;
  }

  /** Re-binds a member within their grace period to a new connection; returns the attachment number. */
  resume(member: Member, push: PushEvent): number {
    this.#space.assertLive();
    clearTimeout(this.#graceTimers.get(member.id));
    this.#graceTimers.delete(member.id);
    // A half-open old connection may still hold media; the new one starts clean.
    member.closeMedia();
    const attachment = member.attach(push);
    if (member.role === 'host') this.#hostAwayUntil = null;
    this.#space.logger.info('member resumed', { memberId: member.id, role: member.role });
    this.#space.view.schedule();
    return attachment;
  }

  /** The member's connection dropped: keep their place for the grace period. */
  disconnect(member: Member, attachment: number): void {
    if (member.closed || member.attachment !== attachment || this.#space.status !== 'live') return;
    member.detach();
    this.#space.logger.info('member disconnected', { memberId: member.id, role: member.role, graceMs: this.#graceMs });
    this.#startGrace(member);
    this.#space.view.schedule();
  }

  /** Keeps a disconnected member's place for the grace period, then lets them go. */
  #startGrace(member: Member): void {
    if (member.role === 'host') this.#hostAwayUntil = Date.now() + this.#graceMs;
    this.#graceTimers.set(
      member.id,
      setTimeout(() => {
        this.#graceTimers.delete(member.id);
        if (member.role === 'host') this.#hostGone(member, 'the host did not come back', 'dropped');
        else this.remove(member, 'did not come back', 'dropped', null);
      }, this.#graceMs),
    );
  }

  /** Leaving on purpose. A host leaving hands over to a co-host, or ends the Space. */
  leave(member: Member): void {
    if (member.role === 'host') this.#hostGone(member, 'the host left', 'left');
    else this.remove(member, 'left', 'left', member.id);
  }

  /** Keeps a user out of this Space from now on. */
  ban(userId: string): void {
    this.#banned.add(userId);
  }

  /** Takes a member out of the Space for good; `by` is who did it (null when nobody did). */
  remove(member: Member, why: string, cause: LeaveCause, by: string | null): void {
    if (!this.#members.delete(member.id)) return;
    clearTimeout(this.#graceTimers.get(member.id));
    this.#graceTimers.delete(member.id);
    this.#space.queue.forget(member.id);
    member.close();
    this.#space.logger.info('member left', { memberId: member.id, role: member.role, why });
    this.#space.stage.exited(member, cause, by);
    this.#onLeft(member);
    this.#space.view.schedule();
  }

  /** Hosts: listeners whose name contains `query`, to invite them on stage. */
  findListeners(query: string, limit: number) {
    const needle = query.trim().toLowerCase();
    const all = this.members().filter((m) => m.role === 'listener' && m.connected && m.displayName.toLowerCase().includes(needle));
    return {
      total: all.length,
      listeners: all.slice(0, limit).map((m) => ({ memberId: m.id, displayName: m.displayName, handRaised: this.#space.queue.has(m.id) })),
    };
  }

  /** The Space is ending: no grace period runs out after it. */
  stopGraceTimers(): void {
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
  }

  /** Forgets everyone (after the Space ended and closed them). */
  clear(): void {
    this.#members.clear();
  }

  /** The host is gone for good: the longest-serving co-host takes over, or the Space ends. */
  #hostGone(host: Member, why: string, cause: 'left' | 'dropped'): void {
    const successor = this.members()
      .filter((m) => m.role === 'cohost')
      .sort((a, b) => Number(b.connected) - Number(a.connected) || a.stageSince - b.stageSince)[0];
    if (!successor) {
      this.#space.end(why);
      return;
    }
    this.#hostAwayUntil = null;
    this.#space.stage.succeed(host, successor, why);
    this.remove(host, why, cause, cause === 'left' ? host.id : null);
  }

  #blockedByHosts(userId: string): boolean {
    const hosts = new Set([this.#space.hostUserId, ...this.members().filter((m) => m.role === 'host').map((m) => m.userId)]);
    return [...hosts].some((hostUserId) => this.#store.isBlocked(hostUserId, userId));
  }
}
