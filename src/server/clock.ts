// Where the server's durable timers read the time: the system clock in production, a clock the test
// moves in tests (time in tests comes from this, never from sleeping). Whoever waits for a moment
// (the job queue) listens to `changed`, so moving a test clock wakes it at once.
import { TypedEmitter } from '../shared/TypedEmitter.js';

export type ClockEvents = {
  /** The time jumped (a test moved the clock); timers should look again. */
  changed: [now: number];
};

export interface Clock {
  now(): number;
  on(event: 'changed', listener: (now: number) => void): () => void;
}

export class SystemClock extends TypedEmitter<ClockEvents> implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that moves only when told to. */
export class ManualClock extends TypedEmitter<ClockEvents> implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    super();
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(now: number): void {
    this.#now = now;
    this.safeEmit('changed', now);
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }
}
