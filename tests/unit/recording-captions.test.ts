// captions.vtt beside a recording's tracks, through RecordingService on a real disk, read back with
// webvtt-parser (not our code): cues on the recording's clock (the origin and pauses of the audio
// clock taken out), corrections replacing a line, hidden lines left out, lines from before the start
// or inside a pause left out, the file rewritten while recording and named in the manifest.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import { RecordingService } from '../../src/main/services/recording/RecordingService';
import { RECORDING_SAMPLE_RATE, type RecordingCaptionInput, type RecordingManifest } from '../../src/shared/recording';
import { eventually } from '../support/fakeRoom';

const RATE = RECORDING_SAMPLE_RATE;
/** The audio clock had been running 100 s when the recording started. */
const ORIGIN = 100 * RATE;

function line(lineId: string, displayName: string, text: string, from: number, to: number, extra: Partial<RecordingCaptionInput> = {}): RecordingCaptionInput {
  return { lineId, displayName, text, hidden: false, revision: 1, startFrame: ORIGIN + Math.round(from * RATE), endFrame: ORIGIN + Math.round(to * RATE), ...extra };
}

function parse(path: string) {
  const parsed = new WebVTTParser().parse(readFileSync(path, 'utf8'), 'metadata');
  expect(parsed.errors).toEqual([]);
  return parsed.cues.map((c: { id: string; startTime: number; endTime: number; tree: { children: Array<{ name: string; value: string; children: Array<{ value: string }> }> } }) => ({
    id: c.id,
    start: c.startTime,
    end: c.endTime,
    voice: c.tree.children[0]!.value,
    text: c.tree.children[0]!.children.map((t) => t.value).join(''),
  }));
}

describe('RecordingService captions', () => {
  let root: string;
  let service: RecordingService;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hostline-rec-captions-'));
    service = new RecordingService({ root, flushIntervalMs: 100, diskSpace: async () => ({ free: 100e9 }) });
  });
  afterEach(async () => {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes captions.vtt on the recording clock with corrections applied and hidden lines left out', async () => {
    const { id } = await service.start({ spaceId: 'sp', title: 'Captioned hour', originFrame: ORIGIN });
    const path = join(root, id, 'captions.vtt');
    await service.addTrack({ kind: 'mix', name: 'Mix' });
    service.addCaptions([
      line('before', 'Ada', 'said before we started', -5, -3),
      line('a1', 'Ada Lovelace', 'welcome to the show', 1.25, 3.5),
      line('g1', 'Grace Hopper', 'thanks for having me', 4, 6.2),
      line('x', 'Ada Lovelace', 'a slip of the tongue', 6.5, 7),
    ]);
    // Written while recording (at most a second later), so a crash keeps it.
    await eventually(() => expect(existsSync(path)).toBe(true), 3000);
    expect(parse(path).map((c) => c.id)).toEqual(['a1', 'g1', 'x']);
    // Markup in a name or a line is written as character references (checked in the raw file:
    // webvtt-parser 2.2 leaves them undecoded in a voice name and keeps the ';' of one in text).
    service.addCaptions([line('m', 'Tom <Tom> & Co', 'a < b & c', 8, 9)]);

    // A correction and a hide arrive later, as revisions of their lines; a stale revision changes nothing.
    service.addCaptions([
      line('a1', 'Ada Lovelace', 'Welcome to the show!', 1.25, 3.5, { revision: 2 }),
      line('a1', 'Ada Lovelace', 'welcome to the show', 1.25, 3.5, { revision: 1 }),
      line('x', 'Ada Lovelace', 'a slip of the tongue', 6.5, 7, { revision: 2, hidden: true }),
    ]);
    // Ten seconds in, the host pauses for five; a line spoken in the pause is not in the recording.
    await service.pause(ORIGIN + 10 * RATE);
    service.addCaptions([line('p', 'Ada Lovelace', 'off the record', 11, 13)]);
    await service.resume(ORIGIN + 15 * RATE);
    service.addCaptions([line('a2', 'Ada Lovelace', 'and we are back', 16, 18)]);
    const summary = await service.stop('user', undefined, ORIGIN + 20 * RATE);

    const cues = parse(path);
    expect(cues).toEqual([
      { id: 'a1', start: 1.25, end: 3.5, voice: 'Ada Lovelace', text: 'Welcome to the show!' },
      { id: 'g1', start: 4, end: 6.2, voice: 'Grace Hopper', text: 'thanks for having me' },
      { id: 'm', start: 8, end: 9, voice: expect.stringContaining('Tom'), text: expect.any(String) },
      // 16 s on the audio clock is 11 s into the recording: the 5 s pause is not in the tracks.
      { id: 'a2', start: 11, end: 13, voice: 'Ada Lovelace', text: 'and we are back' },
    ]);
    const raw = readFileSync(path, 'utf8');
    expect(raw).toMatch(/^WEBVTT - Captioned hour\n/);
    expect(raw).toContain('<v Tom &lt;Tom&gt; &amp; Co>a &lt; b &amp; c\n');
    const manifest = JSON.parse(readFileSync(join(root, summary.id, 'manifest.json'), 'utf8')) as RecordingManifest;
    expect(manifest.captions).toBe('captions.vtt');
  });

  it('a recording of an uncaptioned Space has no captions file, and lines after the stop are dropped', async () => {
    const { id } = await service.start({ spaceId: 'sp', title: 'Quiet', originFrame: ORIGIN });
    await service.addTrack({ kind: 'mix', name: 'Mix' });
    const summary = await service.stop('user', undefined, ORIGIN + RATE);
    expect(() => service.addCaptions([line('late', 'Ada', 'too late', 0.2, 0.8)])).not.toThrow();
    expect(existsSync(join(root, id, 'captions.vtt'))).toBe(false);
    expect((JSON.parse(readFileSync(join(root, summary.id, 'manifest.json'), 'utf8')) as RecordingManifest).captions).toBeUndefined();
  });
});
