// RNNoise as the console runs it (its NoiseSuppressor in the chain worker), on pink noise and on a
// voice-like signal, and the delay it adds.
import { describe, expect, it } from 'vitest';
import { createRnnoise, runRnnoise } from '../support/rnnoise';
import { db, pinkNoise, rms, RATE, slice } from '../support/signals';

/** A vowel-like signal: 150 Hz with harmonics, 4 syllables a second. */
function vowels(seconds: number, peak = 0.3): Float32Array {
  const out = new Float32Array(seconds * RATE);
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2 * t)) ** 2;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += (Math.sin(2 * Math.PI * 150 * h * t) * (h < 4 ? 1 : 3 / h)) / h;
    out[i] = peak * syllable * v * (1 + 0.05 * Math.sin(2 * Math.PI * 5 * t));
  }
  return out;
}

/** Vowel-like bursts: 150 Hz with harmonics up to 1.8 kHz, `on` seconds of voice then `off` of nothing. */
function vowelBursts(seconds: number, on: number, off: number, peak = 0.3): Float32Array {
  const out = new Float32Array(seconds * RATE);
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const p = t % (on + off);
    if (p >= on) continue;
    const envelope = Math.min(1, p / 0.02, (on - p) / 0.02) * (0.6 + 0.4 * Math.sin(Math.PI * 4 * p) ** 2);
    let v = 0;
    for (let h = 1; h <= 12; h++) v += (Math.sin(2 * Math.PI * 150 * h * t) * (h < 4 ? 1 : 3 / h)) / h;
    out[i] = peak * envelope * v * (1 + 0.05 * Math.sin(2 * Math.PI * 5 * t));
  }
  return out;
}

/** 4th-order Butterworth high pass (two biquads): what is left above `cutoff` Hz. */
function highPass(x: Float32Array, cutoff: number): Float32Array {
  const w0 = (2 * Math.PI * cutoff) / RATE;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const cos = Math.cos(w0);
  const [b0, b1, b2, a0, a1, a2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha];
  const pass = (input: Float32Array) => {
    const y = new Float32Array(input.length);
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < input.length; i++) {
      const v = (b0 * input[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
      [x2, x1, y2, y1] = [x1, input[i]!, y1, v];
      y[i] = v;
    }
    return y;
  };
  return pass(pass(x));
}

/** Power level over several stretches (seconds), shifted by `delay`. */
function levelOver(x: Float32Array, stretches: Array<[number, number]>, delay = 0): number {
  return db(Math.sqrt(stretches.reduce((sum, [from, to]) => sum + rms(slice(x, from + delay, to + delay)) ** 2, 0) / stretches.length));
}

describe('RNNoise noise suppression', () => {
  // A room's noise floor as a microphone picks it up. Louder pink noise (-40 dBFS and up) RNNoise partly
  // takes for voice and lowers by only ~7-10 dB: see docs/PERFORMANCE.md.
  it('lowers steady pink noise at a room noise floor (-50 dBFS RMS) by at least 20 dB', async () => {
    const rnnoise = await createRnnoise();
    const noise = pinkNoise(-50, 6);
    const out = runRnnoise(rnnoise, noise);
    rnnoise.destroy();
    // After 1 s for the model to settle.
    const reduction = db(rms(slice(noise, 1, 6))) - db(rms(slice(out, 1, 6)));
    expect(reduction).toBeGreaterThanOrEqual(20);
  });

  // Each check fails a different broken suppressor: a passthrough keeps the noise in the pauses, a gate
  // keeps the noise under the voice, a fixed gain or silence loses the voice.
  it('keeps a voice-like signal at its level while removing the noise in its pauses and under it', async () => {
    const [on, off, seconds] = [0.6, 1.0, 9];
    const voice = vowelBursts(seconds, on, off);
    const noise = pinkNoise(-50, seconds, 11);
    const noisy = noise.map((n, i) => n + voice[i]!);
    const rnnoise = await createRnnoise();
    const out = runRnnoise(rnnoise, noisy);
    rnnoise.destroy();
    // RNNoise's output lags its input by its frame buffering (10 ms); find the lag from the bursts.
    let best = 0;
    let lag = 0;
    for (let candidate = 0; candidate < 2400; candidate += 10) {
      let sum = 0;
      for (let i = RATE; i < 5 * RATE; i += 7) sum += Math.abs(out[i + candidate]!) * Math.abs(voice[i]!);
      if (sum > best) [best, lag] = [sum, candidate];
    }
    const delay = lag / RATE;
    expect(delay).toBeLessThan(0.05);
    // Every cycle after the first: the middle of each burst, and the end of each pause (the release is slow).
    const bursts: Array<[number, number]> = [];
    const pauses: Array<[number, number]> = [];
    for (let t = on + off; t + on + off <= seconds; t += on + off) {
      bursts.push([t + 0.05, t + on - 0.05]);
      pauses.push([t + on + 0.35, t + on + off - 0.05]);
    }
    const report = () =>
      `voice ${levelOver(voice, bursts).toFixed(1)} → ${levelOver(out, bursts, delay).toFixed(1)} dBFS; ` +
      `pauses ${levelOver(noisy, pauses).toFixed(1)} → ${levelOver(out, pauses, delay).toFixed(1)}; ` +
      `above 4 kHz during the voice ${levelOver(highPass(noisy, 4000), bursts).toFixed(1)} → ${levelOver(highPass(out, 4000), bursts, delay).toFixed(1)} (clean voice ${levelOver(highPass(voice, 4000), bursts).toFixed(1)})`;
    expect(Math.abs(levelOver(out, bursts, delay) - levelOver(voice, bursts)), report()).toBeLessThan(3);
    expect(levelOver(noisy, pauses) - levelOver(out, pauses, delay), report()).toBeGreaterThanOrEqual(10);
    // The voice has nothing above 1.8 kHz but the noise does: there, what is left is noise left in.
    expect(levelOver(highPass(noisy, 4000), bursts) - levelOver(highPass(out, 4000), bursts, delay), report()).toBeGreaterThanOrEqual(6);
  });
});

describe('RNNoise delay in the chain', () => {
  /** The lag (samples) at which `output` best matches `input`, over a stretch of voice. */
  function lag(input: Float32Array, output: Float32Array): number {
    let best = -Infinity;
    let at = 0;
    for (let d = 0; d < 1200; d++) {
      let sum = 0;
      for (let i = RATE; i < 1.25 * RATE; i++) sum += input[i]! * output[i + d]!;
      if (sum > best) [best, at] = [sum, d];
    }
    return at;
  }

  it("adds nothing to RNNoise's own 10 ms on 10 ms blocks, and one frame more on other block sizes", async () => {
    const voice = vowels(3);
    const direct = lag(voice, runRnnoise(await createRnnoise(), voice));
    const reframed = lag(voice, runRnnoise(await createRnnoise(), voice, 128));
    // RNNoise's overlap-add synthesis holds back one 480-sample frame.
    expect(Math.abs(direct - 480)).toBeLessThanOrEqual(5);
    expect(Math.abs(reframed - direct - 480)).toBeLessThanOrEqual(5);
  });
});
