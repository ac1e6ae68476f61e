// The console's send path as its chain worker runs it, block by 10 ms block: what reaches the Stage.
import { describe, expect, it } from 'vitest';
import { VOICE_PRESET, STAGE_IDS, type ChainSettings } from '../../src/shared/console-settings';
import { SendPath, SEND_RATE } from '../../src/renderer/audio/dsp/SendPath';
import { createRnnoise } from '../support/rnnoise';
import { db, peak, pinkNoise, rms, sine, toneLevel } from '../support/signals';

const BYPASSED: ChainSettings = (() => {
  const chain = structuredClone(VOICE_PRESET);
  for (const id of STAGE_IDS) chain[id].bypass = true;
  return chain;
})();

/** Feeds planar channels through the path in 10 ms blocks; returns what went to the Stage and the voice feed. */
function run(path: SendPath, channels: Float32Array[], rate: number, each?: (block: number) => void) {
  const block = rate / 100;
  const send: number[][] = [];
  const voice: number[] = [];
  for (let b = 0; (b + 1) * block <= channels[0]!.length; b++) {
    each?.(b);
    const out = path.process(channels.map((c) => c.slice(b * block, (b + 1) * block)), rate);
    out.send.forEach((c, i) => (send[i] ??= []).push(...c));
    voice.push(...out.voice);
  }
  return { send: send.map((c) => Float32Array.from(c)), voice: Float32Array.from(voice) };
}

describe('SendPath', () => {
  it('sends a 44.1 kHz stereo microphone as 48 kHz mono, 480 samples every 10 ms, the voice unchanged', () => {
    const path = new SendPath({ chain: BYPASSED, musicMode: false });
    const left = sine(440, -12, 1, 44_100);
    const out = path.process([left.subarray(0, 441), left.subarray(0, 441)], 44_100);
    expect(out.send).toHaveLength(1);
    expect(out.send[0]).toHaveLength(480);
    const { send } = run(new SendPath({ chain: BYPASSED, musicMode: false }), [left, left], 44_100);
    expect(db(toneLevel(send[0]!.subarray(4800), 440))).toBeCloseTo(-12, 1);
  });

  it('runs the chain in the host’s order: the limiter holds its ceiling, RNNoise only where it is on', async () => {
    const loud = sine(300, 0, 1);
    const limited = run(new SendPath({ chain: { ...BYPASSED, limiter: { bypass: false, ceilingDb: -6, releaseMs: 50 } }, musicMode: false }), [loud], SEND_RATE);
    expect(db(peak(limited.send[0]!.subarray(4800)))).toBeLessThanOrEqual(-6 + 1e-3);

    const noise = pinkNoise(-50, 3);
    const on = new SendPath({ chain: { ...BYPASSED, noiseSuppression: { bypass: false } }, musicMode: false });
    on.setNoiseSuppressor(await createRnnoise());
    const off = new SendPath({ chain: BYPASSED, musicMode: false });
    off.setNoiseSuppressor(await createRnnoise());
    const quieter = db(rms(run(off, [noise], SEND_RATE).send[0]!.subarray(SEND_RATE))) - db(rms(run(on, [noise], SEND_RATE).send[0]!.subarray(SEND_RATE)));
    expect(quieter).toBeGreaterThan(20);
  });

  it('mutes within 50 ms without a click, and the voice detector still hears the voice', () => {
    const path = new SendPath({ chain: BYPASSED, musicMode: false });
    const voice = sine(200, -6, 1);
    const { send, voice: feed } = run(path, [voice], SEND_RATE, (b) => b === 50 && path.setTalking(false));
    // The gate glides (10 ms time constant): 40 dB down 50 ms after the press, silent soon after.
    expect(db(peak(send[0]!.subarray(0.55 * SEND_RATE)))).toBeLessThan(-6 - 40);
    expect(peak(send[0]!.subarray(0.65 * SEND_RATE))).toBe(0);
    let step = 0;
    for (let i = 1; i < send[0]!.length; i++) step = Math.max(step, Math.abs(send[0]![i]! - send[0]![i - 1]!));
    // A 200 Hz sine at -6 dBFS moves at most 0.013 per sample; a click would jump far more.
    expect(step).toBeLessThan(0.02);
    expect(db(rms(feed.subarray(0.6 * SEND_RATE)))).toBeCloseTo(-6 - 3.01, 0);
  });

  it('in music mode sends both channels apart, limited together, and ignores the voice gate', () => {
    const path = new SendPath({ chain: { ...VOICE_PRESET, limiter: { bypass: true, ceilingDb: -1, releaseMs: 60 } }, musicMode: true });
    path.setVoiceGateOpen(false);
    const left = sine(440, 0, 1, 44_100);
    const right = sine(1000, -20, 1, 44_100);
    const { send } = run(path, [left, right], 44_100);
    expect(send).toHaveLength(2);
    const [l, r] = [send[0]!.subarray(4800), send[1]!.subarray(4800)];
    // The limiter runs even if the voice chain had it off, and brings the loud left side under -1 dBFS.
    expect(db(peak(l))).toBeLessThanOrEqual(-1 + 1e-3);
    // Each side keeps its own tone; the other side's is 60 dB down or more.
    expect(db(toneLevel(l, 440))).toBeGreaterThan(-2);
    expect(db(toneLevel(r, 1000))).toBeGreaterThan(-22);
    expect(db(toneLevel(l, 1000))).toBeLessThan(-80);
    expect(db(toneLevel(r, 440))).toBeLessThan(-80);
  });
});
