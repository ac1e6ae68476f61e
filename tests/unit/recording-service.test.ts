// RecordingService on a real disk, every file checked with sox/soxi (an independent reader): formats,
// lengths, alignment between tracks, where the beeps are, pause/resume as one session, low disk.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportRecording } from '../../src/main/services/recording/export';
import type { DiskSpace } from '../../src/main/services/recording/DiskWatch';
import { RecordingService } from '../../src/main/services/recording/RecordingService';
import type { RecordingManifest, RecordingStatus, RecordingSummary } from '../../src/shared/recording';
import { speakerSegments } from '../../src/shared/recording';
import { beepSignal, feed, RATE, sum } from '../support/recording';
import { bursts, soxi, soxSamples, soxStat } from '../support/sox';
import { BEEP_PATTERN } from '../support/wav';

interface Ctx {
  root: string;
  service: RecordingService;
}

const manifestOf = (ctx: Ctx, id: string): RecordingManifest => JSON.parse(readFileSync(join(ctx.root, id, 'manifest.json'), 'utf8'));

describe('RecordingService', () => {
  let ctx: Ctx;
  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'hostline-rec-'));
    ctx = { root, service: new RecordingService({ root, flushIntervalMs: 100 }) };
  });
  afterEach(async () => {
    await ctx.service.close();
    rmSync(ctx.root, { recursive: true, force: true });
  });

  it('records the mix and every voice as aligned 48 kHz WAVs that sox reads, late joiners padded from zero', async () => {
    const { service } = ctx;
    const started = await service.start({ spaceId: 'sp1', title: 'Beeps at noon' });
    const mix = await service.addTrack({ kind: 'mix', name: 'Mix' });
    const host = await service.addTrack({ kind: 'host', name: 'Ada', memberId: 'm-ada' });
    const hostSignal = beepSignal(BEEP_PATTERN.beeps, BEEP_PATTERN.length);
    // Grace comes on stage at 2.0 s and beeps at 2.5 s and 4.35 s (between the host's beeps).
    const graceSignal = beepSignal([{ start: 2.5, duration: 0.3, frequency: 300 }, { start: 4.35, duration: 0.2, frequency: 300 }], BEEP_PATTERN.length);
    const mixSignal = sum(hostSignal, graceSignal);
    feed(service, [{ trackNo: mix.trackNo, signal: mixSignal }, { trackNo: host.trackNo, signal: hostSignal, fromFrame: 0 }], 4800);
    const grace = await service.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'm-grace' });
    feed(service, [{ trackNo: grace.trackNo, signal: graceSignal, fromFrame: 2 * RATE }]);
    await service.addEvent({ atFrame: 2 * RATE, type: 'stage.join', memberId: 'm-grace', name: 'Grace' });
    await service.addEvent({ atFrame: 2.5 * RATE, type: 'speaking.start', memberId: 'm-grace', name: 'Grace' });
    await service.addEvent({ atFrame: 2.8 * RATE, type: 'speaking.stop', memberId: 'm-grace', name: 'Grace' });
    await service.addEvent({ atFrame: 3 * RATE, type: 'marker', label: 'Questions' });
    const summary = await service.stop();

    expect(summary).toMatchObject({ id: started.id, title: 'Beeps at noon', speakers: ['Ada', 'Grace'], recovered: false, status: 'complete' });
    expect(summary.durationSec).toBeCloseTo(BEEP_PATTERN.length, 2);
    const manifest = manifestOf(ctx, summary.id);
    expect(manifest.tracks.map((t) => [t.kind, t.name])).toEqual([['mix', 'Mix'], ['host', 'Ada'], ['speaker', 'Grace']]);
    const files = manifest.tracks.map((t) => join(ctx.root, summary.id, t.file));
    const infos = files.map(soxi);
    for (const info of infos) expect(info).toMatchObject({ rate: 48_000, channels: 1, bits: 32, encoding: 'Floating Point PCM' });
    // Every track the same length (within 10 ms): they line up from zero to the end.
    const lengths = infos.map((i) => i.seconds);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(0.01);
    expect(lengths[0]).toBeCloseTo(BEEP_PATTERN.length, 2);

    // The host's beeps are where they were sent (within 10 ms).
    const hostBursts = bursts(soxSamples(files[1]!), RATE);
    expect(hostBursts).toHaveLength(BEEP_PATTERN.beeps.length);
    hostBursts.forEach((b, i) => {
      expect(Math.abs(b.start - BEEP_PATTERN.beeps[i]!.start)).toBeLessThan(0.01);
      expect(Math.abs(b.end - b.start - BEEP_PATTERN.beeps[i]!.duration)).toBeLessThan(0.01);
    });
    // Grace's track is digital silence until she came on stage, then her beeps at 2.5 s and 4.0 s.
    expect(soxStat(files[2]!, { from: 0, to: 2.0 })['Maximum amplitude']).toBe(0);
    expect(bursts(soxSamples(files[2]!), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([2.5, 4.35]);
    // The mix holds both.
    expect(bursts(soxSamples(files[0]!), RATE).length).toBe(BEEP_PATTERN.beeps.length + 2);

    expect(manifest.events.map((e) => [e.type, e.at])).toEqual([
      ['stage.join', 2],
      ['speaking.start', 2.5],
      ['speaking.stop', 2.8],
      ['marker', 3],
    ]);
    expect(speakerSegments(manifest.events, manifest.durationSec)).toEqual([{ memberId: 'm-grace', name: 'Grace', start: 2.5, end: 2.8 }]);
    expect(await service.list()).toEqual([summary]);
  });

  it('pausing and resuming keeps one session with markers, and the paused audio is left out', async () => {
    const { service } = ctx;
    const { id } = await service.start({ spaceId: 'sp1', title: 'Paused show' });
    const host = await service.addTrack({ kind: 'host', name: 'Ada', memberId: 'm-ada' });
    // On the audio clock: beeps at 0.5 s, 1.5 s (during the pause) and 2.5 s; paused from 1.0 s to 2.0 s.
    const signal = beepSignal([0.5, 1.5, 2.5].map((start) => ({ start, duration: 0.2, frequency: 500 })), 3.0);
    feed(service, [{ trackNo: host.trackNo, signal: signal.subarray(0, RATE) }]);
    await service.pause(RATE);
    expect(service.status().state).toBe('paused');
    // Chunks of the paused stretch still in flight arrive, and are dropped.
    feed(service, [{ trackNo: host.trackNo, signal: signal.subarray(0, 2 * RATE) }]);
    await service.resume(2 * RATE);
    feed(service, [{ trackNo: host.trackNo, signal }]);
    await service.stop();

    const manifest = manifestOf(ctx, id);
    expect(manifest.tracks).toHaveLength(1);
    const file = join(ctx.root, id, manifest.tracks[0]!.file);
    expect(soxi(file).seconds).toBeCloseTo(2.0, 3);
    expect(bursts(soxSamples(file), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([0.5, 1.5]);
    expect(manifest.events.map((e) => [e.type, e.at])).toEqual([['pause', 1], ['resume', 1]]);
  });

  it('stop at a frame of the audio clock ends every track exactly there', async () => {
    const { service } = ctx;
    const { id } = await service.start({ spaceId: 'sp1', title: 'Clean end', originFrame: 1000 });
    await service.addTrack({ kind: 'mix', name: 'Mix' });
    await service.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    // The taps' last chunks reach different frames; the stop frame is the same for all.
    service.append(0, 1000, new Float32Array(RATE + 4000).fill(0.1));
    service.append(1, 1000, new Float32Array(RATE - 2000).fill(0.1));
    await service.stop('user', undefined, 1000 + RATE);
    for (const t of manifestOf(ctx, id).tracks) expect(soxi(join(ctx.root, id, t.file)).samples).toBe(RATE);
  });

  it('warns with the minutes left when the disk runs low, and stops cleanly before it is full', async () => {
    let free = 10 * 1024 ** 3;
    const statuses: RecordingStatus[] = [];
    const stopped: RecordingSummary[] = [];
    ctx.service = new RecordingService({
      root: ctx.root,
      flushIntervalMs: 50,
      reserveBytes: 100 * 1024 ** 2,
      warnMinutes: 15,
      diskSpace: async (): Promise<DiskSpace> => ({ free }),
    });
    const { service } = ctx;
    service.on('status', (s) => statuses.push(s));
    service.on('stopped', (s) => stopped.push(s));
    const { id } = await service.start({ spaceId: 'sp1', title: 'Tight disk' });
    for (let i = 0; i < 4; i++) await service.addTrack({ kind: 'speaker', name: `S${i}`, memberId: `m${i}` });
    feed(service, [0, 1, 2, 3].map((trackNo) => ({ trackNo, signal: beepSignal([{ start: 0.2, duration: 0.2, frequency: 400 }], 1) })));
    // 4 tracks take 768 kB/s: 10 GiB minus the reserve is about 230 minutes.
    await expect.poll(() => service.status().minutesLeft ?? 0).toBeGreaterThan(200);
    expect(service.status().lowDisk).toBe(false);
    free = 100 * 1024 ** 2 + 768_000 * 60 * 5;
    await expect.poll(() => service.status().lowDisk).toBe(true);
    expect(service.status().minutesLeft).toBeCloseTo(5, 1);
    free = 50 * 1024 ** 2;
    await expect.poll(() => stopped.length).toBe(1);
    expect(stopped[0]).toMatchObject({ id, stopReason: 'disk-full', status: 'complete' });
    expect(service.status()).toMatchObject({ state: 'idle', stoppedBecause: 'disk-full' });
    expect(statuses.some((s) => s.lowDisk && s.state === 'recording')).toBe(true);
    // What was recorded is intact.
    for (const t of manifestOf(ctx, id).tracks) expect(soxi(join(ctx.root, id, t.file)).seconds).toBeCloseTo(1, 2);
  });

  it('gives tracks added at the same moment their own numbers, and a member back on stage their old track', async () => {
    await ctx.service.start({ spaceId: 'sp1', title: 'Busy start' });
    const added = await Promise.all([
      ctx.service.addTrack({ kind: 'mix', name: 'Mix' }),
      ctx.service.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' }),
      ctx.service.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'g' }),
      ctx.service.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'g' }),
    ]);
    expect(added.map((a) => a.trackNo)).toEqual([0, 1, 2, 2]);
    expect(ctx.service.status().tracks).toBe(3);
  });

  it('refuses a batch that names a track it does not have, and bad framing', async () => {
    await ctx.service.start({ spaceId: 'sp1', title: 'x' });
    await ctx.service.addTrack({ kind: 'mix', name: 'Mix' });
    const { encodeAudioBatch } = await import('../../src/shared/recording');
    const batch = new Uint8Array(encodeAudioBatch([{ trackNo: 7, frame: 0, samples: new Float32Array(10) }]));
    expect(() => ctx.service.appendBatch(batch)).toThrow(/no track 7/);
    expect(() => ctx.service.appendBatch(batch.subarray(0, 20))).toThrow(/truncated/);
    const good = new Uint8Array(encodeAudioBatch([{ trackNo: 0, frame: 0, samples: new Float32Array(480).fill(0.25) }]));
    expect(ctx.service.appendBatch(good).seconds).toBeCloseTo(0.01, 5);
  });

  it('exports the mix and stems trimmed, as 24-bit WAV, with chapters as JSON and a CUE sheet', async () => {
    const { service } = ctx;
    const { id } = await service.start({ spaceId: 'sp1', title: 'Export me' });
    const mix = await service.addTrack({ kind: 'mix', name: 'Mix' });
    const host = await service.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    const guest = await service.addTrack({ kind: 'speaker', name: 'Grace Hopper', memberId: 'g' });
    const hostSignal = beepSignal([{ start: 1.0, duration: 0.2, frequency: 600 }, { start: 5.0, duration: 0.2, frequency: 600 }], 8);
    const guestSignal = beepSignal([{ start: 3.0, duration: 0.4, frequency: 300 }], 8);
    feed(service, [
      { trackNo: mix.trackNo, signal: sum(hostSignal, guestSignal) },
      { trackNo: host.trackNo, signal: hostSignal },
      { trackNo: guest.trackNo, signal: guestSignal },
    ]);
    await service.addEvent({ atFrame: 1 * RATE, type: 'marker', label: 'Too early' });
    await service.addEvent({ atFrame: 2.5 * RATE, type: 'marker', label: 'Intro "Grace"' });
    await service.addEvent({ atFrame: 4.5 * RATE, type: 'marker' });
    await service.stop();

    const result = await exportRecording(service, id, { start: 2, end: 6, stems: true });
    expect(result.files).toEqual(['mix.wav', 'Ada.wav', 'Grace-Hopper.wav', 'chapters.json', 'chapters.cue']);
    for (const f of ['mix.wav', 'Ada.wav', 'Grace-Hopper.wav']) {
      expect(soxi(join(result.dir, f))).toMatchObject({ rate: 48_000, channels: 1, bits: 24, samples: 4 * RATE });
    }
    // Trimmed at 2 s: the guest's beep (3.0 s) is at 1.0 s, the host's second (5.0 s) at 3.0 s.
    expect(bursts(soxSamples(join(result.dir, 'Grace-Hopper.wav')), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([1.0]);
    expect(bursts(soxSamples(join(result.dir, 'Ada.wav')), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([3.0]);
    expect(bursts(soxSamples(join(result.dir, 'mix.wav')), RATE).map((b) => Number(b.start.toFixed(2)))).toEqual([1.0, 3.0]);

    const chapters = JSON.parse(readFileSync(join(result.dir, 'chapters.json'), 'utf8'));
    expect(chapters).toMatchObject({
      title: 'Export me',
      durationSec: 4,
      chapters: [
        { title: 'Export me', start: 0, time: '0:00:00.000' },
        { title: 'Intro "Grace"', start: 0.5, time: '0:00:00.500' },
        { title: 'Marker 2', start: 2.5, time: '0:00:02.500' },
      ],
    });
    expect(readFileSync(join(result.dir, 'chapters.cue'), 'utf8')).toBe(
      [
        'TITLE "Export me"',
        'FILE "mix.wav" WAVE',
        '  TRACK 01 AUDIO',
        '    TITLE "Export me"',
        '    INDEX 01 00:00:00',
        '  TRACK 02 AUDIO',
        "    TITLE \"Intro 'Grace'\"",
        '    INDEX 01 00:00:38',
        '  TRACK 03 AUDIO',
        '    TITLE "Marker 2"',
        '    INDEX 01 00:02:38',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(result.dir, 'Export-me.wav'))).toBe(false);
  });
});
