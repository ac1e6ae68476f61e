// The console's dynamics stages on known signals: what a host would check with a tone generator.
import { describe, expect, it } from 'vitest';
import { Compressor, staticGainReduction } from '../../src/renderer/audio/dsp/Compressor';
import { InputGain } from '../../src/renderer/audio/dsp/InputGain';
import { Limiter } from '../../src/renderer/audio/dsp/Limiter';
import { NoiseGate, type NoiseGateParams } from '../../src/renderer/audio/dsp/NoiseGate';
import { concat, db, peak, pinkNoise, random, rms, RATE, runStage, sine, slice } from '../support/signals';

const GATE: NoiseGateParams = { openDb: -40, closeDb: -50, attackMs: 1, holdMs: 100, releaseMs: 20, rangeDb: -80 };

describe('NoiseGate', () => {
  it('stays closed under the open threshold and opens just above it', () => {
    const under = runStage(new NoiseGate(RATE, GATE), sine(440, -43, 0.5));
    expect(db(rms(slice(under, 0.2, 0.5)))).toBeLessThan(-43 - 3 - 60);
    const above = runStage(new NoiseGate(RATE, GATE), sine(440, -37, 0.5));
    // Open: the tone passes untouched (sine RMS is 3 dB under its peak).
    expect(db(rms(slice(above, 0.2, 0.5)))).toBeCloseTo(-37 - 3.01, 1);
  });

  it('once open, stays open between the thresholds and closes under the close threshold after the hold', () => {
    const gate = new NoiseGate(RATE, GATE);
    const out = runStage(gate, concat(sine(440, -30, 0.3), sine(440, -45, 0.5), sine(440, -55, 0.6)));
    // -45 dBFS is under "open" but above "close": still passes.
    expect(db(rms(slice(out, 0.4, 0.8)))).toBeCloseTo(-45 - 3.01, 1);
    // Under "close": hold (100 ms) then release (20 ms), so quiet well before 300 ms.
    expect(db(rms(slice(out, 0.8 + 0.3, 1.4)))).toBeLessThan(-55 - 60);
    // …but not before the hold has run out.
    expect(db(rms(slice(out, 0.8 + 0.01, 0.8 + 0.08)))).toBeGreaterThan(-55 - 4);
    expect(gate.isOpen).toBe(false);
  });

  it('attenuates by its range when closed, keeping some room tone if asked', () => {
    const out = runStage(new NoiseGate(RATE, { ...GATE, rangeDb: -20 }), pinkNoise(-60, 1));
    expect(db(rms(slice(out, 0.5, 1)))).toBeCloseTo(-80, 0);
  });
});

describe('Compressor', () => {
  const params = { thresholdDb: -30, ratio: 4, attackMs: 5, releaseMs: 100, makeupDb: 0, kneeDb: 0 };

  it('reduces a tone 20 dB over the threshold by 15 dB at 4:1', () => {
    const compressor = new Compressor(RATE, params);
    const out = runStage(compressor, sine(1000, -10, 1));
    expect(compressor.gainReductionDb).toBeCloseTo(15, 0);
    // Output peak: threshold + 20/4 = -25 dBFS.
    expect(db(peak(slice(out, 0.5, 1)))).toBeCloseTo(-25, 0);
  });

  it('leaves a tone under the threshold alone and adds the make-up gain', () => {
    const out = runStage(new Compressor(RATE, { ...params, makeupDb: 6 }), sine(1000, -40, 0.5));
    expect(db(peak(slice(out, 0.2, 0.5)))).toBeCloseTo(-34, 1);
  });

  it('follows its ratio across input levels (static curve)', () => {
    for (const ratio of [2, 4, 10]) {
      for (const over of [6, 12, 24]) {
        expect(staticGainReduction(-30 + over, { thresholdDb: -30, ratio, kneeDb: 0 })).toBeCloseTo(over * (1 - 1 / ratio), 6);
      }
    }
    // The soft knee is continuous with the straight parts at its edges.
    const knee = { thresholdDb: -30, ratio: 4, kneeDb: 6 };
    expect(staticGainReduction(-33, knee)).toBeCloseTo(0, 6);
    expect(staticGainReduction(-27, knee)).toBeCloseTo(3 * 0.75, 6);
  });

  it('attacks within a few attack times and releases within a few release times', () => {
    const compressor = new Compressor(RATE, params);
    runStage(compressor, sine(1000, -10, 0.02));
    expect(compressor.gainReductionDb).toBeGreaterThan(15 * 0.9);
    runStage(compressor, new Float32Array(RATE * 0.6));
    expect(compressor.gainReductionDb).toBeLessThan(1);
  });
});

describe('Limiter', () => {
  it('never lets a sample above its ceiling, whatever comes in', () => {
    const next = random(3);
    for (const ceilingDb of [-1, -3, -6]) {
      const limiter = new Limiter(RATE, { ceilingDb, releaseMs: 50 });
      // Loud speech-like noise with sudden +12 dB spikes and a full-scale square wave.
      const noise = pinkNoise(-6, 1);
      for (let i = 0; i < noise.length; i += 997) noise[i] = (next() < 0.5 ? -1 : 1) * 4;
      const square = new Float32Array(RATE / 2).map((_, i) => (Math.floor(i / 48) % 2 ? 1 : -1));
      const out = runStage(limiter, concat(noise, square, sine(3000, 6, 0.5)));
      expect(peak(out)).toBeLessThanOrEqual(Math.pow(10, ceilingDb / 20) + 1e-6);
    }
  });

  it('passes a signal under the ceiling unchanged, only delayed by its look-ahead', () => {
    const limiter = new Limiter(RATE, { ceilingDb: -1, releaseMs: 50 });
    const input = sine(440, -6, 0.2);
    const out = runStage(limiter, input);
    const L = limiter.latency;
    expect(L).toBeLessThan(RATE * 0.002);
    for (let i = 1000; i < 2000; i++) expect(out[i]).toBeCloseTo(input[i - L]!, 6);
  });

  it('brings a loud tone down to the ceiling without squaring it off', () => {
    const out = runStage(new Limiter(RATE, { ceilingDb: -1, releaseMs: 50 }), sine(440, 0, 0.5));
    const tail = slice(out, 0.2, 0.5);
    expect(db(peak(tail))).toBeGreaterThan(-1.6);
    expect(db(peak(tail))).toBeLessThanOrEqual(-1 + 1e-4);
    // Crest factor of a sine is 3 dB; hard clipping would flatten it towards 0 dB.
    expect(db(peak(tail)) - db(rms(tail))).toBeGreaterThan(2.7);
  });

  it('limits stereo linked: a loud left lowers both sides alike, so the image stays put', () => {
    const limiter = new Limiter(RATE, { ceilingDb: -1, releaseMs: 50 });
    const left = sine(440, 0, 0.5);
    const right = sine(660, -12, 0.5);
    for (let i = 0; i < left.length; i += 120) limiter.processChannels([left.subarray(i, i + 120), right.subarray(i, i + 120)]);
    const reduction = -db(peak(slice(left, 0.2, 0.5)));
    expect(reduction).toBeGreaterThanOrEqual(1 - 1e-4);
    // The quiet right side comes down by the same dB as the loud left one.
    expect(-12 - db(peak(slice(right, 0.2, 0.5)))).toBeCloseTo(reduction, 0);
  });
});

describe('InputGain', () => {
  it('applies its gain in dB and glides to a new setting without a jump', () => {
    const gain = new InputGain(RATE, { gainDb: 6 });
    expect(db(peak(runStage(gain, sine(440, -20, 0.1))))).toBeCloseTo(-14, 1);
    gain.set({ gainDb: -6 });
    const step = runStage(gain, new Float32Array(4800).fill(0.1));
    for (let i = 1; i < step.length; i++) expect(Math.abs(step[i]! - step[i - 1]!)).toBeLessThan(0.01);
    expect(step.at(-1)).toBeCloseTo(0.1 * Math.pow(10, -6 / 20), 4);
  });
});
