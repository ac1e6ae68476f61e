// The soundboard's DSP as the chain worker runs it, block by 10 ms block: pads mixed after the host's
// chain and before the limiter, a music bed ducked while someone talks, fades, loops, and the mix alone.
import { describe, expect, it } from 'vitest';
import { VOICE_PRESET } from '../../src/shared/console-settings';
import { SendPath, SEND_RATE } from '../../src/renderer/audio/dsp/SendPath';
import { LoudnessMeter } from '../../src/renderer/audio/dsp/Loudness';
import type { PadPlayback } from '../../src/renderer/audio/dsp/PadVoice';
import { db, peak, pinkNoise, rms, sine, toneLevel } from '../support/signals';

const BLOCK = SEND_RATE / 100;
const BED: PadPlayback = { gainDb: 0, loop: true, fadeInMs: 0, fadeOutMs: 0, duck: true };
const JINGLE: PadPlayback = { gainDb: 0, loop: false, fadeInMs: 0, fadeOutMs: 0, duck: false };

/** Runs `seconds` of microphone input (silence by default) through the path; `at(t)` runs before each block. */
function run(path: SendPath, seconds: number, at?: (time: number) => void, mic?: Float32Array) {
  const blocks = Math.round((seconds * SEND_RATE) / BLOCK);
  const send = new Float32Array(blocks * BLOCK);
  const pads = new Float32Array(blocks * BLOCK);
  for (let b = 0; b < blocks; b++) {
    at?.((b * BLOCK) / SEND_RATE);
    const input = mic ? mic.subarray(b * BLOCK, (b + 1) * BLOCK) : new Float32Array(BLOCK);
    const out = path.process([input], SEND_RATE);
    send.set(out.send[0]!, b * BLOCK);
    pads.set(out.pads, b * BLOCK);
  }
  return { send, pads };
}

/** Momentary loudness (BS.1770, 400 ms) of the 400 ms that end at `end` seconds. */
function lufsAt(samples: Float32Array, end: number): number {
  const meter = new LoudnessMeter(SEND_RATE);
  meter.process(samples.subarray(Math.round((end - 0.4) * SEND_RATE), Math.round(end * SEND_RATE)));
  return meter.reading().momentaryLufs;
}

/** Pink noise scaled so its loudness is `lufs` (measured, not assumed). */
function bedAt(lufs: number, seconds: number): Float32Array {
  const bed = pinkNoise(-20, seconds);
  const meter = new LoudnessMeter(SEND_RATE);
  meter.process(bed.subarray(0, 3 * SEND_RATE));
  const scale = Math.pow(10, (lufs - meter.reading().shortTermLufs) / 20);
  return bed.map((s) => s * scale);
}

/** The dip, dB, in each 10 ms window from `from` to `to` seconds: output against the bed itself (the
 * output comes `delay` samples late: the limiter's look-ahead). */
function dipsDb(out: Float32Array, bed: Float32Array, from: number, to: number, delay: number): number[] {
  const dips: number[] = [];
  for (let t = from; t < to - 1e-9; t += 0.01) {
    const a = Math.round(t * SEND_RATE);
    dips.push(db(rms(out.subarray(a + delay, a + delay + BLOCK))) - db(rms(bed.subarray(a, a + BLOCK))));
  }
  return dips;
}

describe('the soundboard in the send path', () => {
  it('ducks a bed at −20 LUFS by the set amount within the attack time, and recovers within the release time', () => {
    const bed = bedAt(-20, 12);
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.ducker.set({ depthDb: 12, attackMs: 150, releaseMs: 800 });
    path.pads.load('bed', { channels: [bed] });
    path.pads.play('bed', BED);
    // The voice detector says someone talks from 3 s to 6 s.
    const { send } = run(path, 9, (t) => {
      if (Math.abs(t - 3) < 1e-9) path.pads.ducker.setTalking(true);
      if (Math.abs(t - 6) < 1e-9) path.pads.ducker.setTalking(false);
    });

    expect(lufsAt(send, 3)).toBeCloseTo(-20, 0);
    // Within the attack time (150 ms) the bed is down the whole 12 dB, and stays there while they talk.
    expect(lufsAt(send, 3.15 + 0.4)).toBeCloseTo(-32, 0);
    expect(lufsAt(send, 6)).toBeCloseTo(-32, 0);
    const attack = dipsDb(send, bed, 3, 3.3, path.chain.limiter.latency);
    expect(attack[0]!).toBeGreaterThan(-1.5);
    expect(attack[15]!).toBeCloseTo(-12, 1);
    // Within the release time (800 ms) it is back at −20 LUFS.
    expect(lufsAt(send, 6.8 + 0.4)).toBeCloseTo(-20, 0);
    const release = dipsDb(send, bed, 6, 7, path.chain.limiter.latency);
    expect(release[79]!).toBeGreaterThan(-0.3);
    // Smoothly both ways: no 10 ms step of more than 1 dB, and halfway through the release it is halfway.
    const steps = [...attack, ...release].slice(1).map((d, i) => Math.abs(d - [...attack, ...release][i]!));
    expect(Math.max(...steps.filter((_, i) => i !== attack.length - 1))).toBeLessThan(1.1);
    expect(release[40]!).toBeGreaterThan(-7.5);
    expect(release[40]!).toBeLessThan(-4.5);
  });

  it('leaves a jingle (not a bed) at its level while someone talks', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.load('jingle', { channels: [sine(880, -12, 2)] });
    path.pads.ducker.setTalking(true);
    path.pads.play('jingle', JINGLE);
    const { send } = run(path, 1);
    expect(db(toneLevel(send.subarray(SEND_RATE / 2), 880))).toBeCloseTo(-12, 1);
  });

  it('mixes pads with the voice before the limiter: the limiter still holds its ceiling over both', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.load('loud', { channels: [sine(500, 0, 3)] });
    path.pads.play('loud', { ...JINGLE, gainDb: 6 });
    const voice = sine(200, 0, 3);
    const { send, pads } = run(path, 2, undefined, voice);
    // The ceiling is −1 dBFS: the pad alone (+6 dB over full scale) and the voice on top never pass it.
    expect(db(peak(send.subarray(BLOCK)))).toBeLessThanOrEqual(-1 + 1e-3);
    // Both are on the Stage; the pad track holds the pad alone, before the limiter, at its own level.
    expect(db(toneLevel(send.subarray(SEND_RATE), 500))).toBeGreaterThan(-20);
    expect(db(toneLevel(send.subarray(SEND_RATE), 200))).toBeGreaterThan(-20);
    expect(db(toneLevel(pads.subarray(SEND_RATE), 500))).toBeCloseTo(6, 1);
    expect(db(toneLevel(pads.subarray(SEND_RATE), 200))).toBeLessThan(-80);
  });

  it('keeps the pads on the Stage while the host is muted', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.load('jingle', { channels: [sine(880, -12, 2)] });
    path.pads.play('jingle', JINGLE);
    path.setTalking(false);
    const { send } = run(path, 1, undefined, sine(200, -6, 1));
    expect(db(toneLevel(send.subarray(SEND_RATE / 2), 200))).toBeLessThan(-60);
    expect(db(toneLevel(send.subarray(SEND_RATE / 2), 880))).toBeCloseTo(-12, 1);
  });

  it('plays a pad once and then stops; a looped pad wraps without a gap', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.load('short', { channels: [sine(1000, -6, 0.5)] });
    path.pads.play('short', JINGLE);
    const once = run(path, 1).pads;
    expect(db(rms(once.subarray(0.1 * SEND_RATE, 0.45 * SEND_RATE)))).toBeCloseTo(-9, 0);
    expect(peak(once.subarray(0.5 * SEND_RATE))).toBe(0);
    expect(path.pads.playing).toEqual([]);

    path.pads.play('short', { ...JINGLE, loop: true });
    const looped = run(path, 2).pads;
    expect(db(rms(looped.subarray(0.1 * SEND_RATE, 1.9 * SEND_RATE)))).toBeCloseTo(-9, 0);
    for (let t = 0.5; t < 1.9; t += 0.5) expect(db(rms(looped.subarray(t * SEND_RATE - 240, t * SEND_RATE + 240)))).toBeCloseTo(-9, 0);
  });

  it('fades in over the fade-in time, and a stop fades out over the fade-out time, then ends', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: false });
    path.pads.load('bed', { channels: [sine(1000, -6, 5)] });
    path.pads.play('bed', { ...BED, fadeInMs: 500, fadeOutMs: 1000 });
    const { pads } = run(path, 3.2, (t) => Math.abs(t - 2) < 1e-9 && path.pads.stop('bed'));
    // A quarter of the way into the fade in, a quarter of the level; full at its end.
    expect(db(rms(pads.subarray(0.12 * SEND_RATE, 0.13 * SEND_RATE)))).toBeCloseTo(-9 + db(0.25), 0);
    expect(db(rms(pads.subarray(0.5 * SEND_RATE, 1.9 * SEND_RATE)))).toBeCloseTo(-9, 1);
    expect(db(rms(pads.subarray(2.49 * SEND_RATE, 2.51 * SEND_RATE)))).toBeCloseTo(-9 + db(0.5), 0);
    expect(peak(pads.subarray(3 * SEND_RATE))).toBe(0);
    expect(path.pads.playing).toEqual([]);
  });

  it('plays a stereo pad on both channels in music mode, limited linked with the host', () => {
    const path = new SendPath({ chain: VOICE_PRESET, musicMode: true });
    path.pads.load('stereo', { channels: [sine(440, -6, 2), sine(660, -6, 2)] });
    path.pads.play('stereo', JINGLE);
    const left: number[] = [];
    const right: number[] = [];
    for (let b = 0; b < 100; b++) {
      const out = path.process([new Float32Array(BLOCK), new Float32Array(BLOCK)], SEND_RATE);
      left.push(...out.send[0]!);
      right.push(...out.send[1]!);
    }
    expect(db(toneLevel(Float32Array.from(left).subarray(BLOCK * 10), 440))).toBeCloseTo(-6, 1);
    expect(db(toneLevel(Float32Array.from(right).subarray(BLOCK * 10), 660))).toBeCloseTo(-6, 1);
    expect(db(toneLevel(Float32Array.from(left).subarray(BLOCK * 10), 660))).toBeLessThan(-60);
  });
});
