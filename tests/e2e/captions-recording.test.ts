// Captions saved with the studio's local recording, end to end in Chromium: the host (festival
// sentences as microphone) goes live with captions on and records; a guest (other sentences) comes on
// stage; the host stops. The recording's folder then holds captions.vtt, read with webvtt-parser (not
// our code): one cue per sentence under the right voice, each within a stated bound of where the
// sentence is heard in that voice's own track (found in the WAV with sox), on the recording's clock.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import type { StudioHost } from '../../src/main/studio-host';
import type { RecordingManifest } from '../../src/shared/recording';
import { launchChromium } from '../support/browser';
import { buildCaptionWorker, requireCaptionTools } from '../support/captions';
import { bursts, soxSamples } from '../support/sox';
import { goLive, listen, startTestStudio } from '../support/studio';
import { SENTENCES, talk, words } from '../support/talk';
import { writeWav } from '../support/wav';

requireCaptionTools();

/**
 * How far a cue's start and end may be from its sentence's start and end in the voice's track, s.
 * Measured (see PERFORMANCE.md, "Captions in the recording"): the host's cues lag their track by the
 * uplink (their voice reaches the server ~30 ms after the studio records it), a guest's lead theirs by
 * the downlink and jitter buffer (~60-120 ms); word edges from the recogniser add ±100 ms.
 */
const BOUND_S = 0.4;

interface Cue {
  id: string;
  start: number;
  end: number;
  voice: string;
  text: string;
}

/** Where speech is heard in a track: loud stretches (-40 dBFS), pauses under half a second bridged. */
function sentencesIn(path: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const b of bursts(soxSamples(path), 48_000, -40)) {
    const last = out.at(-1);
    if (last && b.start - last.end < 0.5) last.end = b.end;
    else out.push({ start: b.start, end: b.end });
  }
  return out.filter((s) => s.end - s.start > 0.6);
}

describe('captions in the studio’s recording folder, in Chromium', () => {
  let studio: StudioHost;
  let dir: string;
  let recordingsDir: string;
  const browsers: Browser[] = [];
  let host: Page;
  let guest: Page;
  const HOST = { name: 'Ada', sentences: SENTENCES.slice(0, 3) };
  const GUEST = { name: 'Grace', sentences: SENTENCES.slice(3, 6) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-captions-rec-'));
    recordingsDir = join(dir, 'recordings');
    // The worker at the SFU's own priority: other runs on the machine must not starve it into shedding.
    studio = await startTestStudio(dir, [], { recordingsDir, serverOverrides: { captionWorkerScript: await buildCaptionWorker(), captionNice: 0 } });
    const wavs = [HOST, GUEST].map((who, i) => {
      const wav = join(dir, `${who.name}.wav`);
      writeWav(wav, talk(dir, 'festival', who.sentences, { lead: 1.5, gap: 1.6 }).samples);
      return { wav, loop: i === 0 };
    });
    // The host's microphone opens before going live and loops; the guest's opens on stage and plays once.
    for (const { wav, loop } of wavs) browsers.push(await launchChromium({ micWav: wav, loop }));
    const pages = await Promise.all(browsers.map((b) => b.newPage()));
    [host, guest] = [pages[0]!, pages[1]!];
    for (const page of pages) page.on('pageerror', (e) => console.error('page error:', e.message));
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saves captions.vtt beside the tracks, each cue under its voice and within the bound of its speech in that voice’s track', async () => {
    const link = await goLive(host, studio, HOST.name, 'Captioned recording');
    await host.getByTestId('record-start').click();
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 10_000 }).toMatch(/REC/);
    await listen(guest, link, GUEST.name);
    await guest.getByTestId('raise-hand').click();
    await expect.poll(() => host.getByTestId('queue-entry').count(), { timeout: 15_000 }).toBe(1);
    await host.getByTestId('queue-approve-next').click();
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 15_000 }).toMatch(/3 tracks/);
    // The guest's sentences (about 12 s) and two rounds of the host's.
    await host.waitForTimeout(16_000);
    await host.getByTestId('record-stop').click();
    await expect.poll(() => host.getByTestId('record-message').innerText(), { timeout: 20_000 }).toMatch(/Saved “Captioned recording”/);

    const [summary] = await studio.recordings.list();
    const folder = join(recordingsDir, summary!.id);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as RecordingManifest;
    expect(manifest.captions).toBe('captions.vtt');
    const parsed = new WebVTTParser().parse(readFileSync(join(folder, 'captions.vtt'), 'utf8'), 'metadata');
    expect(parsed.errors).toEqual([]);
    const cues: Cue[] = parsed.cues.map((c: { id: string; startTime: number; endTime: number; tree: { children: Array<{ value: string; children: Array<{ value: string }> }> } }) => ({
      id: c.id,
      start: c.startTime,
      end: c.endTime,
      voice: c.tree.children[0]!.value,
      text: c.tree.children[0]!.children.map((t) => t.value).join(''),
    }));
    console.log(cues.map((c) => `${c.start.toFixed(2)}–${c.end.toFixed(2)} ${c.voice}: ${c.text}`).join('\n'));

    const report: string[] = [];
    for (const who of [HOST, GUEST]) {
      const track = manifest.tracks.find((t) => t.kind !== 'mix' && t.name === who.name)!;
      const spoken = sentencesIn(join(folder, track.file));
      const theirs = cues.filter((c) => c.voice === who.name);
      expect(theirs.length, `${who.name}'s cues`).toBeGreaterThanOrEqual(who === GUEST ? 3 : 2);
      for (const cue of theirs) {
        // Each cue is one of this voice's sentences, recognised well enough to tell which.
        const sentence = who.sentences.find((s) => words(s).filter((w) => words(cue.text).includes(w)).length / words(s).length >= 0.5);
        expect(sentence, `"${cue.text}" under ${who.name}`).toBeDefined();
        const heard = spoken.reduce((best, s) => (Math.abs(s.start - cue.start) < Math.abs(best.start - cue.start) ? s : best));
        report.push(`${who.name}: cue ${cue.start.toFixed(2)}–${cue.end.toFixed(2)} vs track ${heard.start.toFixed(2)}–${heard.end.toFixed(2)} (start ${((cue.start - heard.start) * 1000).toFixed(0)} ms, end ${((cue.end - heard.end) * 1000).toFixed(0)} ms)`);
        expect(Math.abs(cue.start - heard.start), report.at(-1)).toBeLessThan(BOUND_S);
        expect(Math.abs(cue.end - heard.end), report.at(-1)).toBeLessThan(BOUND_S);
      }
    }
    console.log(report.join('\n'));
    // No cue of one voice sits on the other's speech alone: the guest's come after they came on stage.
    const joined = manifest.events.find((e) => e.type === 'stage.join' && e.name === GUEST.name)!;
    for (const cue of cues.filter((c) => c.voice === GUEST.name)) expect(cue.start).toBeGreaterThan(joined.at);
  }, 150_000);
});
