import { describe, expect, it } from 'vitest';
import { micCheckFigures, rateMicCheck } from '../../src/shared/mic-check';

/** 10 ms readings: `talk` of them at `voice` (linear RMS), the rest at `floor`. */
function readings(count: number, talk: number, voice: number, floor: number, peak = voice * 1.4) {
  return Array.from({ length: count }, (_, i) => (i < talk ? { rms: voice, peak } : { rms: floor, peak: floor * 1.4 }));
}

describe('the mic check', () => {
  it('measures speech level, noise floor, peak and clipping from level readings', () => {
    const f = micCheckFigures(readings(300, 150, 0.1, 0.001), 3000);
    expect(f.speechDb).toBeCloseTo(-20, 1);
    expect(f.noiseFloorDb).toBeCloseTo(-60, 1);
    expect(f.peakDb).toBeCloseTo(20 * Math.log10(0.14), 1);
    expect(f.clippedShare).toBe(0);
    expect(f.durationMs).toBe(3000);
  });

  it.each([
    ['a clear voice', readings(300, 150, 0.1, 0.001), 'good'],
    ['a voice barely above a fan', readings(300, 150, 0.02, 0.01), 'noisy'],
    ['a voice far from the microphone', readings(300, 150, 0.01, 0.0001), 'quiet'],
    ['a muted or dead microphone', readings(300, 0, 0, 0), 'silent'],
    ['a voice hitting full scale', readings(300, 150, 0.5, 0.001, 1), 'clipping'],
  ])('rates %s as %s', (_name, levels, quality) => {
    expect(rateMicCheck(micCheckFigures(levels, 3000)).quality).toBe(quality);
  });
});
