// Recording a show end to end in Chromium: the host (a WAV of beeps as microphone) records from the
// studio; a listener with another WAV of beeps raises a hand and is approved onto the stage mid-recording;
// the host adds a marker and stops. Every track is then read with sox (not our code): 48 kHz, equal
// lengths, the mix equal to the sum of the voices sample for sample, the beeps where they were sent,
// the late speaker's track silent until they came on stage. Then the library and player show it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonFileSettingsStore } from '../../src/main/services/SettingsService';
import { startStudioHost, type StudioHost } from '../../src/main/studio-host';
import type { RecordingManifest } from '../../src/shared/recording';
import { launchChromium } from '../support/browser';
import { matchPattern } from '../support/pattern';
import { RENDERER_DIR } from '../support/server';
import { bursts, soxi, soxSamples, soxStat } from '../support/sox';
import { BEEP_PATTERN, writeBeepWav, type Beep } from '../support/wav';


/** The guest's pattern: other lengths and gaps than the host's, so each is recognised on its own. */
const GUEST_PATTERN: { beeps: Beep[]; length: number } = {
  beeps: [
    { start: 0.3, duration: 0.4, frequency: 330 },
    { start: 1.5, duration: 0.1, frequency: 1200 },
    { start: 2.4, duration: 0.7, frequency: 500 },
    { start: 4.0, duration: 0.25, frequency: 900 },
  ],
  length: 5.2,
};

describe('recording a show in the studio, in Chromium', () => {
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let guest: Page;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-rec-'));
  const recordingsDir = join(dir, 'recordings');
  let manifest: RecordingManifest;
  const file = (name: string) => join(recordingsDir, manifest.id, name);

  beforeAll(async () => {
    const hostWav = join(dir, 'host.wav');
    const guestWav = join(dir, 'guest.wav');
    writeBeepWav(hostWav);
    writeBeepWav(guestWav, GUEST_PATTERN);
    studio = await startStudioHost({
      argv: ['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'warn'],
      env: { HOSTLINE_DATA_DIR: dir },
      staticDir: RENDERER_DIR,
      settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
      browserBridge: true,
      recordingsDir,
    });
    for (const wav of [hostWav, guestWav]) browsers.push(await launchChromium({ micWav: wav }));
    const pages = await Promise.all(browsers.map((b) => b.newPage()));
    [host, guest] = [pages[0]!, pages[1]!];
    for (const page of pages) page.on('pageerror', (e) => console.error('page error:', e.message));
    host.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host goes live and records; a guest raises a hand and is approved mid-recording; the host marks and stops', async () => {
    await host.goto(studio.studioUrl);
    // Wait for the saved settings to fill the form first (see goLive in tests/support/studio.ts).
    await expect.poll(() => host.locator('[data-testid=mic-select] option:not([value=""])').count()).toBeGreaterThan(0);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('space-title-input').fill('Recorded hour');
    await host.getByTestId('go-live').click();
    const link = await host.getByTestId('share-link').inputValue({ timeout: 15_000 });
    await guest.goto(link);
    await guest.getByTestId('listener-name').fill('Grace');
    await guest.getByTestId('listen').click();
    await guest.getByTestId('listen-status').waitFor({ timeout: 15_000 });
    await guest.getByTestId('raise-hand').click();
    await expect.poll(() => host.getByTestId('queue-entry').count()).toBe(1);

    await host.getByTestId('record-start').click();
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 10_000 }).toMatch(/REC.*2 tracks/);
    await host.waitForTimeout(3000);
    // Approve next: the server picks the first raised hand and announces who came on stage.
    await host.getByTestId('queue-approve-next').click();
    await expect.poll(() => host.getByRole('status').allInnerTexts()).toContain('Grace is on stage.');
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 15_000 }).toMatch(/3 tracks/);
    // Two cycles of each pattern after the guest is heard.
    await host.waitForTimeout(12_000);
    await host.getByTestId('record-marker').click();
    await host.waitForTimeout(1000);
    expect(await host.getByTestId('record-status').innerText()).toMatch(/1 marker · disk: .* left/);
    await host.getByTestId('record-stop').click();
    await expect.poll(() => host.getByTestId('record-message').innerText(), { timeout: 15_000 }).toMatch(/Saved “Recorded hour”/);

    const list = await studio.recordings.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'Recorded hour', speakers: ['Ada', 'Grace'], recovered: false, status: 'complete' });
    manifest = JSON.parse(readFileSync(join(recordingsDir, list[0]!.id, 'manifest.json'), 'utf8'));
    expect(manifest.tracks.map((t) => [t.kind, t.name])).toEqual([['mix', 'Mix'], ['host', 'Ada'], ['speaker', 'Grace']]);
  }, 90_000);

  it('every track is 48 kHz mono, and all have the same length within 10 ms', () => {
    const infos = manifest.tracks.map((t) => soxi(file(t.file)));
    for (const info of infos) expect(info).toMatchObject({ rate: 48_000, channels: 1 });
    const lengths = infos.map((i) => i.seconds);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(0.01);
    // About 16 s were recorded (3 s before the approval, 12 s after, 1 s to the stop), on a busy machine.
    expect(lengths[0]).toBeGreaterThan(14);
    expect(lengths[0]).toBeLessThan(30);
  });

  it('the mix is the host plus the guest, sample for sample (the tracks are aligned)', () => {
    const [mix, hostTrack, guestTrack] = manifest.tracks.map((t) => file(t.file));
    const residual = spawnSync('sox', ['-m', '-v', '1', mix!, '-v', '-1', hostTrack!, '-v', '-1', guestTrack!, '-n', 'stat'], { encoding: 'utf8' });
    expect(residual.status, residual.stderr).toBe(0);
    const max = Number(/Maximum amplitude:\s+([\d.e+-]+)/.exec(residual.stderr)?.[1]);
    expect(max).toBeLessThan(1e-3);
    expect(soxStat(mix!)['Maximum amplitude']).toBeGreaterThan(0.2);
  });

  it('the host’s beeps are in the host’s track where they were sent', () => {
    const found = bursts(soxSamples(file(manifest.tracks[1]!.file)), 48_000, -30);
    const match = matchPattern(found, BEEP_PATTERN.beeps, BEEP_PATTERN.length, 0.03);
    const report = found.map((s) => `${s.start.toFixed(3)}+${(s.end - s.start).toFixed(3)}`).join(' ');
    // Two full cycles of the six beeps, each length and spacing within 30 ms.
    expect(match.matched, report).toBeGreaterThanOrEqual(2 * BEEP_PATTERN.beeps.length);
  });

  it('the guest’s track is silent until they came on stage, then holds their beeps', () => {
    const joined = manifest.events.find((e) => e.type === 'stage.join' && e.name === 'Grace');
    expect(joined, JSON.stringify(manifest.events)).toBeDefined();
    expect(joined!.at).toBeGreaterThan(2.5);
    expect(manifest.events.some((e) => e.type === 'queue.approve' && e.name === 'Grace')).toBe(true);
    const guestFile = file(manifest.tracks[2]!.file);
    expect(soxStat(guestFile, { from: 0, to: joined!.at })['Maximum amplitude']).toBeLessThan(1e-4);
    const found = bursts(soxSamples(guestFile), 48_000, -30);
    expect(found[0]!.start).toBeGreaterThan(joined!.at);
    // WebRTC's jitter buffer may stretch audio a little: 60 ms, as in the other end-to-end tests.
    const match = matchPattern(found, GUEST_PATTERN.beeps, GUEST_PATTERN.length, 0.06);
    const report = found.map((s) => `${s.start.toFixed(3)}+${(s.end - s.start).toFixed(3)}`).join(' ');
    expect(match.matched, report).toBeGreaterThanOrEqual(GUEST_PATTERN.beeps.length);
    // The server heard Grace speak, and the timeline says so while her beeps were in her track.
    const speaking = manifest.events.filter((e) => e.type === 'speaking.start' && e.name === 'Grace');
    expect(speaking.length).toBeGreaterThan(0);
    expect(manifest.events.filter((e) => e.type === 'marker')).toHaveLength(1);
  });

  it('the library lists the recording and the player shows who spoke and the marker, and jumps there', async () => {
    await host.getByTestId('end-space').click();
    const row = host.getByTestId('library-row');
    await expect.poll(() => row.allInnerTexts(), { timeout: 15_000 }).toEqual([expect.stringMatching(/Recorded hour.*0:\d\d.*Ada, Grace.*MB/s)]);
    await row.click();
    await expect.poll(() => host.getByTestId('timeline-track').count()).toBe(3);
    expect(await host.getByTestId('timeline-segment').count()).toBeGreaterThan(0);
    const marker = manifest.events.find((e) => e.type === 'marker')!;
    await host.getByTestId('timeline-marker').first().click();
    const shown = Math.floor(marker.at);
    await expect.poll(() => host.getByTestId('player-time').innerText()).toMatch(new RegExp(`^0:${String(shown).padStart(2, '0')} /`));
  }, 30_000);

  it('export from the player writes the trimmed mix and stems that sox reads, and the chapters', async () => {
    await host.getByTestId('export-start').fill('0:02');
    await host.getByTestId('export-end').fill('0:12');
    await host.getByTestId('export-run').click();
    const shown = await host.getByTestId('export-result').innerText({ timeout: 20_000 });
    expect(shown).toMatch(/0:10 exported to .*\nmix\.wav {2}Ada\.wav {2}Grace\.wav {2}chapters\.json {2}chapters\.cue/s);
    const exportDir = /exported to (\S+)/.exec(shown)![1]!;
    for (const f of ['mix.wav', 'Ada.wav', 'Grace.wav']) {
      expect(soxi(join(exportDir, f))).toMatchObject({ rate: 48_000, channels: 1, bits: 24, samples: 10 * 48_000 });
    }
    const chapters = JSON.parse(readFileSync(join(exportDir, 'chapters.json'), 'utf8')) as { chapters: Array<{ title: string }> };
    expect(chapters.chapters[0]).toMatchObject({ title: 'Recorded hour', start: 0 });
    expect(readFileSync(join(exportDir, 'chapters.cue'), 'utf8')).toMatch(/^TITLE "Recorded hour"\nFILE "mix.wav" WAVE\n {2}TRACK 01 AUDIO/);
  }, 30_000);

  it('a recording whose studio page was reloaded mid-show is finished and listed when the page comes back', async () => {
    await host.goto(studio.studioUrl);
    // Wait for the saved settings to fill the form first (see goLive in tests/support/studio.ts).
    await expect.poll(() => host.locator('[data-testid=mic-select] option:not([value=""])').count()).toBeGreaterThan(0);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('space-title-input').fill('Reloaded show');
    await host.getByTestId('go-live').click();
    await host.getByTestId('share-link').waitFor({ timeout: 15_000 });
    await host.getByTestId('record-start').click();
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 10_000 }).toMatch(/REC 0:0[2-9]/);
    await host.reload();
    await expect.poll(() => host.getByTestId('recording-library').innerText(), { timeout: 15_000 }).toMatch(/Saved “Reloaded show”: it was still recording/);
    await expect.poll(() => host.getByTestId('library-row').count()).toBe(2);
    const reloaded = (await studio.recordings.list()).find((r) => r.title === 'Reloaded show')!;
    expect(reloaded).toMatchObject({ status: 'complete', recovered: false, speakers: ['Ada'] });
    const saved = await studio.recordings.get(reloaded.id);
    for (const t of saved.tracks) expect(soxi(join(recordingsDir, reloaded.id, t.file))).toMatchObject({ rate: 48_000, channels: 1 });
  }, 60_000);
});
