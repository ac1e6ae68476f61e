// Benchmark: what recording costs in the studio's main process for a 13-speaker show plus the mix (14
// tracks): CPU and bytes written per hour of show. Synthetic 100 ms chunks go through the real path
// (encodeAudioBatch → RecordingService.appendBatch → WAV writers, flushes and fdatasync, disk checks) at
// SPEED times real time; flushes are scaled by the same factor, so flushes per hour of show are real.
// Run: npm run bench:recording   (figures in docs/PERFORMANCE.md)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingService } from '../src/main/services/recording/RecordingService';
import { encodeAudioBatch, RECORDING_SAMPLE_RATE as RATE, type AudioChunk } from '../src/shared/recording';

const SPEAKERS = 13;
const TRACKS = SPEAKERS + 1;
const SHOW_SECONDS = Number(process.env.BENCH_SECONDS ?? 240);
const SPEED = Number(process.env.BENCH_SPEED ?? 8);
/** The renderer sends a batch every 250 ms holding each track's 100 ms chunks. */
const BATCH_SECONDS = 0.25;
const CHUNK = RATE / 10;

function ioWriteBytes(): number {
  const m = /write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return Number(m?.[1] ?? 0);
}

const root = mkdtempSync(join(tmpdir(), 'hostline-bench-rec-'));
const service = new RecordingService({ root, flushIntervalMs: 500 / SPEED });
let flushes = 0;
// Every flush tick reports the status (after the set-up below, nothing else does).
service.on('status', () => flushes++);

// Speech-like content per speaker (a tone with syllables), different per track, so pages differ.
const signals = Array.from({ length: TRACKS }, (_, k) => {
  const s = new Float32Array(RATE);
  for (let i = 0; i < s.length; i++) s[i] = 0.2 * Math.sin((2 * Math.PI * (120 + 17 * k) * i) / RATE) * Math.max(0, Math.sin((2 * Math.PI * 3 * i) / RATE));
  return s;
});

await service.start({ spaceId: 'bench', title: 'Thirteen speakers' });
await service.addTrack({ kind: 'mix', name: 'Mix' });
for (let k = 0; k < SPEAKERS; k++) await service.addTrack({ kind: k === 0 ? 'host' : 'speaker', name: `Speaker ${k + 1}`, memberId: `m${k}` });

flushes = 0;
const cpuBefore = process.cpuUsage();
const ioBefore = ioWriteBytes();
const wallStart = performance.now();
let encodeMs = 0;
let appendMs = 0;
let frame = 0;
const total = SHOW_SECONDS * RATE;
while (frame < total) {
  const chunks: AudioChunk[] = [];
  for (let at = frame; at < frame + BATCH_SECONDS * RATE; at += CHUNK) {
    for (let t = 0; t < TRACKS; t++) {
      const offset = at % RATE;
      chunks.push({ trackNo: t, frame: at, samples: signals[t]!.subarray(offset, offset + CHUNK) });
    }
  }
  const e0 = performance.now();
  const batch = new Uint8Array(encodeAudioBatch(chunks));
  const e1 = performance.now();
  service.appendBatch(batch);
  appendMs += performance.now() - e1;
  encodeMs += e1 - e0;
  frame += BATCH_SECONDS * RATE;
  // Pace at SPEED × real time, so the writers and flushes keep up the way they must live.
  const due = wallStart + ((frame / RATE) * 1000) / SPEED;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
}
const summary = await service.stop();
const wallSeconds = (performance.now() - wallStart) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const ioBytes = ioWriteBytes() - ioBefore;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const perHour = 3600 / SHOW_SECONDS;

const results = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  loadAverage1m: loadavg()[0] ?? 0,
  tracks: TRACKS,
  showSeconds: SHOW_SECONDS,
  speed: SPEED,
  wallSeconds: Number(wallSeconds.toFixed(1)),
  recordedSeconds: summary.durationSec,
  cpuSecondsPerShowHour: Number((cpuSeconds * perHour).toFixed(1)),
  cpuShareOfOneCoreLive: Number(((100 * cpuSeconds) / SHOW_SECONDS).toFixed(2)),
  appendMsPerShowHour: Math.round(appendMs * perHour),
  encodeMsPerShowHour: Math.round(encodeMs * perHour),
  fileBytesPerShowHour: Math.round(summary.sizeBytes * perHour),
  diskWriteBytesPerShowHour: Math.round(ioBytes * perHour),
  flushesPerShowHour: Math.round(flushes * perHour),
};
console.log(`recording ${TRACKS} tracks (${SPEAKERS} speakers + mix), ${SHOW_SECONDS} s of show at ${SPEED}× real time, load ${results.loadAverage1m.toFixed(1)}`);
console.log(`  CPU (main process, all of it):  ${results.cpuSecondsPerShowHour} s per hour of show = ${results.cpuShareOfOneCoreLive} % of one core live`);
console.log(`    of which appendBatch:         ${(results.appendMsPerShowHour / 1000).toFixed(1)} s/h;  encoding (renderer's share): ${(results.encodeMsPerShowHour / 1000).toFixed(1)} s/h`);
console.log(`  files:                          ${(results.fileBytesPerShowHour / 1e9).toFixed(2)} GB per hour of show`);
console.log(`  written to disk (/proc io):     ${(results.diskWriteBytesPerShowHour / 1e9).toFixed(2)} GB per hour of show`);
console.log(`  flushes (header patch + fdatasync of every track): ${results.flushesPerShowHour} per hour`);
mkdirSync('out/bench-results', { recursive: true });
writeFileSync('out/bench-results/recording.json', `${JSON.stringify(results, null, 2)}\n`);
rmSync(root, { recursive: true, force: true });
