// Known speech for the caption tests and benchmark: sentences spoken by Debian's festival (the
// natural-sounding US "slt" voice) or espeak-ng (robotic), laid out with pauses between them at
// known times, optionally over pink noise; and the word error rate of what the engine heard.
// Everything is generated at test time from Debian's tools; nothing is downloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pinkNoise, RATE } from './signals';

export type Voice = 'festival' | 'espeak';

/** Sentences a talk show might hear; plain words so the reference needs no normalising of numbers. */
export const SENTENCES = [
  'Welcome to the show, it is good to have you here tonight.',
  'Our first guest has been writing about music for many years.',
  'Tell us how you started working on the radio.',
  'I think the most important thing is to listen to people.',
  'We will take questions from the audience after the break.',
  'Thank you all for joining us, and see you next week.',
] as const;

/** What each voice needs from Debian, for the error that names it. */
export const SPEECH_PACKAGES = { festival: ['festival', 'festvox-us-slt-hts'], espeak: ['espeak-ng'], sox: ['sox'] } as const;

/** Why speech cannot be made here, with the command to run; undefined when it can. */
export function speechToolsMissing(): string | undefined {
  const missing: string[] = [];
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (!has('text2wave', ['-h'])) missing.push(...SPEECH_PACKAGES.festival);
  else if (!has('sh', ['-c', 'ls /usr/share/festival/voices/us/cmu_us_slt_arctic_hts >/dev/null 2>&1'])) missing.push('festvox-us-slt-hts');
  if (!has('espeak-ng', ['--version'])) missing.push(...SPEECH_PACKAGES.espeak);
  if (!has('sox', ['--version'])) missing.push(...SPEECH_PACKAGES.sox);
  return missing.length ? `speech tools are missing: run as root \`apt-get install -y ${missing.join(' ')}\`` : undefined;
}

function readWav16(path: string): Float32Array {
  const raw = execFileSync('sox', ['-R', path, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-r', String(RATE), '-c', '1', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** One sentence as 48 kHz mono float samples, silence trimmed, peak at -3 dBFS; the same samples every run. */
export function say(dir: string, voice: Voice, text: string, name: string): Float32Array {
  const raw = join(dir, `${name}-raw.wav`);
  const ready = join(dir, `${name}.wav`);
  if (voice === 'festival') {
    execFileSync('text2wave', ['-o', raw, '-eval', '(voice_cmu_us_slt_arctic_hts)'], { input: text });
  } else {
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  }
  // -R: sox dithers whenever it writes 16 bits, from a random seed per run unless told to repeat; a
  // different dither of the same sentence moved pocketsphinx's noisy WER between 28 % and 37 %.
  execFileSync('sox', ['-R', raw, '-r', String(RATE), '-c', '1', '-b', '16', ready,
    'silence', '1', '0.01', '0.5%', 'reverse', 'silence', '1', '0.01', '0.5%', 'reverse', 'norm', '-3']);
  return readWav16(ready);
}

export interface Talk {
  samples: Float32Array;
  /** Each sentence with where it sits in the samples, seconds. */
  sentences: Array<{ text: string; start: number; end: number }>;
  seconds: number;
}

/** Sentences with `gap` seconds of pause around them; pink noise under all of it when `noiseRmsDb` is set. */
export function talk(dir: string, voice: Voice, sentences: readonly string[], options: { gap?: number; noiseRmsDb?: number; lead?: number } = {}): Talk {
  const gap = options.gap ?? 1.2;
  const spoken = sentences.map((text, i) => ({ text, samples: say(dir, voice, text, `${voice}-${i}`) }));
  const lead = options.lead ?? 1;
  const seconds = lead + spoken.reduce((sum, s) => sum + s.samples.length / RATE + gap, 0) + 0.5;
  const samples = new Float32Array(Math.round(seconds * RATE));
  const placed: Talk['sentences'] = [];
  let at = lead;
  for (const s of spoken) {
    samples.set(s.samples, Math.round(at * RATE));
    placed.push({ text: s.text, start: at, end: at + s.samples.length / RATE });
    at += s.samples.length / RATE + gap;
  }
  if (options.noiseRmsDb !== undefined) {
    const noise = pinkNoise(options.noiseRmsDb, seconds, 11);
    for (let i = 0; i < samples.length; i++) samples[i]! += noise[i]!;
  }
  return { samples, sentences: placed, seconds };
}

/** Lower case words without punctuation. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Word error rate: (substitutions + deletions + insertions) / reference words, by edit distance. */
export function wordErrorRate(reference: string, hypothesis: string): { wer: number; errors: number; words: number } {
  const ref = words(reference);
  const hyp = words(hypothesis);
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  const errors = prev[hyp.length]!;
  return { wer: ref.length ? errors / ref.length : 0, errors, words: ref.length };
}

/** Reads a float WAV back as 48 kHz mono (for files other tools made). */
export function readSpeech(path: string): Float32Array {
  return readWav16(path);
}
