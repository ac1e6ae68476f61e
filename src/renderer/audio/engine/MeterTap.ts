// The main-thread end of a console meter: the latest reading for drawing, and recent history for people
// (and tests) checking what was measured.
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { MeterReading } from './messages';

/** Readings kept: 5 minutes at 50 a second. */
const HISTORY = 15_000;

export interface TimedMeterReading extends MeterReading {
  /** performance.now() when the reading reached the main thread. */
  wallTime: number;
}

export class MeterTap extends TypedEmitter<{ reading: [TimedMeterReading] }> {
  #latest: TimedMeterReading | undefined;
  readonly #history: TimedMeterReading[] = [];

  get latest(): TimedMeterReading | undefined {
    return this.#latest;
  }

  history(): TimedMeterReading[] {
    return this.#history.slice();
  }

  /** Listens to a meter worklet's port. */
  listen(port: MessagePort): void {
    port.onmessage = (event: MessageEvent<MeterReading>) => {
      const reading = { ...event.data, wallTime: performance.now() };
      this.#latest = reading;
      this.#history.push(reading);
      if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
      this.safeEmit('reading', reading);
    };
  }
}
