// Finds tone bursts in a level history and checks them against the pattern that was sent.
import type { Beep } from './wav';

export interface Reading {
  time: number;
  rms: number;
}

export interface Segment {
  start: number;
  end: number;
}

export const dbOf = (linear: number) => (linear > 0 ? 20 * Math.log10(linear) : -100);

/** Stretches where the RMS stays above `thresholdDb`; gaps under 60 ms are bridged, blips under 50 ms dropped. */
export function findSegments(readings: Reading[], thresholdDb: number): Segment[] {
  const raw: Segment[] = [];
  let open: Segment | undefined;
  for (const r of readings) {
    const loud = dbOf(r.rms) > thresholdDb;
    if (loud && !open) open = { start: r.time - 0.01, end: r.time };
    else if (loud && open) open.end = r.time;
    else if (!loud && open) {
      raw.push(open);
      open = undefined;
    }
  }
  if (open) raw.push(open);
  const merged: Segment[] = [];
  for (const s of raw) {
    const last = merged.at(-1);
    if (last && s.start - last.end < 0.06) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged.filter((s) => s.end - s.start >= 0.05);
}

export interface PatternMatch {
  /** How many received bursts in a row matched the sent pattern. */
  matched: number;
  /** The worst timing error over those bursts, seconds (durations and onset spacing). */
  worstError: number;
  /** Bursts that matched, with the beep each one is. */
  pairs: Array<{ segment: Segment; beep: Beep }>;
}

/**
 * Aligns received bursts with the (looping) sent pattern and counts the longest run that matches:
 * each burst's duration and the spacing to the next burst's onset within `tolerance` seconds.
 */
export function matchPattern(segments: Segment[], beeps: Beep[], cycle: number, tolerance: number): PatternMatch {
  let best: PatternMatch = { matched: 0, worstError: Infinity, pairs: [] };
  const n = beeps.length;
  const spacing = (k: number) => {
    const next = beeps[(k + 1) % n]!;
    return (next.start + (k + 1 >= n ? cycle : 0)) - beeps[k]!.start;
  };
  for (let first = 0; first < segments.length; first++) {
    for (let k0 = 0; k0 < n; k0++) {
      const pairs: PatternMatch['pairs'] = [];
      let worst = 0;
      for (let i = first; i < segments.length; i++) {
        const k = (k0 + (i - first)) % n;
        const seg = segments[i]!;
        const durationError = Math.abs(seg.end - seg.start - beeps[k]!.duration);
        const next = segments[i + 1];
        const spacingError = next ? Math.abs(next.start - seg.start - spacing(k)) : 0;
        if (durationError > tolerance || spacingError > tolerance) {
          if (durationError <= tolerance) {
            pairs.push({ segment: seg, beep: beeps[k]! });
            worst = Math.max(worst, durationError);
          }
          break;
        }
        worst = Math.max(worst, durationError, spacingError);
        pairs.push({ segment: seg, beep: beeps[k]! });
      }
      if (pairs.length > best.matched) best = { matched: pairs.length, worstError: worst, pairs };
    }
  }
  return best;
}

/** The loudest 10 ms reading strictly between bursts (30 ms away from their edges), in dBFS. */
export function loudestBetween(readings: Reading[], segments: Segment[]): number {
  let loudest = -100;
  for (let i = 0; i + 1 < segments.length; i++) {
    const from = segments[i]!.end + 0.03;
    const to = segments[i + 1]!.start - 0.03;
    for (const r of readings) if (r.time > from && r.time < to) loudest = Math.max(loudest, dbOf(r.rms));
  }
  return loudest;
}
