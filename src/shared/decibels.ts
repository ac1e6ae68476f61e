// Decibels, once for every side: the DSP cores and meters in the renderer, the mic check the listener's
// page measures and the server rates. World-free.

/** The floor every level reading is clamped to: quieter than any real microphone. */
export const SILENCE_DB = -100;

/** A sample this close to full scale counts as clipped (−0.01 dBFS). */
export const CLIP_LEVEL = 0.999;

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/** Linear amplitude (peak, RMS, gain) to dB, clamped to SILENCE_DB. */
export function gainToDb(gain: number): number {
  return gain > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(gain)) : SILENCE_DB;
}
