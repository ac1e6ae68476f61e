// The speaker queue of a Space: listeners raise a hand to ask to speak (with a mic check the server
// rates), hosts approve, decline or reorder the requests, and "approve next" takes whoever is first as
// the queue stands here, on the server. The order itself is QueueOrder's.
import { ProtocolError } from '../shared/errors.js';
import { rateMicCheck, type MicCheck, type MicCheckFigures } from '../shared/mic-check.js';
import type { Member } from './Member.js';
import { QueueOrder, type Hand } from './QueueOrder.js';
import type { Space } from './Space.js';

export class SpeakerQueue {
  readonly #space: Space;
  /** The raised hands in order, and the pace of the queue. */
  readonly #order = new QueueOrder();

  constructor(space: Space) {
    this.#space = space;
  }

  /** Puts back a hand kept across a restart (Space.restore), in order, with its original time. */
  restore(memberId: string, raisedAt: number): void {
    this.#order.restore(memberId, raisedAt);
  }

  /** Whether this member may raise a hand under the Space's policy. */
  mayRequest(member: Member): boolean {
    return this.#space.policy.requestPolicy === 'everyone' || member.canRequest;
  }

  raise(member: Member): number {
    if (member.role !== 'listener') throw new ProtocolError('conflict', 'you are already on stage');
    if (!this.mayRequest(member)) {
      throw new ProtocolError('forbidden', 'only people the host invited may ask to speak in this space');
    }
    const position = this.#order.raise(member.id, Date.now());
    this.#space.view.schedule();
    return position;
  }

  lower(member: Member): void {
    if (!this.#order.remove(member.id)) throw new ProtocolError('conflict', 'your hand is not raised');
    this.#space.view.schedule();
  }

  /** Rates and keeps the mic check of someone whose hand is up; hosts see it beside the request. */
  recordMicCheck(member: Member, figures: MicCheckFigures): MicCheck {
    if (!this.#order.has(member.id)) throw new ProtocolError('conflict', 'raise your hand first');
    member.micCheck = rateMicCheck(figures);
    this.#space.view.schedule();
    return member.micCheck;
  }

  approve(actor: Member, target: Member): void {
    if (!this.#order.has(target.id)) throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    this.#space.stage.assertRoomFor('speaker');
    this.#order.answer(target.id, Date.now());
    this.#space.stage.move(target, 'speaker', 'approved', actor.id);
    this.#space.logger.info('request approved', { memberId: target.id, by: actor.id });
  }

  /** Approves whoever is first in the queue now, and returns them. */
  approveNext(actor: Member): Member {
    const next = this.#order.entries()[0];
    const target = next && this.#space.member(next.memberId);
    if (!target) throw new ProtocolError('conflict', 'nobody is waiting to speak');
    this.approve(actor, target);
    return target;
  }

  decline(_actor: Member, target: Member): void {
    if (!this.#order.answer(target.id, Date.now())) {
      throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    }
    this.#space.view.schedule();
  }

  move(_actor: Member, target: Member, direction: 'up' | 'down'): number {
    const position = this.#order.move(target.id, direction);
    if (position === undefined) throw new ProtocolError('conflict', `${target.displayName} has not asked to speak`);
    this.#space.view.schedule();
    return position;
  }

  /** Takes a hand down without counting a turn (they left, or came on stage another way). */
  forget(memberId: string): void {
    this.#order.remove(memberId);
  }

  // ---- what the view reads --------------------------------------------------------------------------

  get length(): number {
    return this.#order.length;
  }

  has(memberId: string): boolean {
    return this.#order.has(memberId);
  }

  entries(): ReadonlyArray<Readonly<Hand>> {
    return this.#order.entries();
  }

  /** A member's raised hand: its place, when it went up and a live estimate of the wait. */
  hand(memberId: string, now: number): { position: number; raisedAt: number; estimatedWaitMs: number } | null {
    const position = this.#order.position(memberId);
    if (position === undefined) return null;
    return { position, raisedAt: this.#order.raisedAt(memberId)!, estimatedWaitMs: this.#order.estimateWaitMs(position, now) };
  }
}
