// Takes the README's replay screenshots: the replay page of a three-minute, four-speaker show (its
// recording folder made with ffmpeg, published by the real packager, with captions and chapters), and
// the studio's replay card while live.
// Usage: npm run screenshots:replay
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { JsonFileSettingsStore } from '../src/main/services/SettingsService';
import { startStudioHost } from '../src/main/studio-host';
import { RecordingFolder, type RecordingManifest } from '../src/server/replay/RecordingFolder';

const dir = mkdtempSync(join(tmpdir(), 'hostline-replay-shots-'));
const replayDir = join(dir, 'replays');
const SHOW_MS = 180_000;
const people = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];
const joins = [0, 20_000, 64_000, 101_000];
// Who speaks when: [person, from, to] in ms.
const turns: Array<[number, number, number]> = [
  [0, 2000, 18_000], [1, 21_000, 33_000], [0, 34_000, 41_000], [1, 42_000, 61_000], [2, 66_000, 80_000], [0, 81_000, 86_000],
  [2, 87_000, 99_000], [3, 103_000, 121_000], [1, 122_000, 127_000], [3, 128_000, 140_000], [0, 141_000, 146_000],
  [2, 147_000, 158_000], [3, 159_000, 166_000], [0, 167_000, 178_000],
];
const markers: Array<[number, string]> = [[20_000, 'Grace on compilers'], [64_000, 'Alan: can machines think?'], [101_000, 'Orbits with Katherine'], [141_000, 'Listener questions']];
const spaceId = 'analytical';

/** One speaker's track as the recorder keeps it (Ogg Opus on the replay's clock): a voice-like sound
 * (syllables on a pitch) during their turns, silence between, as a browser would send it. */
function encodeTrack(path: string, f0: number, mine: Array<[number, number]>): void {
  const on = mine.map(([from, to]) => `between(t,${from / 1000},${to / 1000})`).join('+');
  execFileSync('ffmpeg', [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi',
    '-i', `sine=f=${f0}:r=48000:d=${SHOW_MS / 1000},tremolo=f=2.7:d=1,volume='if(${on},0.5,0)':eval=frame`,
    '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-f', 'ogg', path,
  ]);
}

function buildRecording(startedAt: number): void {
  const folder = new RecordingFolder(join(replayDir, spaceId));
  mkdirSync(folder.dir, { recursive: true });
  const manifest: RecordingManifest = {
    version: 1,
    spaceId,
    title: 'The Analytical Hour: live Q&A',
    liveAt: startedAt,
    periods: [{ from: startedAt, to: startedAt + SHOW_MS, atMs: 0, after: 'start' }],
    tracks: people.map((name, index) => ({ index, memberId: `m${index}`, name, file: `speaker-${index}.opus` })),
    finished: { atMs: SHOW_MS, stereo: false },
  };
  const events = folder.openEventLog();
  people.forEach((name, k) => {
    events.append({ type: 'stage', atMs: joins[k]!, memberId: `m${k}`, name, change: 'joined', role: k === 0 ? 'host' : 'speaker', cause: k === 0 ? 'joined' : 'approved' });
    const mine = turns.filter((t) => t[0] === k).map(([, from, to]) => [from, to] as [number, number]);
    encodeTrack(folder.path(`speaker-${k}.opus`), [190, 220, 120, 205][k]!, mine);
    for (const [from, to] of mine) {
      events.append({ type: 'speech', atMs: from, track: k, edge: 'start' });
      events.append({ type: 'speech', atMs: to, track: k, edge: 'end' });
    }
  });
  for (const [atMs, title] of markers) events.append({ type: 'marker', atMs, title });
  [[0, 0, 0], [5000, 212, 212], [60_000, 934, 1180], [120_000, 1288, 1760], [170_000, 1041, 1903]].forEach(([atMs, listening, unique]) =>
    events.append({ type: 'audience', atMs: atMs!, listening: listening!, unique: unique! }),
  );
  events.close();
  folder.writeManifest(manifest);
}

const host = await startStudioHost({
  argv: ['--port', '0', '--workers', '1', '--log-level', 'warn'],
  env: { HOSTLINE_DATA_DIR: dir },
  staticDir: 'out/renderer',
  settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
  browserBridge: true,
  replayDir,
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const startedAt = Date.now() - SHOW_MS - 3_600_000;
  buildRecording(startedAt);
  const replays = host.server.sfu.replays;
  // A replay belongs to a Space the store knows: this one ended an hour ago.
  await host.server.platform.store.repos.spaces.create(
    {
      id: spaceId,
      title: 'The Analytical Hour: live Q&A',
      hostUserId: 'ada',
      status: 'ended',
      policy: { requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
      queue: [],
      talkTimeMs: {},
      createdAt: startedAt,
      startedAt,
      endedAt: startedAt + SHOW_MS,
      endReason: 'the host ended the space',
    },
    Date.now(),
  );
  await replays.store.saveReplay({
    spaceId,
    title: 'The Analytical Hour: live Q&A',
    hostUserId: 'ada',
    hostName: 'Ada Lovelace',
    status: 'processing',
    liveAt: startedAt,
    endedAt: startedAt + SHOW_MS,
    durationMs: SHOW_MS,
    trimStartMs: 0,
    retention: { mode: 'days', days: 30 },
    liveClips: false,
    ticketed: false,
    peakListeners: 1288,
    uniqueListeners: 1903,
  });
  const line = (lineId: string, at: number, who: string, text: string) => ({
    lineId, memberId: 'm', displayName: who, text, final: true, startedAt: startedAt + at, endedAt: startedAt + at + 3500,
    delayed: false, skippedSeconds: 0, hidden: false, editedBy: null, revision: 0,
  });
  host.server.sfu.captions.store.save({
    spaceId,
    title: 'The Analytical Hour: live Q&A',
    startedAt,
    lines: [line('a', 66_500, 'Alan Turing', 'I propose to consider the question, can machines think?'), line('b', 70_500, 'Alan Turing', 'We should begin with what we mean by machine')],
  });
  // Published as after a restart: the real packager, from the files.
  await replays.recover(new Set());

  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  await page.goto(`${host.server.httpUrl}/replay/${spaceId}`);
  await page.getByTestId('replay-play').waitFor({ timeout: 15_000 });
  await page.getByTestId('replay-captions').click();
  await page.evaluate('window.hostlineReplay.seek(68000)');
  await page.getByTestId('replay-speed-1.5').click();
  await page.getByTestId('replay-clip').click();
  await page.getByTestId('replay-clip-link').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(500);
  await page.getByTestId('replay').screenshot({ path: 'docs/replay-page.png' });
  console.log('saved docs/replay-page.png');

  const studio = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  await studio.goto(host.studioUrl);
  await studio.locator('[data-testid=mic-select] option:not([value=""])').first().waitFor({ state: 'attached', timeout: 15_000 });
  await studio.getByTestId('host-name').fill('Ada Lovelace');
  await studio.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await studio.getByTestId('replay-at-start').check();
  await studio.getByTestId('go-live').click();
  await studio.getByTestId('replay-panel').waitFor({ timeout: 15_000 });
  await studio.getByTestId('replay-live-clips').check();
  await studio.getByTestId('replay-marker-title').fill('Welcome');
  await studio.getByTestId('replay-marker').click();
  await studio.getByTestId('replay-markers').waitFor();
  await studio.getByTestId('replay-panel').screenshot({ path: 'docs/replay-studio-live.png' });
  console.log('saved docs/replay-studio-live.png');
} finally {
  await browser.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}
