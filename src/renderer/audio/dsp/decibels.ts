// Smoothing coefficients and the stage interface shared by every DSP core. No DOM, no Web Audio.
// The dB conversions are src/shared/decibels.ts (the mic check needs them too); the cores import them here.
export { dbToGain, gainToDb, SILENCE_DB } from '../../../shared/decibels';

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
