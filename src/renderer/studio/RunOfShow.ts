// The run of show during a show: the planned segments, which one runs, its time left (amber in the last
// minute, red when over) and the whole show's planned end. **Next segment** starts the next one and
// announces it, so the session puts a marker (a chapter) on the recording. A plain class with typed
// events on an injected clock, so its tests run in Node without waiting.
import { RunOfShowSchema, type Segment } from '../../shared/run-of-show';
import { TypedEmitter } from '../../shared/TypedEmitter';

/** How the current segment stands: on time, in its last minute, or over its planned length. */
export type SegmentClock = 'on-time' | 'last-minute' | 'over';

export interface RunOfShowState {
  segments: Segment[];
  /** The segment running (an index into `segments`); -1 before the first starts. */
  current: number;
  /** When the current segment started (ms on the studio's clock). */
  startedAt: number | undefined;
  /** Whole seconds left in the current segment, rounded up; negative when over. */
  leftSeconds: number | undefined;
  clock: SegmentClock | undefined;
  /** When the show is planned to end (ms): what the current segment has left, then every later one in full. */
  plannedEndAt: number | undefined;
  /** Whether a segment follows the current one. */
  hasNext: boolean;
}

export type RunOfShowEvents = {
  state: [state: RunOfShowState];
  /** A segment started: the session marks it on the recording. */
  segmentstarted: [segment: Segment, index: number];
  /** The segments were edited (the session saves them). */
  edited: [segments: Segment[]];
};

export interface ShowClock {
  now(): number;
  /** Calls `tick` every `ms`; answers a function that stops it. */
  every(ms: number, tick: () => void): () => void;
}

export const SYSTEM_CLOCK: ShowClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  },
};

/** The last minute turns the clock amber. */
const LAST_MINUTE_S = 60;

export class RunOfShow extends TypedEmitter<RunOfShowEvents> {
  readonly #clock: ShowClock;
  #segments: Segment[] = [];
  #current = -1;
  #startedAt: number | undefined;
  /** Stops the countdown's ticks (while a segment runs). */
  #stopTicking: (() => void) | undefined;
  #state: RunOfShowState;

  constructor(clock: ShowClock = SYSTEM_CLOCK) {
    super();
    this.#clock = clock;
    this.#state = this.#compute();
  }

  get state(): RunOfShowState {
    return this.#state;
  }

  /** Replaces the segments (validated: a bad one is refused with the reason, nothing changes). */
  setSegments(segments: readonly Segment[]): void {
    const parsed = RunOfShowSchema.safeParse(segments);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'that run of show is not valid');
    // The running segment stays the running one if it is still there.
    const runningId = this.#segments[this.#current]?.id;
    this.#segments = parsed.data;
    if (runningId !== undefined) {
      const index = parsed.data.findIndex((s) => s.id === runningId);
      if (index >= 0) this.#current = index;
      else this.#current = Math.min(this.#current, parsed.data.length - 1);
      if (this.#current < 0) this.#stop();
    }
    this.safeEmit('edited', this.#segments);
    this.#refresh();
  }

  /** Starts the next segment (the first, before any); false when none is left. */
  next(): boolean {
    if (this.#current + 1 >= this.#segments.length) return false;
    this.#current++;
    this.#startedAt = this.#clock.now();
    this.#stopTicking ??= this.#clock.every(250, () => this.#refresh());
    this.safeEmit('segmentstarted', this.#segments[this.#current]!, this.#current);
    this.#refresh();
    return true;
  }

  /** Ends the show's clock (the Space ended): the countdown stops, the segments stay. */
  finish(): void {
    this.#stop();
    this.#current = -1;
    this.#refresh();
  }

  close(): void {
    this.#stop();
  }

  #stop(): void {
    this.#stopTicking?.();
    this.#stopTicking = undefined;
    this.#startedAt = undefined;
  }

  #refresh(): void {
    this.#state = this.#compute();
    this.safeEmit('state', this.#state);
  }

  #compute(): RunOfShowState {
    const segments = this.#segments;
    const running = segments[this.#current];
    const hasNext = this.#current + 1 < segments.length;
    if (!running || this.#startedAt === undefined) {
      return { segments, current: -1, startedAt: undefined, leftSeconds: undefined, clock: undefined, plannedEndAt: undefined, hasNext };
    }
    const now = this.#clock.now();
    const leftMs = this.#startedAt + running.plannedSeconds * 1000 - now;
    const leftSeconds = Math.ceil(leftMs / 1000);
    const clock: SegmentClock = leftMs <= 0 ? 'over' : leftMs <= LAST_MINUTE_S * 1000 ? 'last-minute' : 'on-time';
    const later = segments.slice(this.#current + 1).reduce((sum, s) => sum + s.plannedSeconds * 1000, 0);
    return { segments, current: this.#current, startedAt: this.#startedAt, leftSeconds: leftSeconds === 0 ? 0 : leftSeconds, clock, plannedEndAt: now + Math.max(0, leftMs) + later, hasNext };
  }
}
