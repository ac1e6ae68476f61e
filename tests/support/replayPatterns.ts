// Two speakers told apart by pitch: the standard beep pattern sits below 1.2 kHz, HIGH_PATTERN above
// 1.8 kHz, so a sox filter separates them in a mix. And a check that beeps found in a replay keep the
// pattern's schedule over the whole recording (no drift, nothing dropped or shifted).
import type { Segment } from './pattern';
import type { Beep } from './wav';

export const HIGH_PATTERN: { beeps: Beep[]; length: number } = {
  beeps: [
    { start: 0.4, duration: 0.25, frequency: 2400 },
    { start: 1.3, duration: 0.5, frequency: 3000 },
    { start: 2.6, duration: 0.15, frequency: 2000 },
    { start: 3.4, duration: 0.35, frequency: 2700 },
  ],
  length: 4.4,
};

/**
 * A low speaker who pauses between phrases: every gap is longer than the replay's speech hangover
 * (0.7 s), so each beep is a stretch of speech of its own and "next speaker" has turns to find.
 */
export const LOW_PATTERN: { beeps: Beep[]; length: number } = {
  beeps: [
    { start: 0.5, duration: 0.3, frequency: 880 },
    { start: 1.8, duration: 0.15, frequency: 660 },
    { start: 2.9, duration: 0.6, frequency: 440 },
    { start: 4.4, duration: 0.2, frequency: 1000 },
    { start: 5.6, duration: 0.45, frequency: 550 },
  ],
  length: 7,
};

/** sox effects keeping the low speaker's beeps, and the high speaker's. */
export const LOW_BAND = ['sinc', '-1200'];
export const HIGH_BAND = ['sinc', '1800'];

export interface ScheduleCheck {
  /** Beeps expected and checked (onset and length). */
  checked: number;
  failures: string[];
  report: string;
}

/**
 * Anchors the looping `pattern` on the first burst that is a whole beep followed by the right gap, then
 * expects every later beep at anchor + cycles × length + its offset (`cycleS`, default the pattern's
 * length), each onset and length within `tolerance` s.
 */
export function beepsOnSchedule(
  found: Segment[],
  pattern: { beeps: Beep[]; length: number },
  tolerance: number,
  options: { cycleS?: number; /** Check beeps that end before this (default: the last burst found). */ untilS?: number } = {},
): ScheduleCheck {
  const cycleS = options.cycleS ?? pattern.length;
  const report = found.map((b) => `${b.start.toFixed(3)}+${(b.end - b.start).toFixed(3)}`).join(' ');
  const n = pattern.beeps.length;
  let anchor: { at: number; k: number } | undefined;
  for (let i = 0; i + 1 < found.length && !anchor; i++) {
    for (let k = 0; k < n; k++) {
      const beep = pattern.beeps[k]!;
      const next = pattern.beeps[(k + 1) % n]!;
      const gap = next.start + (k + 1 === n ? cycleS : 0) - beep.start;
      const b = found[i]!;
      if (Math.abs(b.end - b.start - beep.duration) < tolerance && Math.abs(found[i + 1]!.start - b.start - gap) < tolerance) {
        anchor = { at: b.start - beep.start, k };
        break;
      }
    }
  }
  if (!anchor) return { checked: 0, failures: ['no whole beep of the pattern was found'], report };
  const until = options.untilS ?? found.at(-1)!.end;
  const failures: string[] = [];
  let checked = 0;
  for (let cycle = 0; ; cycle++) {
    let past = false;
    for (let k = cycle === 0 ? anchor.k : 0; k < n; k++) {
      const beep = pattern.beeps[k]!;
      const at = anchor.at + cycle * cycleS + beep.start;
      if (at + beep.duration > until) {
        past = true;
        break;
      }
      checked++;
      const burst = found.find((b) => Math.abs(b.start - at) < 0.15);
      if (!burst) failures.push(`no beep at ${at.toFixed(3)} s`);
      else if (Math.abs(burst.start - at) >= tolerance) failures.push(`the beep at ${at.toFixed(3)} s starts at ${burst.start.toFixed(3)} s`);
      else if (Math.abs(burst.end - burst.start - beep.duration) >= tolerance) failures.push(`the beep at ${at.toFixed(3)} s lasts ${(burst.end - burst.start).toFixed(3)} s, not ${beep.duration} s`);
    }
    if (past) break;
  }
  return { checked, failures, report };
}
