// Test signals: a mono 48 kHz 16-bit WAV of tone bursts at known times, written to a file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Beep {
  /** Start, seconds from the file's beginning. */
  start: number;
  /** Length in seconds. */
  duration: number;
  frequency: number;
}

export const SAMPLE_RATE = 48_000;

/** A pattern whose beeps and gaps all differ, so a stretch of it can be located unambiguously. */
export const BEEP_PATTERN: { beeps: Beep[]; length: number } = {
  beeps: [
    { start: 0.5, duration: 0.3, frequency: 880 },
    { start: 1.2, duration: 0.15, frequency: 660 },
    { start: 1.8, duration: 0.6, frequency: 440 },
    { start: 3.0, duration: 0.2, frequency: 1000 },
    { start: 3.75, duration: 0.45, frequency: 550 },
    { start: 4.8, duration: 0.25, frequency: 770 },
  ],
  length: 5.6,
};

/** Writes the beeps (amplitude 0.5, 5 ms ramps) over digital silence. */
export function writeBeepWav(path: string, pattern = BEEP_PATTERN, amplitude = 0.5): void {
  const frames = Math.round(pattern.length * SAMPLE_RATE);
  const samples = new Float32Array(frames);
  const ramp = 0.005 * SAMPLE_RATE;
  for (const beep of pattern.beeps) {
    const first = Math.round(beep.start * SAMPLE_RATE);
    const count = Math.round(beep.duration * SAMPLE_RATE);
    for (let i = 0; i < count; i++) {
      const envelope = Math.min(1, i / ramp, (count - 1 - i) / ramp);
      samples[first + i] = amplitude * envelope * Math.sin((2 * Math.PI * beep.frequency * i) / SAMPLE_RATE);
    }
  }
  writeWav(path, samples);
}

/** Writes 16-bit PCM: one channel, or several (given as planes, written interleaved). */
export function writeWav(path: string, samples: Float32Array | Float32Array[], sampleRate = SAMPLE_RATE): void {
  const planes = Array.isArray(samples) ? samples : [samples];
  const channels = planes.length;
  const frames = planes[0]!.length;
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(planes[c]![i]! * 32767))), (i * channels + c) * 2);
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2 * channels, 28);
  header.writeUInt16LE(2 * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([header, data]));
}
