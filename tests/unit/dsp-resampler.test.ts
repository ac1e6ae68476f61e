// The resampler that brings a 44.1 kHz (or any other) microphone to the console's 48 kHz chain.
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/renderer/audio/dsp/Resampler';
import { db, rms, sine, toneLevel } from '../support/signals';

function inBlocks(resampler: Resampler, input: Float32Array, block: number): Float32Array {
  const parts: number[] = [];
  for (let i = 0; i < input.length; i += block) parts.push(...resampler.process(input.subarray(i, Math.min(input.length, i + block))));
  return Float32Array.from(parts);
}

describe('Resampler', () => {
  it('turns 10 ms at 44.1 kHz into exactly 10 ms at 48 kHz, block after block', () => {
    const resampler = new Resampler(44_100, 48_000);
    const block = new Float32Array(441);
    for (let i = 0; i < 50; i++) expect(resampler.process(block).length).toBe(480);
  });

  it('keeps a tone at its pitch and level, with the images far down', () => {
    const input = sine(1000, -6, 1, 44_100);
    const out = inBlocks(new Resampler(44_100, 48_000), input, 441).subarray(4800);
    expect(db(toneLevel(out, 1000, 48_000))).toBeCloseTo(-6, 1);
    // What a naive (zero-order) conversion would leave: images around 44.1 kHz ± 1 kHz fold to 43.1 and 45.1.
    for (const image of [5000, 23_050]) expect(db(toneLevel(out, image, 48_000))).toBeLessThan(-70);
  });

  it('passes speech and music frequencies flat up to 18 kHz', () => {
    for (const f of [100, 3000, 10_000, 18_000]) {
      const out = inBlocks(new Resampler(44_100, 48_000), sine(f, -10, 0.5, 44_100), 441).subarray(2400);
      expect(db(rms(out)) + 3.01).toBeCloseTo(-10, 0);
    }
  });

  it('gives the same samples whatever the block size, and delays by under a millisecond', () => {
    const input = sine(440, -6, 0.3, 44_100);
    const whole = inBlocks(new Resampler(44_100, 48_000), input, input.length);
    const chunked = inBlocks(new Resampler(44_100, 48_000), input, 128);
    expect(chunked.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(chunked[i]).toBeCloseTo(whole[i]!, 5);
    const resampler = new Resampler(44_100, 48_000);
    expect(resampler.latency).toBeLessThan(0.001);
    // A click comes out `latency` later.
    const click = new Float32Array(4410);
    click[1000] = 1;
    const out = inBlocks(resampler, click, 441);
    const at = out.indexOf(Math.max(...out));
    expect(at / 48_000).toBeCloseTo(1000 / 44_100 + resampler.latency, 3);
  });
});
