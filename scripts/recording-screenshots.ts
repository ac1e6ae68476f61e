// Takes the README's recording screenshots: the library (with a recovered recording) and the player of a
// three-minute show, and the live recording panel. Builds its recordings with the real RecordingService.
// Usage: npm run build && node scripts/bench.mjs scripts/recording-screenshots.ts
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { JsonFileSettingsStore } from '../src/main/services/SettingsService';
import { RecordingService } from '../src/main/services/recording/RecordingService';
import { startStudioHost } from '../src/main/studio-host';
import { RECORDING_SAMPLE_RATE as RATE, type TimelineEventInput } from '../src/shared/recording';

const dir = mkdtempSync(join(tmpdir(), 'hostline-rec-shots-'));
const recordings = join(dir, 'recordings');
const SHOW = 180;
const people = [
  { name: 'Ada Lovelace', memberId: 'ada', kind: 'host' as const, joins: 0 },
  { name: 'Grace Hopper', memberId: 'grace', kind: 'speaker' as const, joins: 20 },
  { name: 'Alan Turing', memberId: 'alan', kind: 'speaker' as const, joins: 64 },
  { name: 'Katherine Johnson', memberId: 'kj', kind: 'speaker' as const, joins: 101 },
];
// Who speaks when: [person, from, to] in seconds; a talk show's turns.
const turns: Array<[number, number, number]> = [
  [0, 2, 18], [1, 21, 33], [0, 34, 41], [1, 42, 61], [2, 66, 80], [0, 81, 86], [2, 87, 99],
  [3, 103, 121], [1, 122, 127], [3, 128, 140], [0, 141, 146], [2, 147, 158], [3, 159, 166], [0, 167, 178],
];
const markers: Array<[number, string]> = [[0.5, 'Welcome'], [20, 'Grace on compilers'], [64, 'Alan: can machines think?'], [101, 'Orbits with Katherine'], [141, 'Listener questions']];

function voice(k: number, from: number, to: number, into: Float32Array): void {
  const f0 = [190, 220, 120, 205][k]!;
  for (let i = Math.round(from * RATE); i < Math.round(to * RATE) && i < into.length; i++) {
    const t = i / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2.7 * t)) ** 2;
    into[i] = 0.25 * syllable * (Math.sin(2 * Math.PI * f0 * t) + 0.4 * Math.sin(2 * Math.PI * 2 * f0 * t));
  }
}

async function showRecording(): Promise<void> {
  const service = new RecordingService({ root: recordings });
  await service.start({ spaceId: 'demo', title: 'The Analytical Hour: live Q&A' });
  const mix = await service.addTrack({ kind: 'mix', name: 'Mix' });
  const signals = people.map(() => new Float32Array(SHOW * RATE));
  turns.forEach(([k, from, to]) => voice(k, from, to, signals[k]!));
  const events: TimelineEventInput[] = [];
  people.forEach((p) => events.push({ atFrame: p.joins * RATE, type: 'stage.join', memberId: p.memberId, name: p.name }));
  turns.forEach(([k, from, to]) => {
    events.push({ atFrame: from * RATE, type: 'speaking.start', memberId: people[k]!.memberId, name: people[k]!.name });
    events.push({ atFrame: to * RATE, type: 'speaking.stop', memberId: people[k]!.memberId, name: people[k]!.name });
  });
  markers.forEach(([at, label]) => events.push({ atFrame: at * RATE, type: 'marker', label }));
  events.sort((a, b) => a.atFrame - b.atFrame);
  const tracks: number[] = [];
  for (const p of people) tracks.push((await service.addTrack({ kind: p.kind, name: p.name, memberId: p.memberId })).trackNo);
  const mixed = new Float32Array(SHOW * RATE);
  for (const s of signals) for (let i = 0; i < s.length; i++) mixed[i]! += s[i]!;
  for (let at = 0; at < SHOW * RATE; at += RATE) {
    service.append(mix.trackNo, at, mixed.subarray(at, at + RATE));
    people.forEach((p, k) => {
      if (at >= p.joins * RATE) service.append(tracks[k]!, at, signals[k]!.subarray(at, at + RATE));
    });
  }
  for (const e of events) await service.addEvent(e);
  await service.stop();
}

async function interruptedRecording(): Promise<void> {
  const live = join(dir, 'live');
  const service = new RecordingService({ root: live, flushIntervalMs: 100 });
  await service.start({ spaceId: 'demo2', title: 'Late-night lab notes' });
  await service.addTrack({ kind: 'mix', name: 'Mix' });
  await service.addTrack({ kind: 'host', name: 'Ada Lovelace', memberId: 'ada' });
  const s = new Float32Array(41 * RATE);
  voice(0, 1, 40, s);
  service.append(0, 0, s);
  service.append(1, 0, s);
  await new Promise((resolve) => setTimeout(resolve, 400));
  // What a crash leaves behind, recovered when the studio starts.
  cpSync(live, recordings, { recursive: true });
  await service.close();
}

await showRecording();
await interruptedRecording();
const host = await startStudioHost({
  argv: ['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'warn'],
  env: { HOSTLINE_DATA_DIR: dir },
  staticDir: 'out/renderer',
  settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
  browserBridge: true,
  recordingsDir: recordings,
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(host.studioUrl);
  const library = page.getByTestId('recording-library');
  await page.getByTestId('library-row').first().waitFor({ timeout: 15000 });
  await page.getByTestId('library-row').filter({ hasText: 'Analytical' }).click();
  await page.getByTestId('timeline').waitFor();
  await page.getByTestId('timeline-marker').nth(3).click();
  await page.getByTestId('track-solo').nth(3).click();
  await page.getByTestId('export-start').fill('0:20');
  await page.getByTestId('export-end').fill('2:21');
  await page.getByTestId('export-run').click();
  await page.getByTestId('export-result').waitFor({ timeout: 30000 });
  await library.scrollIntoViewIfNeeded();
  await library.screenshot({ path: 'docs/recording-library.png' });
  console.log('saved docs/recording-library.png');

  await page.getByTestId('host-name').fill('Ada Lovelace');
  await page.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await page.getByTestId('go-live').click();
  await page.getByTestId('share-link').waitFor({ timeout: 15000 });
  await page.getByTestId('record-start').click();
  await page.waitForTimeout(2500);
  await page.getByTestId('record-marker').click();
  await page.waitForTimeout(1200);
  await page.getByTestId('recording-panel').screenshot({ path: 'docs/recording-panel.png' });
  console.log('saved docs/recording-panel.png');
  await page.getByTestId('record-stop').click();
  await page.getByTestId('record-message').waitFor();
} finally {
  await browser.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}
