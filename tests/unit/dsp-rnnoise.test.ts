// RNNoise as the console runs it (its NoiseSuppressor in the chain worker), on pink noise and on a
// voice-like signal, and the delay it adds.
import { describe, expect, it } from 'vitest';
import { createRnnoise, runRnnoise } from '../support/rnnoise';
import { concat, db, pinkNoise, rms, RATE, slice } from '../support/signals';

/** A vowel-like signal: 150 Hz with harmonics, 4 syllables a second. */
function vowels(seconds: number, peak = 0.3): Float32Array {
  const out = new Float32Array(seconds * RATE);
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2 * t)) ** 2;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * 150 * h * t) * (h < 4 ? 1 : 3 / h) / h;
    out[i] = peak * syllable * v * (1 + 0.05 * Math.sin(2 * Math.PI * 5 * t));
  }
  return out;
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

  it('keeps most of a voice-like signal while removing the noise under it', async () => {
    const rnnoise = await createRnnoise();
    const voice = vowels(4);
    const noise = pinkNoise(-50, 4, 11);
    const out = runRnnoise(rnnoise, concat(noise.map((n, i) => n + voice[i]!)));
    rnnoise.destroy();
    expect(db(rms(slice(out, 1, 4)))).toBeGreaterThan(db(rms(slice(voice, 1, 4))) - 10);
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
