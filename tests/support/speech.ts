// Test speech: phrases spoken by espeak-ng, resampled by sox to 48 kHz, laid out at known times over
// digital silence or pink noise. Made in a temp dir at test time; nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinkNoise, RATE } from './signals';
import { writeWav } from './wav';

export interface Phrase {
  /** Seconds from the start of the file. */
  start: number;
  end: number;
}

export interface SpeechFile {
  path: string;
  phrases: Phrase[];
  /** Length of the file (it loops as a fake microphone), seconds. */
  length: number;
}

/** Reads the samples of a 16-bit mono PCM WAV. */
function readPcm16(path: string): Float32Array {
  const buf = readFileSync(path);
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'data') {
      const out = new Float32Array(size / 2);
      for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(at + 8 + i * 2) / 32768;
      return out;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

function speak(dir: string, name: string, text: string): Float32Array {
  const raw = join(dir, `${name}-raw.wav`);
  const ready = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  // 48 kHz mono, leading and trailing silence trimmed, peak at -3 dBFS.
  execFileSync('sox', [raw, '-r', String(RATE), '-c', '1', '-b', '16', ready,
    'silence', '1', '0.01', '0.5%', 'reverse', 'silence', '1', '0.01', '0.5%', 'reverse', 'norm', '-3']);
  return readPcm16(ready);
}

/** Two phrases with silence around them; with `noiseRmsDb`, pink noise runs under the whole file. */
export function writeSpeechWav(dir: string, options: { noiseRmsDb?: number; name?: string } = {}): SpeechFile {
  const first = speak(dir, 'phrase-1', 'Welcome to the show. Today we talk about live audio rooms.');
  const second = speak(dir, 'phrase-2', 'Our first guest joins us from Lisbon.');
  const gaps = [1.5, 2.5, 2.0];
  const length = gaps.reduce((a, b) => a + b, 0) + (first.length + second.length) / RATE;
  const samples = new Float32Array(Math.round(length * RATE));
  const phrases: Phrase[] = [];
  let at = gaps[0]!;
  for (const [i, phrase] of [first, second].entries()) {
    samples.set(phrase, Math.round(at * RATE));
    phrases.push({ start: at, end: at + phrase.length / RATE });
    at += phrase.length / RATE + gaps[i + 1]!;
  }
  if (options.noiseRmsDb !== undefined) {
    const noise = pinkNoise(options.noiseRmsDb, length, 5);
    for (let i = 0; i < samples.length; i++) samples[i]! += noise[i]!;
  }
  const path = join(dir, `${options.name ?? 'speech'}.wav`);
  writeWav(path, samples);
  return { path, phrases, length: samples.length / RATE };
}
