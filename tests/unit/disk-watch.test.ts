// DiskWatch: the running take made durable on every tick, the minutes left, and a clean stop before the
// disk is full or after a write fails. A fake disk reports free space; the take is real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskWatch, diskReport, type DiskReport } from '../../src/main/services/recording/DiskWatch';
import { Take } from '../../src/main/services/recording/Take';
import { RATE } from '../support/recording';
import { soxi } from '../support/sox';

const MB = 1024 ** 2;

interface Ctx {
  root: string;
  take: Take;
  free: number;
  watch: DiskWatch;
  reports: DiskReport[];
  stops: Array<[string, string]>;
}

describe('DiskWatch', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    const root = mkdtempSync(join(tmpdir(), 'hostline-diskwatch-'));
    const take = await Take.begin(root, { spaceId: 'sp1', title: 'Watched' }, Date.now());
    const watch = new DiskWatch(take, { intervalMs: 40, reserveBytes: 100 * MB, warnMinutes: () => 15, diskSpace: async () => ({ free: ctx.free }) });
    ctx = { root, take, watch, free: 10 * 1024 * MB, reports: [], stops: [] };
    watch.on('report', (r) => ctx.reports.push(r));
    watch.on('stop', (reason, message) => ctx.stops.push([reason, message]));
  });
  afterEach(async () => {
    ctx.watch.close();
    if (!ctx.take.finished) await ctx.take.finish('closed');
    rmSync(ctx.root, { recursive: true, force: true });
  });

  it('diskReport() counts minutes at 192 kB/s a track above the reserve, and warns under the limit', () => {
    // 4 tracks: 768 kB/s; 5 minutes is 230.4 MB above the reserve.
    expect(diskReport(100 * MB + 768_000 * 300, 4, 100 * MB, 15)).toEqual({ freeBytes: 100 * MB + 768_000 * 300, minutesLeft: 5, lowDisk: true });
    expect(diskReport(100 * MB + 768_000 * 1200, 4, 100 * MB, 15).lowDisk).toBe(false);
    // No track yet counts as one; below the reserve there is nothing left.
    expect(diskReport(100 * MB + 192_000 * 60, 0, 100 * MB, 15).minutesLeft).toBeCloseTo(1, 6);
    expect(diskReport(50 * MB, 2, 100 * MB, 15).minutesLeft).toBe(0);
  });

  it('each tick makes the audio durable: the WAV header on disk counts what arrived', async () => {
    const { take, watch } = ctx;
    const { trackNo } = await take.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    const file = join(take.dir, take.manifest.tracks[trackNo]!.file);
    take.place(trackNo, 0, RATE / 2, new Uint8Array(new Float32Array(RATE / 2).fill(0.2).buffer));
    // soxi reads the header: until a flush patches it, the track claims no samples.
    await new Promise((r) => setTimeout(r, 100));
    expect(soxi(file).samples).toBe(0);
    watch.start();
    await expect.poll(() => soxi(file).samples, { timeout: 10_000 }).toBe(RATE / 2);
    expect(ctx.reports.at(-1)).toMatchObject({ freeBytes: 10 * 1024 * MB, lowDisk: false });
  });

  it('asks for a stop when the free space falls below the reserve, and reports nothing after close()', async () => {
    const { watch } = ctx;
    watch.start();
    await expect.poll(() => ctx.reports.length, { timeout: 5000 }).toBeGreaterThan(0);
    ctx.free = 50 * MB;
    await expect.poll(() => ctx.stops.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(ctx.stops[0]).toEqual(['disk-full', 'stopped: the disk is nearly full (52 MB left)']);
    watch.close();
    const seen = ctx.reports.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(ctx.reports.length).toBe(seen);
  });

  it('asks for a stop naming a write error when the take cannot be made durable', async () => {
    ctx.watch.close();
    const failing = new DiskWatch(ctx.take, { intervalMs: 20, reserveBytes: 0, warnMinutes: () => 15, diskSpace: async () => Promise.reject(new Error('EIO: the disk went away')) });
    const stops: string[] = [];
    failing.on('stop', (reason, message) => stops.push(`${reason}: ${message}`));
    failing.start();
    await expect.poll(() => stops[0], { timeout: 5000 }).toBe('write-error: EIO: the disk went away');
    failing.close();
  });
});
