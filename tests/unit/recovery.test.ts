// Recovery of interrupted recordings: folders a crash left mid-take (a torn WAV header, a torn last
// sample, a torn timeline line) are completed and marked recovered; sox reads the repaired files.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingLibrary } from '../../src/main/services/recording/RecordingLibrary';
import { recoverInterrupted } from '../../src/main/services/recording/Recovery';
import { Take } from '../../src/main/services/recording/Take';
import type { RecordingManifest } from '../../src/shared/recording';
import { beepSignal, RATE } from '../support/recording';
import { bursts, soxi, soxSamples } from '../support/sox';

const bytesOf = (samples: Float32Array) => new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);

interface Ctx {
  root: string;
  /** Takes left running, as a crash leaves them (closed in afterEach only to free the handles). */
  open: Take[];
}

/** A take that was recording when the process died: flushed once, then more audio written after. */
async function interrupted(ctx: Ctx, title: string): Promise<Take> {
  const take = await Take.begin(ctx.root, { spaceId: 'sp', title }, Date.now());
  ctx.open.push(take);
  await take.addTrack({ kind: 'mix', name: 'Mix' });
  await take.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
  const signal = beepSignal([{ start: 0.5, duration: 0.2, frequency: 500 }, { start: 1.5, duration: 0.2, frequency: 500 }], 2);
  take.place(0, 0, 2 * RATE, bytesOf(signal));
  take.place(1, 0, RATE, bytesOf(signal.subarray(0, RATE)));
  await take.addEvent({ atFrame: RATE, type: 'marker', label: 'Halfway' });
  await take.flush();
  return take;
}

describe('recoverInterrupted()', () => {
  let ctx: Ctx;
  beforeEach(() => {
    ctx = { root: mkdtempSync(join(tmpdir(), 'hostline-recovery-')), open: [] };
  });
  afterEach(async () => {
    for (const take of ctx.open) if (!take.finished) await take.finish('closed').catch(() => undefined);
    rmSync(ctx.root, { recursive: true, force: true });
  });

  it('completes an interrupted take: headers repaired, tracks padded to end together, the timeline kept', async () => {
    const take = await interrupted(ctx, 'Crashed');
    // The crash tore the mix's last sample and the timeline's last line.
    const mixFile = join(take.dir, 'mix.wav');
    truncateSync(mixFile, 58 + 2 * RATE * 4 - 2);
    appendFileSync(join(take.dir, 'events.jsonl'), '{"at":1.9,"type":"mar');

    const recovered = await recoverInterrupted(ctx.root);
    expect(recovered).toMatchObject([{ id: take.id, title: 'Crashed', recovered: true, status: 'complete', stopReason: 'recovered', speakers: ['Ada'] }]);
    const manifest = JSON.parse(readFileSync(join(take.dir, 'manifest.json'), 'utf8')) as RecordingManifest;
    expect(manifest.events).toEqual([{ at: 1, type: 'marker', label: 'Halfway' }]);
    const lengths = manifest.tracks.map((t) => soxi(join(take.dir, t.file)).samples);
    // The torn sample is cut; the host's shorter track is padded with silence to the same end.
    expect(lengths).toEqual([2 * RATE - 1, 2 * RATE - 1]);
    expect(manifest.durationSec).toBeCloseTo(2, 3);
    expect(bursts(soxSamples(mixFile), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([0.5, 1.5]);
    expect(bursts(soxSamples(join(take.dir, manifest.tracks[1]!.file)), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([0.5]);
    expect(() => readFileSync(join(take.dir, 'events.jsonl'))).toThrow(/ENOENT/);
    // The library offers it; a second scan finds nothing left to repair.
    expect((await new RecordingLibrary(ctx.root).list()).map((r) => [r.id, r.recovered])).toEqual([[take.id, true]]);
    expect(await recoverInterrupted(ctx.root)).toEqual([]);
  });

  it('rewrites a track whose header never reached the disk as an empty track', async () => {
    const take = await interrupted(ctx, 'No header');
    writeFileSync(join(take.dir, 'mix.wav'), Buffer.alloc(20));
    const [summary] = await recoverInterrupted(ctx.root);
    expect(summary).toMatchObject({ recovered: true });
    // The empty mix is padded up to the host's second, so both still line up.
    expect(soxi(join(take.dir, 'mix.wav')).samples).toBe(RATE);
  });

  it('leaves alone complete recordings, the take still running, and folders without a manifest', async () => {
    const done = await Take.begin(ctx.root, { spaceId: 'sp', title: 'Done' }, Date.now() - 60_000);
    await done.finish('user');
    const running = await interrupted(ctx, 'Still running');
    expect(await recoverInterrupted(ctx.root, running.id)).toEqual([]);
    expect(JSON.parse(readFileSync(join(running.dir, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'recording', recovered: false });
    expect(await recoverInterrupted(join(ctx.root, 'missing'))).toEqual([]);
  });
});
