// A Space: one mediasoup router, the Members joined to it, and the Stage. It owns the truth about who
// is in the Space; the signaling layer only asks it to change and reports back.
import type { types as ms } from 'mediasoup';
import { randomUUID } from 'node:crypto';
import type { EventMap, EventType, ProducerInfo } from '../shared/protocol.js';
import { ProtocolError } from '../shared/errors.js';
import { isOnStage, type Role } from '../shared/roles.js';
import type { SpaceSnapshot, SpaceStatus } from '../shared/space.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { Logger } from './logger.js';
import { Member, type PushEvent } from './Member.js';

export type SpaceEvents = {
  /** The Space ended and released its router; it can be forgotten. */
  ended: [reason: string];
};

const ROLE_ORDER: Record<Role, number> = { host: 0, cohost: 1, speaker: 2, listener: 3 };
/** Bursts of joins and leaves are folded into one state broadcast per this many milliseconds. */
const STATE_BROADCAST_MS = 100;

export class Space extends TypedEmitter<SpaceEvents> {
  readonly id: string;
  readonly title: string;
  readonly startedAt = Date.now();
  readonly router: ms.Router;
  readonly #logger: Logger;
  /** Everyone joined, by member id, in join order. */
  readonly #members = new Map<string, Member>();
  #status: SpaceStatus = 'live';
  /** Pending coalesced state broadcast, if one is scheduled. */
  #stateTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(init: { id: string; title: string; router: ms.Router; logger: Logger }) {
    super();
    this.id = init.id;
    this.title = init.title;
    this.router = init.router;
    this.#logger = init.logger;
    this.router.observer.once('close', () => this.end('the media router closed'));
  }

  get status(): SpaceStatus {
    return this.#status;
  }

  get memberCount(): number {
    return this.#members.size;
  }

  member(memberId: string): Member | undefined {
    return this.#members.get(memberId);
  }

  members(): Member[] {
    return [...this.#members.values()];
  }

  snapshot(): SpaceSnapshot {
    const all = this.members();
    return {
      spaceId: this.id,
      title: this.title,
      status: this.#status,
      startedAt: this.startedAt,
      stage: all
        .filter((m) => isOnStage(m.role))
        .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.joinedAt - b.joinedAt)
        .map((m) => m.toStageMember()),
      listenerCount: all.filter((m) => m.role === 'listener').length,
    };
  }

  producers(): ProducerInfo[] {
    return this.members().flatMap((m) =>
      [...m.producers.values()].map((p) => ({
        producerId: p.id,
        memberId: m.id,
        displayName: m.displayName,
        paused: p.paused,
      })),
    );
  }

  join(init: { userId: string; displayName: string; role: Role; push: PushEvent }): Member {
    this.#assertLive();
    const member = new Member({ id: randomUUID(), ...init });
    this.#members.set(member.id, member);
    this.#logger.info('member joined', { memberId: member.id, role: member.role });
    this.scheduleStateBroadcast();
    return member;
  }

  leave(memberId: string, why: string): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    this.#members.delete(memberId);
    member.close();
    this.#logger.info('member left', { memberId, role: member.role, why });
    if (member.role === 'host' && this.#status === 'live') {
      this.end('the host left');
      return;
    }
    this.scheduleStateBroadcast();
  }

  /** Registers a new producer and tells everyone else so they can consume it. */
  addProducer(member: Member, producer: ms.Producer): void {
    member.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      member.producers.delete(producer.id);
      if (this.#status !== 'live') return;
      this.broadcast('producer.removed', { producerId: producer.id }, member.id);
      this.scheduleStateBroadcast();
    });
    this.broadcast(
      'producer.added',
      { producerId: producer.id, memberId: member.id, displayName: member.displayName, paused: producer.paused },
      member.id,
    );
    this.scheduleStateBroadcast();
  }

  broadcast<E extends EventType>(event: E, data: EventMap[E], exceptMemberId?: string): void {
    for (const member of this.#members.values()) {
      if (member.id !== exceptMemberId) member.push(event, data);
    }
  }

  scheduleStateBroadcast(): void {
    if (this.#stateTimer || this.#status !== 'live') return;
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      if (this.#status === 'live') this.broadcast('space.state', this.snapshot());
    }, STATE_BROADCAST_MS);
  }

  /** Ends the Space for everyone: tells them why, closes every member and the router. Idempotent. */
  end(reason: string): void {
    if (this.#status === 'ended') return;
    this.#status = 'ended';
    clearTimeout(this.#stateTimer);
    this.#stateTimer = undefined;
    this.#logger.info('space ended', { reason });
    const snapshot = this.snapshot();
    for (const member of this.#members.values()) {
      member.push('space.state', snapshot);
      member.push('space.ended', { reason });
      member.close();
    }
    this.#members.clear();
    if (!this.router.closed) this.router.close();
    this.safeEmit('ended', reason);
  }

  #assertLive(): void {
    if (this.#status !== 'live') throw new ProtocolError('space_ended', 'this space has ended');
  }
}
