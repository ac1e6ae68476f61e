// Ducking: a music bed dips by a set amount while someone talks and comes back smoothly. The gain moves
// in a straight line in dB (the whole depth in the attack time down, in the release time back up), so
// the dip is done within the attack time and the recovery within the release time, and it never pumps.
import { dbToGain } from './decibels';

export interface DuckingParams {
  /** How far a bed dips while someone talks, dB (0: no ducking). */
  depthDb: number;
  /** From the first word to the full dip, ms. */
  attackMs: number;
  /** From the last word to the bed's full level, ms. */
  releaseMs: number;
}

export const DEFAULT_DUCKING: DuckingParams = { depthDb: 12, attackMs: 150, releaseMs: 800 };

export class Ducker {
  readonly #sampleRate: number;
  #params: DuckingParams = DEFAULT_DUCKING;
  /** Whether the host or a speaker talks now (the voice detector's verdict). */
  #talking = false;
  /** The dip applied now, dB (0 = full level, -depth = fully ducked). */
  #levelDb = 0;
  /** The gain for each sample of the last block (valid until the next). */
  #gains = new Float32Array(0);

  constructor(sampleRate: number, params: DuckingParams = DEFAULT_DUCKING) {
    this.#sampleRate = sampleRate;
    this.set(params);
  }

  set(params: DuckingParams): void {
    this.#params = { ...params };
  }

  get params(): DuckingParams {
    return this.#params;
  }

  setTalking(talking: boolean): void {
    this.#talking = talking;
  }

  /** The dip now, dB (negative while ducked). */
  get levelDb(): number {
    return this.#levelDb;
  }

  /** The gains for the next `frames` samples (one per sample), advancing the ramp. */
  gains(frames: number): Float32Array {
    if (this.#gains.length !== frames) this.#gains = new Float32Array(frames);
    const gains = this.#gains;
    const { depthDb, attackMs, releaseMs } = this.#params;
    const target = this.#talking ? -depthDb : 0;
    let level = this.#levelDb;
    if (level === target) {
      gains.fill(dbToGain(level));
      return gains;
    }
    const ms = level > target ? attackMs : releaseMs;
    // dB per sample: the whole depth over the ramp's time (an instant step when the time is 0).
    const step = ms <= 0 ? Infinity : Math.max(depthDb, 1e-6) / ((ms / 1000) * this.#sampleRate);
    for (let i = 0; i < frames; i++) {
      if (level > target) level = Math.max(target, level - step);
      else if (level < target) level = Math.min(target, level + step);
      gains[i] = dbToGain(level);
    }
    this.#levelDb = level;
    return gains;
  }

  reset(): void {
    this.#levelDb = 0;
    this.#talking = false;
  }
}
