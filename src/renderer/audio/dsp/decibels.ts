// Decibel conversions and smoothing coefficients shared by every DSP core. No DOM, no Web Audio.

/** The floor every level reading is clamped to: quieter than any real microphone. */
export const SILENCE_DB = -100;

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

export function gainToDb(gain: number): number {
  return gain > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(gain)) : SILENCE_DB;
}

/** One-pole smoothing coefficient that covers ~63 % of a step in `ms` milliseconds. */
export function timeCoefficient(ms: number, sampleRate: number): number {
  return ms <= 0 ? 0 : Math.exp(-1 / ((ms / 1000) * sampleRate));
}

/** A processing stage: transforms one block of mono samples in place. */
export interface AudioStage {
  process(block: Float32Array): void;
  /** Forgets all state (envelopes, delay lines), as after a device change. */
  reset(): void;
}
