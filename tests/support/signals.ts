// Known test signals and measurements for the DSP cores: sines, pink noise, levels in dB.
import type { AudioStage } from '../../src/renderer/audio/dsp/decibels';

export const RATE = 48_000;

/** A sine whose peak is at `peakDb` dBFS. */
export function sine(frequency: number, peakDb: number, seconds: number, rate = RATE): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  const a = Math.pow(10, peakDb / 20);
  for (let i = 0; i < out.length; i++) out[i] = a * Math.sin((2 * Math.PI * frequency * i) / rate);
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing test fails the same way again. */
export function random(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pink noise (Paul Kellet's filter over white noise) scaled to an RMS of `rmsDb` dBFS. */
export function pinkNoise(rmsDb: number, seconds: number, seed = 7, rate = RATE): Float32Array {
  const next = random(seed);
  const out = new Float32Array(Math.round(seconds * rate));
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < out.length; i++) {
    const white = next() * 2 - 1;
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
  }
  const scale = Math.pow(10, rmsDb / 20) / rms(out);
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

export const db = (linear: number) => (linear > 0 ? 20 * Math.log10(linear) : -Infinity);

export function peak(samples: Float32Array): number {
  let p = 0;
  for (const s of samples) p = Math.max(p, Math.abs(s));
  return p;
}

/** Runs a stage over a signal in render quanta of 128, as an AudioWorklet would; returns the output. */
export function runStage(stage: Pick<AudioStage, 'process'>, input: Float32Array, block = 128): Float32Array {
  const out = Float32Array.from(input);
  for (let i = 0; i < out.length; i += block) stage.process(out.subarray(i, Math.min(out.length, i + block)));
  return out;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The part of a signal between two times, in seconds. */
export function slice(samples: Float32Array, from: number, to: number, rate = RATE): Float32Array {
  return samples.subarray(Math.round(from * rate), Math.round(to * rate));
}

/** The amplitude of one frequency in a signal (Goertzel), 1 for a full-scale sine. */
export function toneLevel(samples: Float32Array, frequency: number, rate = RATE): number {
  const w = (2 * Math.PI * frequency) / rate;
  const k = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) [s1, s2] = [x + k * s1 - s2, s1];
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2))) / samples.length;
}
