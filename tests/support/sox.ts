// An independent reader for recorded files: sox and soxi (never our own WAV code). Each helper runs the
// tool and returns what it printed, parsed.
import { execFileSync, spawnSync } from 'node:child_process';
import type { Segment } from './pattern';

export interface SoxInfo {
  rate: number;
  channels: number;
  bits: number;
  samples: number;
  seconds: number;
  encoding: string;
}

export function soxi(path: string): SoxInfo {
  const ask = (flag: string) => execFileSync('soxi', [flag, path], { encoding: 'utf8' }).trim();
  const rate = Number(ask('-r'));
  const samples = Number(ask('-s'));
  return { rate, channels: Number(ask('-c')), bits: Number(ask('-b')), samples, seconds: samples / rate, encoding: ask('-e') };
}

/** `sox FILE -n [trim …] stat`, as numbers by name ("Maximum amplitude", "RMS amplitude", …). */
export function soxStat(path: string, trim?: { from: number; to: number }): Record<string, number> {
  const args = [path, '-n'];
  if (trim) args.push('trim', String(trim.from), `=${trim.to}`);
  args.push('stat');
  const result = statOutput(args);
  const stats: Record<string, number> = {};
  for (const line of result.split('\n')) {
    const m = /^(.+?):\s+(-?[\d.e+-]+)\s*$/.exec(line.trim());
    if (m) stats[m[1]!.trim()] = Number(m[2]);
  }
  return stats;
}

/** sox prints `stat` on stderr. */
function statOutput(args: string[]): string {
  const run = spawnSync('sox', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sox ${args.join(' ')} failed: ${run.stderr}`);
  return run.stderr;
}

/** The file's samples as sox decodes them (mono float), after any sox `effects` (e.g. `sinc 1500`). */
export function soxSamples(path: string, effects: string[] = []): Float32Array {
  const raw = execFileSync('sox', [path, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-c', '1', '-', ...effects], { maxBuffer: 1 << 30 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** Stretches louder than `thresholdDb` (RMS over 5 ms windows), in seconds; gaps under 30 ms bridged. */
export function bursts(samples: Float32Array, rate: number, thresholdDb = -30): Segment[] {
  const win = Math.round(rate * 0.005);
  const threshold = Math.pow(10, thresholdDb / 20);
  const out: Segment[] = [];
  let open: Segment | undefined;
  for (let i = 0; i + win <= samples.length; i += win) {
    let sum = 0;
    for (let j = i; j < i + win; j++) sum += samples[j]! * samples[j]!;
    const loud = Math.sqrt(sum / win) > threshold;
    const t = i / rate;
    if (loud && !open) open = { start: t, end: t + win / rate };
    else if (loud && open) open.end = t + win / rate;
    else if (!loud && open) {
      out.push(open);
      open = undefined;
    }
  }
  if (open) out.push(open);
  const merged: Segment[] = [];
  for (const s of out) {
    const last = merged.at(-1);
    if (last && s.start - last.end < 0.03) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged.filter((s) => s.end - s.start >= 0.02);
}
