// Recording a replay on the server, through the real path short of a browser: speakers on a real
// mediasoup router send real Opus (ffmpeg-encoded beep patterns) as RTP; the stage tap and the
// recorder write each speaker's track; the packager mixes them. The files are read with ffprobe,
// ffmpeg and sox, never our own parser: length, and each speaker's beeps where they were sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReplayTimeline } from '../../src/shared/replay';
import { Logger } from '../../src/server/logger';
import type { Member } from '../../src/server/Member';
import { RecordingFolder } from '../../src/server/replay/RecordingFolder';
import { finishInterrupted, MASTER_AUDIO, packageReplay, publishView, REPLAY_AUDIO } from '../../src/server/replay/ReplayPackager';
import { ReplayRecorder } from '../../src/server/replay/ReplayRecorder';
import type { Space } from '../../src/server/Space';
import { decodeToWav, decodedSeconds, encodeOpus, ffprobe, requireFfmpeg } from '../support/ffmpeg';
import { frameLevels, levelsOf } from '../support/levels';
import { oggPackets } from '../support/ogg';
import { HIGH_BAND, HIGH_PATTERN, LOW_BAND } from '../support/replayPatterns';
import { plainProducer, type PlainProducer } from '../support/plainProducer';
import { bursts, soxSamples } from '../support/sox';
import { spaceContext, type SpaceContext } from '../support/spaceContext';
import { BEEP_PATTERN, writeBeepWav, type Beep } from '../support/wav';

/** Beeps must be found within this of where they were sent (the bound). */
const TOLERANCE_S = 0.02;

interface Source {
  packets: Buffer[];
  /** Per 20 ms packet: the source's level in -dBov, as a browser's encoder would report it. */
  levels: number[];
}

/**
 * Checks that every beep of `pattern` is found where it was sent (from `offsetS`), cycle after cycle
 * of `cycleS` (the encoded file's length: the pattern plus the encoder's padding to whole packets).
 */
function expectBeepsAt(found: Array<{ start: number; end: number }>, pattern: { beeps: Beep[] }, cycleS: number, offsetS: number, untilS: number) {
  let checked = 0;
  for (let cycle = 0; ; cycle++) {
    for (const beep of pattern.beeps) {
      const at = offsetS + cycle * cycleS + beep.start;
      if (at + beep.duration > untilS) return checked;
      const burst = found.find((b) => Math.abs(b.start - at) < 0.1);
      const report = found.map((b) => `${b.start.toFixed(3)}-${b.end.toFixed(3)}`).join(' ');
      expect(burst, `a beep at ${at.toFixed(3)} s; found ${report}`).toBeDefined();
      expect(Math.abs(burst!.start - at), `onset of the beep at ${at.toFixed(3)} s; found ${report}`).toBeLessThan(TOLERANCE_S);
      expect(Math.abs(burst!.end - burst!.start - beep.duration), `length of the beep at ${at.toFixed(3)} s`).toBeLessThan(TOLERANCE_S);
      checked++;
    }
  }
}

describe('ReplayRecorder and the packager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-replay-rec-'));
  let low: Source;
  let high: Source;
  let ctx: SpaceContext;
  let space: Space;
  let host: Member;
  const sources: PlainProducer[] = [];
  const logger = new Logger('warn', {}, () => {});

  beforeAll(() => {
    requireFfmpeg();
    for (const [name, pattern] of [['low', BEEP_PATTERN], ['high', HIGH_PATTERN]] as const) {
      writeBeepWav(join(dir, `${name}.wav`), pattern);
      encodeOpus(join(dir, `${name}.wav`), join(dir, `${name}.ogg`));
    }
    low = { packets: oggPackets(join(dir, 'low.ogg')), levels: frameLevels(join(dir, 'low.wav')) };
    high = { packets: oggPackets(join(dir, 'high.ogg')), levels: frameLevels(join(dir, 'high.wav')) };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    ctx = await spaceContext();
    space = ctx.space;
    host = ctx.join('Ada', 'host');
  });

  afterEach(async () => {
    for (const s of sources.splice(0)) s.close();
    await ctx.close();
  });

  async function onStage(member: Member, ssrc: number): Promise<PlainProducer> {
    const source = await plainProducer(space.router, ssrc);
    sources.push(source);
    await space.addProducer(member, source.producer);
    // The tap's consumer is resumed right after; give it a moment before the first packet.
    await new Promise((r) => setTimeout(r, 150));
    return source;
  }

  const send = (source: PlainProducer, s: Source, cycles: number) =>
    source.sendOpus(Array.from({ length: cycles }, () => s.packets).flat(), { level: levelsOf(s.levels) });

  it('two speakers: the replay is as long as the recording, and each one’s beeps are where they were sent', async () => {
    const recordingDir = join(dir, 'two');
    const ada = await onStage(host, 0x1001);
    const recorder = await ReplayRecorder.start(space, recordingDir, logger);
    const startedAt = performance.now();
    const adaAt = recorder.positionMs() / 1000;
    const adaSending = send(ada, low, 2);
    // Grace comes on stage 2 s in.
    await new Promise((r) => setTimeout(r, 2000));
    const grace = ctx.join('Grace', 'listener', { canRequest: true });
    space.queue.raise(grace);
    space.queue.approve(host, grace);
    const graceSource = await onStage(grace, 0x2002);
    const graceAt = recorder.positionMs() / 1000;
    await Promise.all([adaSending, send(graceSource, high, 2)]);
    await new Promise((r) => setTimeout(r, 300));
    const result = recorder.finish();
    const liveSeconds = (performance.now() - startedAt) / 1000;

    const timeline = await packageReplay(result.folder);
    const master = result.folder.path(MASTER_AUDIO);
    const probe = ffprobe(master);
    expect(probe).toMatchObject({ format: 'matroska,webm', codec: 'opus', sampleRate: 48000, channels: 1 });
    expect(Math.abs(probe.durationSec - liveSeconds), `replay ${probe.durationSec} s, live ${liveSeconds} s`).toBeLessThan(0.1);
    expect(Math.abs(decodedSeconds(master) - liveSeconds)).toBeLessThan(0.1);

    const wav = join(dir, 'two.wav');
    decodeToWav(master, wav);
    const adaBeeps = bursts(soxSamples(wav, LOW_BAND), 48_000, -30);
    const graceBeeps = bursts(soxSamples(wav, HIGH_BAND), 48_000, -30);
    expect(expectBeepsAt(adaBeeps, BEEP_PATTERN, low.packets.length * 0.02, adaAt, adaAt + 2 * BEEP_PATTERN.length)).toBe(12);
    expect(expectBeepsAt(graceBeeps, HIGH_PATTERN, high.packets.length * 0.02, graceAt, graceAt + 2 * HIGH_PATTERN.length)).toBe(8);
    // Nothing of Grace before she came on stage.
    expect(graceBeeps.filter((b) => b.start < graceAt)).toEqual([]);

    // The timeline: both speakers, their speech where the beeps are, Grace joining the stage.
    expect(timeline.speakers.map((s) => s.name)).toEqual(['Ada', 'Grace']);
    expect(timeline.durationMs).toBeCloseTo(probe.durationSec * 1000, -2);
    const firstOf = (speaker: number) => timeline.segments.find((s) => s.speaker === speaker)!;
    expect(Math.abs(firstOf(0).startMs / 1000 - (adaAt + BEEP_PATTERN.beeps[0]!.start))).toBeLessThan(0.05);
    expect(Math.abs(firstOf(1).startMs / 1000 - (graceAt + HIGH_PATTERN.beeps[0]!.start))).toBeLessThan(0.05);
    expect(timeline.stage).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Grace', change: 'joined', role: 'speaker' })]));
    expect(timeline.chapters).toEqual([{ startMs: 0, title: space.title }]);
    expect(recorder.stats().every((s) => s.dropped === 0)).toBe(true);
  }, 60_000);

  it('a pause leaves that stretch out of the replay, and markers become chapters', async () => {
    const recordingDir = join(dir, 'paused');
    const ada = await onStage(host, 0x1003);
    const recorder = await ReplayRecorder.start(space, recordingDir, logger);
    const sending = send(ada, low, 2); // 11.2 s of beeps
    await new Promise((r) => setTimeout(r, 3000));
    recorder.mark('Questions');
    recorder.pause();
    await new Promise((r) => setTimeout(r, 3000));
    recorder.resume();
    await sending;
    const result = recorder.finish();
    const timeline = await packageReplay(result.folder);
    // About 11.2 s were sent and 3 s of it were paused.
    expect(timeline.durationMs).toBeGreaterThan(7800);
    expect(timeline.durationMs).toBeLessThan(8800);
    expect(Math.abs(decodedSeconds(result.folder.path(MASTER_AUDIO)) * 1000 - timeline.durationMs)).toBeLessThan(100);
    expect(timeline.gaps).toEqual([expect.objectContaining({ why: 'paused', atMs: expect.any(Number) })]);
    expect(timeline.gaps[0]!.missedMs).toBeGreaterThan(2800);
    expect(timeline.chapters.map((c) => c.title)).toEqual([space.title, 'Questions']);
    expect(timeline.chapters[1]!.startMs).toBeGreaterThan(2900);
  }, 60_000);

  it('after a crash the recording resumes in the same files; the replay holds both parts and marks the gap', async () => {
    const recordingDir = join(dir, 'resumed');
    const ada = await onStage(host, 0x1004);
    const first = await ReplayRecorder.start(space, recordingDir, logger);
    await send(ada, low, 1);
    const keptMs = first.positionMs();
    // As if the process died: nothing finished, the files stay as the last flush left them.
    first.abandon();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await ReplayRecorder.start(space, recordingDir, logger, { resume: true });
    await send(ada, low, 1);
    const result = second.finish();
    const timeline = await packageReplay(result.folder);
    expect(timeline.gaps).toEqual([expect.objectContaining({ why: 'interrupted' })]);
    expect(timeline.gaps[0]!.missedMs).toBeGreaterThan(1000);
    // Both 5.6 s parts, without the 1.5 s outage.
    expect(timeline.durationMs).toBeGreaterThan(keptMs + 5600 - 200);
    expect(timeline.durationMs).toBeLessThan(keptMs + 5600 + 800);
    const wav = join(dir, 'resumed.wav');
    decodeToWav(result.folder.path(MASTER_AUDIO), wav);
    expect(bursts(soxSamples(wav, LOW_BAND), 48_000, -30).length).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it('an interrupted recording that will not resume is finished from what was kept and published', async () => {
    const recordingDir = join(dir, 'interrupted');
    const ada = await onStage(host, 0x1005);
    const recorder = await ReplayRecorder.start(space, recordingDir, logger);
    await send(ada, low, 1);
    recorder.abandon();
    const folder = new RecordingFolder(recordingDir);
    const manifest = finishInterrupted(folder);
    expect(manifest.finished!.atMs).toBeGreaterThan(5400);
    const master = await packageReplay(folder);
    const view = await publishView(folder, master, 1000);
    expect(view.durationMs).toBe(master.durationMs - 1000);
    expect(Math.abs(ffprobe(folder.path(REPLAY_AUDIO)).durationSec * 1000 - view.durationMs)).toBeLessThan(100);
    const written = JSON.parse(readFileSync(folder.path('timeline.json'), 'utf8')) as ReplayTimeline;
    expect(written.durationMs).toBe(view.durationMs);
  }, 60_000);
});
