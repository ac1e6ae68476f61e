// Take: one recording in progress, on a real disk; its files read back with sox and as JSON.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Take } from '../../src/main/services/recording/Take';
import type { RecordingManifest, TimelineEvent } from '../../src/shared/recording';
import { beepSignal, RATE } from '../support/recording';
import { bursts, soxi, soxSamples } from '../support/sox';

interface Ctx {
  root: string;
  take: Take;
}

const bytesOf = (samples: Float32Array) => new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
const manifestOnDisk = (take: Take): RecordingManifest => JSON.parse(readFileSync(join(take.dir, 'manifest.json'), 'utf8'));

describe('Take', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    const root = mkdtempSync(join(tmpdir(), 'hostline-take-'));
    ctx = { root, take: await Take.begin(root, { spaceId: 'sp1', title: 'Morning: show #1' }, Date.UTC(2025, 0, 2, 9, 30, 5)) };
  });
  afterEach(async () => {
    if (!ctx.take.finished) await ctx.take.finish('closed');
    rmSync(ctx.root, { recursive: true, force: true });
  });

  it('Take.begin() names its folder by start time and title, and writes a manifest at once', async () => {
    expect(ctx.take.id).toBe('2025-01-02_09-30-05_Morning-show-1');
    expect(manifestOnDisk(ctx.take)).toMatchObject({ version: 1, status: 'recording', title: 'Morning: show #1', tracks: [], events: [] });
    // A second take in the same second gets a folder of its own.
    const again = await Take.begin(ctx.root, { spaceId: 'sp1', title: 'Morning: show #1' }, Date.UTC(2025, 0, 2, 9, 30, 5));
    expect(again.id).toBe('2025-01-02_09-30-05_Morning-show-1-2');
    await again.finish('user');
  });

  it('take.addTrack() lists the track in the manifest before any audio, and a member keeps their track', async () => {
    const { take } = ctx;
    const added = await Promise.all([
      take.addTrack({ kind: 'mix', name: 'Mix' }),
      take.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' }),
      take.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'g' }),
      take.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'g' }),
    ]);
    expect(added.map((a) => a.trackNo)).toEqual([0, 1, 2, 2]);
    expect(manifestOnDisk(take).tracks.map((t) => t.file)).toEqual(['mix.wav', '01-host-Ada.wav', '02-speaker-Grace.wav']);
    expect(take.trackCount).toBe(3);
  });

  it('take.place() refuses a track it does not have', () => {
    expect(() => ctx.take.place(4, 0, 1, new Uint8Array(4))).toThrow(/no track 4/);
  });

  it('take.pause() and take.resume() leave the paused stretch of the clock out of every track', async () => {
    const { take } = ctx;
    const { trackNo } = await take.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    const signal = beepSignal([0.25, 1.25, 2.25].map((start) => ({ start, duration: 0.2, frequency: 440 })), 3);
    take.place(trackNo, 0, RATE, bytesOf(signal.subarray(0, RATE)));
    expect(await take.pause(RATE)).toBe(true);
    expect(await take.pause(RATE)).toBe(false);
    expect(manifestOnDisk(take).status).toBe('paused');
    take.place(trackNo, RATE, RATE, bytesOf(signal.subarray(RATE, 2 * RATE)));
    expect(await take.resume(2 * RATE)).toBe(true);
    take.place(trackNo, 2 * RATE, RATE, bytesOf(signal.subarray(2 * RATE)));
    // An event after the pause is placed on the recording's own time.
    await take.addEvent({ atFrame: 2.5 * RATE, type: 'marker', label: 'After the break' });
    const { manifest } = await take.finish('user');

    const file = join(take.dir, manifest.tracks[0]!.file);
    expect(soxi(file).seconds).toBeCloseTo(2, 3);
    expect(bursts(soxSamples(file), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([0.25, 1.25]);
    expect(manifest.events.map((e) => [e.type, e.at])).toEqual([['pause', 1], ['resume', 1], ['marker', 1.5]]);
  });

  it('take.addEvent() appends the timeline to events.jsonl as it happens, for recovery', async () => {
    const { take } = ctx;
    await take.addEvent({ atFrame: RATE, type: 'stage.join', memberId: 'g', name: 'Grace' });
    await take.addEvent({ atFrame: 2 * RATE, type: 'marker' });
    const lines = readFileSync(join(take.dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineEvent);
    expect(lines).toEqual([{ at: 1, type: 'stage.join', memberId: 'g', name: 'Grace' }, { at: 2, type: 'marker' }]);
    // The manifest holds the timeline only once the take is complete.
    expect(manifestOnDisk(take).events).toEqual([]);
  });

  it('take.finish() ends every track at the same frame, completes the manifest and drops the event log', async () => {
    const { take } = ctx;
    await take.addTrack({ kind: 'mix', name: 'Mix' });
    await take.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    take.place(0, 0, RATE + 4000, bytesOf(new Float32Array(RATE + 4000).fill(0.1)));
    take.place(1, 0, RATE - 2000, bytesOf(new Float32Array(RATE - 2000).fill(0.1)));
    await take.addEvent({ atFrame: RATE / 2, type: 'marker' });
    const { manifest, failure } = await take.finish('user', RATE);
    expect(failure).toBeUndefined();
    for (const t of manifest.tracks) expect(soxi(join(take.dir, t.file)).samples).toBe(RATE);
    expect(manifestOnDisk(take)).toMatchObject({ status: 'complete', stopReason: 'user', durationSec: 1, events: [{ type: 'marker', at: 0.5 }] });
    expect(() => readFileSync(join(take.dir, 'events.jsonl'))).toThrow(/ENOENT/);
    await expect(take.addTrack({ kind: 'speaker', name: 'Late', memberId: 'l' })).rejects.toThrow(/has stopped/);
    await expect(take.finish('user')).rejects.toThrow(/has stopped/);
  });
});
