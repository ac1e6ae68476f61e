// One speaker's replay track: packets placed by their RTP timestamps on the replay's clock, gaps filled
// with silence, discontinuities and drift handled, duplicates dropped; the Ogg Opus file stays valid and
// resumes after a torn write. Lengths are read back with ffprobe/ffmpeg where the file is the point.
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OggOpusWriter } from '../../src/server/replay/OggOpusWriter';
import { opusPacketSamples, silencePackets } from '../../src/server/replay/opus';
import { ReplayTrack } from '../../src/server/replay/ReplayTrack';
import { decodedSeconds, requireFfmpeg } from '../support/ffmpeg';

const dir = mkdtempSync(join(tmpdir(), 'hostline-replay-track-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 20 ms CELT packet (it decodes to silence, but counts as sound here). */
const PACKET = Buffer.from([0xf8, 0xff, 0xfe]);
let files = 0;
const track = () => new ReplayTrack(OggOpusWriter.create(join(dir, `t${files++}.opus`), { channels: 2, title: 't' }));

/** Sends `count` 20 ms packets from `ts`, arriving `arrivalStepMs` apart from `atMs`. */
function feed(t: ReplayTrack, count: number, ts: number, atMs: number, arrivalStepMs = 20, jitter: (i: number) => number = () => 0) {
  for (let i = 0; i < count; i++) t.add({ payload: PACKET, timestamp: (ts + i * 960) >>> 0, positionMs: atMs + i * arrivalStepMs + jitter(i) });
}

describe('opus packet lengths', () => {
  it('reads frame sizes and counts from the TOC byte', () => {
    expect(opusPacketSamples(Buffer.from([0xf8, 0xff]))).toBe(960); // CELT 20 ms, one frame
    expect(opusPacketSamples(Buffer.from([(1 << 3) | 1]))).toBe(1920); // SILK 20 ms, two frames
    expect(opusPacketSamples(Buffer.from([(3 << 3) | 3, 2]))).toBe(2 * 2880); // SILK 60 ms × 2
    expect(opusPacketSamples(Buffer.from([(3 << 3) | 3, 5]))).toBe(0); // 300 ms: not valid
    expect(opusPacketSamples(Buffer.alloc(0))).toBe(0);
    expect(silencePackets(960 * 2 + 120 * 3 + 50).map((p) => p.samples)).toEqual([960, 960, 240, 120]);
  });
});

describe('ReplayTrack', () => {
  it('fills with silence up to the first packet and keeps packets on their timestamps despite jitter', () => {
    const t = track();
    // First packet arrives 1 s into the replay; arrivals wobble by up to 15 ms.
    feed(t, 50, 123_456, 1000, 20, (i) => (i % 3) * 7);
    expect(t.writer.granule).toBe(48_000 + 50 * 960);
    expect(t.stats).toMatchObject({ packets: 50, dropped: 0, reanchors: 0 });
  });

  it('a jump of the arrivals from the timestamps (a new run of audio) re-anchors at the arrival', () => {
    const t = track();
    feed(t, 10, 0, 0);
    // The same timestamps go on, but the packets arrive 2 s later (the producer was paused).
    feed(t, 10, 10 * 960, 2200);
    expect(t.stats.reanchors).toBe(1);
    expect(t.endMs).toBeCloseTo(2200 + 200, 0);
  });

  it('corrects a sender clock that drifts from ours, by the least-delayed arrivals', () => {
    const t = track();
    // Arrivals 0.5 % slower than the timestamps: 10 ms late after 2 s, 80 ms after 16 s.
    feed(t, 800, 0, 0, 20.1);
    expect(t.stats.driftCorrections).toBeGreaterThan(0);
    // Placed within the drift limit (30 ms) plus what drifts within a window (2 s: 10 ms, twice for the
    // window under way) of where the arrivals say; uncorrected it would be 80 ms early.
    expect(Math.abs(t.endMs - 800 * 20.1)).toBeLessThanOrEqual(52);
  });

  it('drops duplicates and packets that come too late', () => {
    const t = track();
    feed(t, 10, 0, 0);
    feed(t, 3, 5 * 960, 250); // already written
    expect(t.stats).toMatchObject({ packets: 10, dropped: 3 });
    expect(t.writer.granule).toBe(10 * 960);
  });

  it('starting a new run places the next packet at its arrival, and padTo fills to a length', () => {
    const t = track();
    feed(t, 5, 1000, 0);
    t.newRun();
    feed(t, 5, 999_999, 500);
    expect(t.writer.granule).toBe(500 * 48 + 5 * 960);
    t.padTo(1000);
    expect(t.writer.granule).toBe(48_000);
  });
});

describe('OggOpusWriter', () => {
  it('writes a file ffmpeg decodes to the exact length, even before it is closed', () => {
    requireFfmpeg();
    const path = join(dir, 'valid.opus');
    const w = OggOpusWriter.create(path, { channels: 2, title: 'x' });
    for (const s of silencePackets(48_000 * 2)) w.write(s.packet, s.samples);
    w.flush();
    expect(decodedSeconds(path)).toBeCloseTo(2, 2);
    for (const s of silencePackets(48_000)) w.write(s.packet, s.samples);
    w.close();
    expect(decodedSeconds(path)).toBeCloseTo(3, 2);
  });

  it('resume cuts off a torn page left by a crash and carries on from the last complete one', () => {
    const path = join(dir, 'torn.opus');
    const w = OggOpusWriter.create(path, { channels: 2, title: 'x' });
    for (const s of silencePackets(48_000)) w.write(s.packet, s.samples);
    w.flush();
    const good = statSync(path).size;
    w.close(false);
    appendFileSync(path, Buffer.from('OggS\x00\x00 half a page'));
    const r = OggOpusWriter.resume(path)!;
    expect(r.granule).toBe(48_000);
    expect(statSync(path).size).toBe(good);
    for (const s of silencePackets(48_000)) r.write(s.packet, s.samples);
    r.close();
    expect(decodedSeconds(path)).toBeCloseTo(2, 2);
  });

  it('resume of a file that never got its headers gives nothing to continue', () => {
    const path = join(dir, 'empty.opus');
    appendFileSync(path, Buffer.alloc(0));
    expect(OggOpusWriter.resume(path)).toBeUndefined();
  });
});
