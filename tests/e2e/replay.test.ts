// Replays end to end in Chromium. The host goes live from the studio with Replay on (a WAV of beeps
// below 1.2 kHz as microphone); a guest (beeps above 1.8 kHz) opens the link, sees the Recorded mark,
// asks to speak and is approved; both beep on stage; the host adds a chapter marker and ends the Space.
// The published replay is read with ffprobe, ffmpeg and sox (never our parser): its length against the
// Space's live time, and each speaker's beeps where they were sent. Then a listener opens the Space's
// link after the end: plays, switches speed, skips to the next speaker, cuts a clip and opens its link.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import type { ReplayInfo, ReplayTimeline } from '../../src/shared/replay';
import { launchChromium } from '../support/browser';
import { decodeToWav, ffprobe, requireFfmpeg } from '../support/ffmpeg';
import { beepsOnSchedule, HIGH_BAND, HIGH_PATTERN, LOW_BAND, LOW_PATTERN } from '../support/replayPatterns';
import { bursts, soxSamples } from '../support/sox';
import { startTestStudio } from '../support/studio';
import { writeBeepWav } from '../support/wav';
import { eventually } from '../support/fakeRoom';

describe('replays for listeners, in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-replay-'));
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let guest: Page;
  let shareLink: string;
  let spaceId: string;
  let info: ReplayInfo;
  let timeline: ReplayTimeline;
  /** The replay decoded, and each speaker's beeps found in it by sox. */
  let hostBeeps: Array<{ start: number; end: number }>;
  let guestBeeps: Array<{ start: number; end: number }>;

  beforeAll(async () => {
    requireFfmpeg();
    writeBeepWav(join(dir, 'host.wav'), LOW_PATTERN);
    writeBeepWav(join(dir, 'guest.wav'), HIGH_PATTERN);
    studio = await startTestStudio(dir);
    await studio.settings.update({ replay: { recordByDefault: true, liveClips: false } });
    for (const wav of ['host.wav', 'guest.wav']) browsers.push(await launchChromium({ micWav: join(dir, wav) }));
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

  it('the host goes live with Replay on; the guest sees the mark, is approved, and both speak; the host marks and ends', async () => {
    // As tests/support/studio.ts goLive does, but with live captions off (their tests cover them).
    await host.goto(studio.studioUrl);
    await eventually(async () => {
      if ((await host.locator('[data-testid=mic-select] option:not([value=""])').count()) === 0) throw new Error('no microphone listed yet');
    }, 15_000);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('space-title-input').fill('Recorded live');
    await host.getByTestId('live-captions').uncheck();
    expect(await host.getByTestId('replay-at-start').isChecked()).toBe(true);
    await host.getByTestId('go-live').click();
    shareLink = await host.getByTestId('share-link').inputValue({ timeout: 15_000 });
    await host.getByTestId('studio-recorded-mark').waitFor({ timeout: 10_000 });
    spaceId = /\/(?:listen|s)\/([^#/?]+)/.exec(shareLink)![1]!;
    await expect.poll(() => host.getByTestId('replay-live-status').innerText(), { timeout: 10_000 }).toMatch(/RECORDED/);
    await guest.goto(shareLink);
    await guest.getByTestId('listener-name').fill('Grace');
    await guest.getByTestId('listen').click();
    await guest.getByTestId('listen-status').waitFor({ timeout: 15_000 });
    await guest.getByTestId('recorded-mark').waitFor({ timeout: 10_000 });
    await guest.getByTestId('raise-hand').click();
    await host.getByTestId('queue-approve-next').click();
    await guest.getByTestId('step-down').waitFor({ timeout: 15_000 });
    // Two full cycles of each pattern once both are on stage.
    await host.waitForTimeout(12_000);
    await host.getByTestId('replay-marker-title').fill('Second half');
    await host.getByTestId('replay-marker').click();
    await expect.poll(() => host.getByTestId('replay-markers').innerText()).toMatch(/1 marker/);
    await host.waitForTimeout(6_000);
    // Captions as the caption service saves them for the replay (its own tests cover recognising them).
    const space = studio.server.sfu.space(spaceId)!;
    const line = (lineId: string, fromStartMs: number, text: string) => ({
      lineId, memberId: 'm', displayName: 'Ada', text, final: true, startedAt: space.startedAt + fromStartMs, endedAt: space.startedAt + fromStartMs + 1500,
      delayed: false, skippedSeconds: 0, hidden: false, editedBy: null, revision: 0,
    });
    studio.server.sfu.captions.store.save({ spaceId, title: space.title, startedAt: space.startedAt, lines: [line('one', 4000, 'Welcome to the show'), line('two', 9000, 'Here is Grace')] });
    // Live long enough for three whole cycles of the host's pattern after its first whole one, however
    // long the steps above took (a slow machine spends it going live, a fast one waiting).
    const endAt = space.startedAt + (4 * LOW_PATTERN.length + 1) * 1000;
    await host.waitForTimeout(Math.max(0, endAt - Date.now()));
    await host.getByTestId('end-space').click();
    await expect.poll(() => host.getByTestId('replay-manager-status').innerText(), { timeout: 60_000 }).toMatch(/^Published: /);
    info = (await (await fetch(`${studio.server.httpUrl}/api/replays/${spaceId}`)).json()) as ReplayInfo;
    timeline = (await (await fetch(`${studio.server.httpUrl}${info.timelineUrl}`)).json()) as ReplayTimeline;
    expect(info).toMatchObject({ status: 'published', title: 'Recorded live', hostName: 'Ada', peakListeners: 1 });
  }, 120_000);

  it('the replay file is Opus in WebM as long as the Space was live (within 100 ms), by ffprobe', async () => {
    const file = join(dir, 'replay.webm');
    writeFileSync(file, Buffer.from(await (await fetch(`${studio.server.httpUrl}${info.audioUrl}`)).arrayBuffer()));
    const probe = ffprobe(file);
    expect(probe).toMatchObject({ format: 'matroska,webm', codec: 'opus', sampleRate: 48_000 });
    const liveSeconds = (info.endedAt! - info.liveAt) / 1000;
    expect(Math.abs(probe.durationSec - liveSeconds), `replay ${probe.durationSec} s, live ${liveSeconds} s`).toBeLessThan(0.1);
    const wav = join(dir, 'replay.wav');
    decodeToWav(file, wav);
    hostBeeps = bursts(soxSamples(wav, LOW_BAND), 48_000, -30);
    guestBeeps = bursts(soxSamples(wav, HIGH_BAND), 48_000, -30);
  });

  it('each speaker’s beeps are at the right times within 20 ms, the guest’s only after she came on stage', () => {
    const joined = timeline.stage.find((s) => s.name === 'Grace' && s.change === 'joined')!;
    expect(joined).toMatchObject({ role: 'speaker', cause: 'approved' });
    // The host's pattern from its first whole cycle to the end, and the guest's from her first beep.
    const hostMatched = beepsOnSchedule(hostBeeps, LOW_PATTERN, 0.02);
    expect(hostMatched.checked, hostMatched.report).toBeGreaterThanOrEqual(3 * LOW_PATTERN.beeps.length);
    expect(hostMatched.failures, hostMatched.report).toEqual([]);
    const guestMatched = beepsOnSchedule(guestBeeps, HIGH_PATTERN, 0.02);
    expect(guestMatched.checked, guestMatched.report).toBeGreaterThanOrEqual(3 * HIGH_PATTERN.beeps.length);
    expect(guestMatched.failures, guestMatched.report).toEqual([]);
    expect(guestBeeps[0]!.start * 1000).toBeGreaterThan(joined.atMs);
    // The timeline agrees with the audio: her first stretch of speech starts at her first beep.
    const guestIndex = timeline.speakers.find((s) => s.name === 'Grace')!.index;
    const first = timeline.segments.find((s) => s.speaker === guestIndex)!;
    expect(Math.abs(first.startMs / 1000 - guestBeeps[0]!.start)).toBeLessThan(0.05);
    expect(timeline.chapters.map((c) => c.title)).toEqual(['Recorded live', 'Second half']);
  });

  it('after the end, the Space’s own link shows the replay: play, 1.5× speed, skip to the next speaker, clip and its link', async () => {
    const listener = await browsers[1]!.newPage();
    await listener.goto(shareLink);
    await listener.getByTestId('replay').waitFor({ timeout: 15_000 });
    await expect.poll(() => listener.getByTestId('replay-title').innerText()).toBe('Recorded live');
    expect(await listener.getByTestId('replay-listeners').innerText()).toMatch(/listened live \(up to 1 at once\)/);
    expect(await listener.getByTestId('replay-row').count()).toBe(2);
    expect(await listener.getByTestId('replay-chapter').count()).toBe(2);
    const position = () => listener.evaluate(() => window.hostlineReplay!.positionMs);

    await listener.getByTestId('replay-play').click();
    await expect.poll(position, { timeout: 10_000 }).toBeGreaterThan(300);
    await listener.getByTestId('replay-speed-1.5').click();
    expect(await listener.evaluate(() => document.querySelector('audio')!.playbackRate)).toBe(1.5);
    const before = await position();
    const wallBefore = Date.now();
    await listener.waitForTimeout(3000);
    const advanced = ((await position()) - before) / (Date.now() - wallBefore);
    expect(advanced, 'playhead speed at 1.5×').toBeGreaterThan(1.3);
    expect(advanced).toBeLessThan(1.7);
    expect(await listener.getByTestId('replay-speed-1.5').getAttribute('aria-pressed')).toBe('true');

    // From just after the host starts a phrase (once the guest is on stage), the next speaker is the
    // guest: the player must land on her next turn.
    const hostIndex = timeline.speakers.find((s) => s.name === 'Ada')!.index;
    const guestIndex = timeline.speakers.find((s) => s.name === 'Grace')!.index;
    const joinedMs = timeline.stage.find((s) => s.name === 'Grace' && s.change === 'joined')!.atMs;
    const guestTurns = timeline.segments.filter((s) => s.speaker === guestIndex);
    const hostTurn = timeline.segments.find(
      (s) =>
        s.speaker === hostIndex &&
        s.startMs > joinedMs + 1000 &&
        // Nobody else starts between the host's first word and where we seek to…
        !guestTurns.some((g) => g.startMs >= s.startMs - 1 && g.startMs <= s.startMs + 100) &&
        // …and the guest speaks again later.
        guestTurns.some((g) => g.startMs > s.startMs + 100),
    )!;
    expect(hostTurn, JSON.stringify(timeline.segments)).toBeDefined();
    const from = hostTurn.startMs + 50;
    await listener.evaluate((ms) => window.hostlineReplay!.seek(ms), from);
    await listener.getByTestId('replay-next-speaker').click();
    const landed = (await position()) / 1000;
    const guestTurn = guestTurns.find((g) => g.startMs > from)!;
    expect(Math.abs(landed - guestTurn.startMs / 1000), 'the playhead goes where the timeline says the guest starts').toBeLessThan(0.05);
    // Within 250 ms of the guest's first word there, as sox hears it in the file.
    const firstWord = guestBeeps.find((g) => g.end > guestTurn.startMs / 1000)!;
    expect(Math.abs(landed - firstWord.start), `landed at ${landed} s; her next word at ${firstWord.start} s`).toBeLessThan(0.25);

    // Captions on: the line at the playhead, with its speaker, follows seeks; off hides it.
    await listener.getByTestId('replay-captions').click();
    expect(await listener.getByTestId('replay-captions').getAttribute('aria-pressed')).toBe('true');
    // Recorded from the start, the replay's clock is the Space's (within the ms it took to start recording).
    const cueAt = (fromStartMs: number) => fromStartMs;
    await listener.evaluate(() => window.hostlineReplay!.pause());
    await listener.evaluate((ms) => window.hostlineReplay!.seek(ms), cueAt(4000) + 500);
    await expect.poll(() => listener.getByTestId('replay-caption').innerText(), { timeout: 5000 }).toBe('Ada: Welcome to the show');
    await listener.evaluate((ms) => window.hostlineReplay!.seek(ms), cueAt(9000) + 700);
    await expect.poll(() => listener.getByTestId('replay-caption').innerText(), { timeout: 5000 }).toBe('Ada: Here is Grace');
    await listener.evaluate((ms) => window.hostlineReplay!.seek(ms), cueAt(7000));
    await expect.poll(() => listener.getByTestId('replay-caption').innerText(), { timeout: 5000 }).toBe('');
    await listener.getByTestId('replay-captions').click();
    expect(await listener.getByTestId('replay-caption').count()).toBe(0);
    await listener.evaluate((ms) => window.hostlineReplay!.seek(ms), Math.round(landed * 1000));

    // A clip from here, with its own link that plays alone.
    await listener.getByTestId('replay-clip').click();
    const link = listener.getByTestId('replay-clip-link');
    await link.waitFor({ timeout: 20_000 });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/clip\/[A-Za-z0-9_-]+$/);
    await listener.goto(`${studio.server.httpUrl}${href}`);
    await expect.poll(() => listener.getByTestId('clip-title').innerText(), { timeout: 10_000 }).toBe('Recorded live: clip');
    const clipAudio = listener.getByTestId('clip-audio');
    await expect.poll(() => clipAudio.evaluate((a: HTMLAudioElement) => a.duration), { timeout: 10_000 }).toBeGreaterThan(1);
    await clipAudio.evaluate((a: HTMLAudioElement) => a.play());
    await expect.poll(() => clipAudio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5);
    expect(await listener.getByTestId('clip-replay-link').getAttribute('href')).toBe(`/replay/${spaceId}`);
    await listener.close();
  }, 90_000);
});
