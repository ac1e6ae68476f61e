// The mic check a listener's page runs while their hand is up: a few seconds of level, noise floor and
// clipping, rated so hosts see at a glance whether someone will sound all right on stage. The page sends
// the figures; the server rates them with this same function (clients never send the verdict).
import { z } from 'zod';
import { CLIP_LEVEL, gainToDb } from './decibels.js';

export interface MicCheckFigures {
  /** Loudest 10 ms peak, dBFS. */
  peakDb: number;
  /** Speech level: the 90th percentile of 10 ms RMS, dBFS. */
  speechDb: number;
  /** Noise floor: the 10th percentile of 10 ms RMS, dBFS. */
  noiseFloorDb: number;
  /** Share of 10 ms blocks whose peak reached full scale, 0..1. */
  clippedShare: number;
  /** How long was measured, ms. */
  durationMs: number;
}

export const MIC_QUALITIES = ['good', 'quiet', 'noisy', 'clipping', 'silent'] as const;
export type MicQuality = (typeof MIC_QUALITIES)[number];

export interface MicCheck extends MicCheckFigures {
  quality: MicQuality;
  /** One line a host can read. */
  summary: string;
}

/** A rated mic check as the server sends it (hosts see it beside the request). */
export const MicCheckSchema = z.object({
  peakDb: z.number(),
  speechDb: z.number(),
  noiseFloorDb: z.number(),
  clippedShare: z.number(),
  durationMs: z.number(),
  quality: z.enum(MIC_QUALITIES),
  summary: z.string(),
});

/** Rates a mic check: clipping first (it cannot be fixed later), then silence, noise and level. */
export function rateMicCheck(f: MicCheckFigures): MicCheck {
  const snr = f.speechDb - f.noiseFloorDb;
  let quality: MicQuality;
  let summary: string;
  if (f.clippedShare > 0.01) {
    quality = 'clipping';
    summary = `clipping in ${(f.clippedShare * 100).toFixed(0)} % of the check; too loud`;
  } else if (f.speechDb < -60) {
    quality = 'silent';
    summary = 'no sound from the microphone';
  } else if (snr < 15) {
    quality = 'noisy';
    summary = `noisy: voice only ${snr.toFixed(0)} dB above the background`;
  } else if (f.speechDb < -35) {
    quality = 'quiet';
    summary = `quiet: voice at ${f.speechDb.toFixed(0)} dBFS`;
  } else {
    quality = 'good';
    summary = `voice at ${f.speechDb.toFixed(0)} dBFS, ${snr.toFixed(0)} dB above the background`;
  }
  return { ...f, quality, summary };
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))]!;
}

/** The figures of a mic check from 10 ms level readings (linear peak and RMS). */
export function micCheckFigures(readings: ReadonlyArray<{ rms: number; peak: number }>, durationMs: number): MicCheckFigures {
  const rms = readings.map((r) => r.rms).sort((a, b) => a - b);
  const peak = readings.reduce((max, r) => Math.max(max, r.peak), 0);
  const clipped = readings.filter((r) => r.peak >= CLIP_LEVEL).length;
  return {
    peakDb: gainToDb(peak),
    speechDb: gainToDb(percentile(rms, 90)),
    noiseFloorDb: gainToDb(percentile(rms, 10)),
    clippedShare: readings.length ? clipped / readings.length : 0,
    durationMs,
  };
}
