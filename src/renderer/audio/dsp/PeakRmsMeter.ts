// Peak and RMS metering per reading period, with a held peak and a clip indicator, as a broadcast meter
// shows them. Pure: the AudioWorklet feeds it blocks and posts its readings.
import { CLIP_LEVEL, gainToDb } from '../../../shared/decibels';

export interface PeakRmsReading {
  /** Highest |sample| in the period, linear (0..1 is full scale). */
  peak: number;
  /** RMS over the period, linear. */
  rms: number;
  /** Highest |sample| in the period, dBFS. */
  peakDb: number;
  /** RMS over the period, dBFS. */
  rmsDb: number;
  /** Highest peak of the last `holdMs`, dBFS. */
  peakHoldDb: number;
  /** True while a clipped sample was seen in the last `clipHoldMs`. */
  clipping: boolean;
  /** Clipped samples since the meter started. */
  clipCount: number;
}

export class PeakRmsMeter {
  readonly #periodSamples: number;
  readonly #holdPeriods: number;
  readonly #clipHoldPeriods: number;
  #count = 0;
  #sumSquares = 0;
  #peak = 0;
  /** Recent period peaks, newest last, for the peak hold. */
  readonly #recentPeaks: number[] = [];
  #periodsSinceClip = Infinity;
  #clipCount = 0;

  constructor(sampleRate: number, options: { periodMs?: number; holdMs?: number; clipHoldMs?: number } = {}) {
    const periodMs = options.periodMs ?? 20;
    this.#periodSamples = Math.max(1, Math.round((periodMs / 1000) * sampleRate));
    this.#holdPeriods = Math.max(1, Math.round((options.holdMs ?? 1500) / periodMs));
    this.#clipHoldPeriods = Math.max(1, Math.round((options.clipHoldMs ?? 2000) / periodMs));
  }

  /** Feeds samples; calls `onReading` at the end of every period, with the offset in the block. */
  process(block: Float32Array, onReading: (reading: PeakRmsReading, offset: number) => void): void {
    for (let i = 0; i < block.length; i++) {
      const x = block[i]!;
      const a = x < 0 ? -x : x;
      this.#sumSquares += x * x;
      if (a > this.#peak) this.#peak = a;
      if (a >= CLIP_LEVEL) {
        this.#clipCount++;
        this.#periodsSinceClip = -1;
      }
      if (++this.#count === this.#periodSamples) onReading(this.#finishPeriod(), i);
    }
  }

  #finishPeriod(): PeakRmsReading {
    const peak = this.#peak;
    const rms = Math.sqrt(this.#sumSquares / this.#count);
    this.#count = 0;
    this.#sumSquares = 0;
    this.#peak = 0;
    this.#recentPeaks.push(peak);
    if (this.#recentPeaks.length > this.#holdPeriods) this.#recentPeaks.shift();
    this.#periodsSinceClip++;
    return {
      peak,
      rms,
      peakDb: gainToDb(peak),
      rmsDb: gainToDb(rms),
      peakHoldDb: gainToDb(Math.max(...this.#recentPeaks)),
      clipping: this.#periodsSinceClip < this.#clipHoldPeriods,
      clipCount: this.#clipCount,
    };
  }
}
