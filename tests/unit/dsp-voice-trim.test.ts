// A remote voice's trim and level match on known signals: a quiet guest measured by the real loudness
// meter is brought towards the target slowly, silence holds the gain, and the trim stays within ±12 dB.
import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../src/renderer/audio/dsp/Loudness';
import { VoiceTrim } from '../../src/renderer/audio/dsp/VoiceTrim';
import { pinkNoise, RATE } from '../support/signals';

/** Meters `voice` as it arrives (before the trim) and feeds the readings to the trim; answers its gain after each. */
function follow(trim: VoiceTrim, voice: Float32Array): number[] {
  const meter = new LoudnessMeter(RATE);
  const gains: number[] = [];
  meter.process(voice, (reading) => {
    trim.reading(reading.momentaryLufs, 0.1);
    gains.push(trim.gainDb);
  });
  return gains;
}

describe('VoiceTrim', () => {
  it('the host’s trim is the gain, within ±12 dB; beyond it is refused with the reason', () => {
    const trim = new VoiceTrim({ trimDb: 6, levelMatch: false, targetLufs: -20 });
    expect(trim.gainDb).toBe(6);
    expect(() => trim.set({ trimDb: 13, levelMatch: false, targetLufs: -20 })).toThrow('between −12 and +12 dB');
    expect(trim.gainDb).toBe(6);
  });

  it('level match brings a guest at −32 LUFS to −20 LUFS, never faster than 1 dB a second', () => {
    const trim = new VoiceTrim({ trimDb: 0, levelMatch: true, targetLufs: -20 });
    const meter = new LoudnessMeter(RATE);
    const probe = pinkNoise(-20, 3);
    meter.process(probe);
    const scale = Math.pow(10, (-32 - meter.reading().shortTermLufs) / 20);
    const guest = pinkNoise(-20, 20, 11).map((s) => s * scale);
    const gains = follow(trim, guest);
    // 12 dB at 1 dB/s: up to about +9.6 dB by 10 s, the full 12 dB by 20 s (the first 400 ms fill the window).
    expect(gains[99]!).toBeGreaterThan(8);
    expect(gains[99]!).toBeLessThan(10.1);
    expect(gains.at(-1)!).toBeCloseTo(12, 0);
    const steps = gains.slice(1).map((g, i) => g - gains[i]!);
    expect(Math.max(...steps)).toBeLessThanOrEqual(0.1 + 1e-9);
  });

  it('silence between phrases holds the gain; turning level match off returns to the trim', () => {
    const trim = new VoiceTrim({ trimDb: -3, levelMatch: true, targetLufs: -20 });
    trim.reading(-14, 1);
    expect(trim.gainDb).toBeCloseTo(-4, 5);
    trim.reading(-70, 5);
    expect(trim.gainDb).toBeCloseTo(-4, 5);
    trim.set({ trimDb: -3, levelMatch: false, targetLufs: -20 });
    expect(trim.gainDb).toBe(-3);
  });
});
