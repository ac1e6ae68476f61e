// Meters and voice activity on known signals.
import { describe, expect, it } from 'vitest';
import { PeakRmsMeter, type PeakRmsReading } from '../../src/renderer/audio/dsp/PeakRmsMeter';
import { LoudnessMeter } from '../../src/renderer/audio/dsp/Loudness';
import { SpeakerActivity } from '../../src/renderer/audio/dsp/SpeakerActivity';
import { VoiceActivity } from '../../src/renderer/audio/dsp/VoiceActivity';
import { concat, RATE, sine } from '../support/signals';

function readings(meter: PeakRmsMeter, signal: Float32Array): PeakRmsReading[] {
  const out: PeakRmsReading[] = [];
  for (let i = 0; i < signal.length; i += 128) meter.process(signal.subarray(i, i + 128), (r) => out.push(r));
  return out;
}

describe('LoudnessMeter', () => {
  it('reads a 1 kHz sine at -20 dBFS as -20 LUFS (within 0.5), as EBU Tech 3341 expects', () => {
    const meter = new LoudnessMeter(RATE);
    meter.process(sine(1000, -20, 4));
    expect(meter.reading().shortTermLufs).toBeGreaterThan(-20.5);
    expect(meter.reading().shortTermLufs).toBeLessThan(-19.5);
    expect(Math.abs(meter.reading().momentaryLufs + 20)).toBeLessThan(0.5);
  });

  it('follows level changes dB for dB and weighs low rumble far less than voice frequencies', () => {
    const at = (freq: number, peakDb: number) => {
      const meter = new LoudnessMeter(RATE);
      meter.process(sine(freq, peakDb, 3.2));
      return meter.reading().shortTermLufs;
    };
    expect(at(1000, -30) - at(1000, -20)).toBeCloseTo(-10, 1);
    // K-weighting's high pass: 20 Hz counts for much less than 1 kHz at the same level.
    expect(at(20, -20)).toBeLessThan(at(1000, -20) - 10);
  });
});

describe('PeakRmsMeter', () => {
  it('reports peak and RMS in dBFS, holds the peak for 1.5 s, and lights the clip indicator', () => {
    const meter = new PeakRmsMeter(RATE, { periodMs: 20, holdMs: 1500, clipHoldMs: 2000 });
    const r = readings(meter, concat(sine(1000, -6, 0.5), sine(1000, -30, 1), Float32Array.from({ length: 960 }, () => 1), sine(1000, -30, 2.5)));
    const steady = r[20]!;
    expect(steady.peakDb).toBeCloseTo(-6, 1);
    expect(steady.rmsDb).toBeCloseTo(-9.01, 1);
    // 1 s after the loud part the hold still shows -6; 2 s after it has let go.
    expect(r[Math.round(1.4 / 0.02)]!.peakHoldDb).toBeCloseTo(-6, 1);
    expect(r[Math.round(0.5 / 0.02) + 5]!.peakDb).toBeCloseTo(-30, 1);
    expect(r.slice(0, 70).every((x) => !x.clipping)).toBe(true);
    expect(r[80]!.clipping).toBe(true);
    expect(r[80]!.clipCount).toBe(960);
    expect(r.at(-1)!.clipping).toBe(false);
  });
});

describe('VoiceActivity', () => {
  it('lights up on the first speech frame and waits out pauses shorter than the redemption time', () => {
    const vad = new VoiceActivity({ positive: 0.5, negative: 0.35, redemptionMs: 400 });
    const frames = [0.1, 0.1, 0.9, 0.2, 0.2, 0.8, ...Array(12).fill(0.1), 0.1, 0.1];
    const states = frames.map((p) => (vad.frame(p, 32), vad.speaking));
    expect(states.slice(0, 3)).toEqual([false, false, true]);
    // A 64 ms pause does not end speech; 13 frames × 32 ms = 416 ms of silence does.
    expect(states[5]).toBe(true);
    expect(states[5 + 12]).toBe(true);
    expect(states[5 + 13]).toBe(false);
  });
});

describe('SpeakerActivity', () => {
  it('lights the ring for a speaker above the threshold and counts their talk time', () => {
    const activity = new SpeakerActivity({ onDb: -42, offDb: -50, holdMs: 300 });
    let t = 0;
    const feed = (db: number, ms: number) => {
      for (const end = t + ms; t < end; t += 20) activity.reading(db, t);
    };
    feed(-70, 1000);
    expect(activity.speaking).toBe(false);
    feed(-30, 2000);
    expect(activity.speaking).toBe(true);
    feed(-46, 500); // between the thresholds: still talking
    expect(activity.speaking).toBe(true);
    feed(-70, 1000);
    expect(activity.speaking).toBe(false);
    // 2 s + 0.5 s + the 300 ms hold.
    expect(activity.talkTimeMs).toBeGreaterThan(2700);
    expect(activity.talkTimeMs).toBeLessThan(2900);
  });
});
