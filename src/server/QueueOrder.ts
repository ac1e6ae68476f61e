// The order of the speaker queue: raised hands, first come first served, which hosts can reorder, and
// the wait estimate. Pure bookkeeping (no I/O), tested directly; SpeakerQueue holds the rules around it.

export interface Hand {
  memberId: string;
  raisedAt: number;
}

/** Assumed time between approvals until the queue has moved a few times. */
const DEFAULT_TURN_MS = 90_000;
/** How many recent exits from the head of the queue the wait estimate averages over. */
const TURNS_REMEMBERED = 5;

export class QueueOrder {
  /** Hands in queue order; index 0 is next. */
  readonly #hands: Hand[] = [];
  /** When recent requests left the queue (approved or declined), oldest first. */
  readonly #exits: number[] = [];

  get length(): number {
    return this.#hands.length;
  }

  entries(): ReadonlyArray<Readonly<Hand>> {
    return this.#hands;
  }

  has(memberId: string): boolean {
    return this.#hands.some((h) => h.memberId === memberId);
  }

  /** 1-based position, or undefined when the member has no raised hand. */
  position(memberId: string): number | undefined {
    const index = this.#hands.findIndex((h) => h.memberId === memberId);
    return index < 0 ? undefined : index + 1;
  }

  /** Adds a hand at the back; raising again keeps the original place. */
  raise(memberId: string, now: number): number {
    const existing = this.position(memberId);
    if (existing !== undefined) return existing;
    this.#hands.push({ memberId, raisedAt: now });
    return this.#hands.length;
  }

  /** Puts back a hand kept across a restart, at the back, with its original time. */
  restore(memberId: string, raisedAt: number): void {
    if (!this.has(memberId)) this.#hands.push({ memberId, raisedAt });
  }

  raisedAt(memberId: string): number | undefined {
    return this.#hands.find((h) => h.memberId === memberId)?.raisedAt;
  }

  /** Removes a hand without counting it as a turn (lowered, left, removed). */
  remove(memberId: string): boolean {
    const index = this.#hands.findIndex((h) => h.memberId === memberId);
    if (index < 0) return false;
    this.#hands.splice(index, 1);
    return true;
  }

  /** Removes a hand that a host answered (approved or declined); it counts toward the wait estimate. */
  answer(memberId: string, now: number): boolean {
    if (!this.remove(memberId)) return false;
    this.#exits.push(now);
    if (this.#exits.length > TURNS_REMEMBERED + 1) this.#exits.shift();
    return true;
  }

  /** Moves a hand one place; returns the new position (unchanged at either end). */
  move(memberId: string, direction: 'up' | 'down'): number | undefined {
    const index = this.#hands.findIndex((h) => h.memberId === memberId);
    if (index < 0) return undefined;
    const target = direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= this.#hands.length) return index + 1;
    const [hand] = this.#hands.splice(index, 1);
    this.#hands.splice(target, 0, hand!);
    return target + 1;
  }

  /** Average time between answers lately, or a default until there are at least two. */
  turnMs(): number {
    if (this.#exits.length < 2) return DEFAULT_TURN_MS;
    const span = this.#exits.at(-1)! - this.#exits[0]!;
    return Math.max(5_000, span / (this.#exits.length - 1));
  }

  /** A live estimate of how long the hand at `position` still waits. */
  estimateWaitMs(position: number, now: number): number {
    const sinceLastTurn = this.#exits.length ? now - this.#exits.at(-1)! : 0;
    const turn = this.turnMs();
    return Math.max(0, Math.round(position * turn - Math.min(sinceLastTurn, turn)));
  }
}
