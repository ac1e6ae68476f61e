// Benchmark: what a server-side replay costs. (1) Recording, per live speaker: a real mediasoup worker
// and Space with N speakers on stage sending real Opus (from a child process), measured without and
// then with the ReplayRecorder (stage tap consumers, Ogg writing, flushes): extra CPU of the service's
// Node process and of the mediasoup worker, and bytes written per hour. (2) Publishing: the packager
// (ffmpeg mix to Opus/WebM, timeline) on one-hour recordings of 2, 6 and 13 speakers, built from real
// Opus packets (each speaker talks in turn; between turns their open microphone sends room noise):
// wall time, and ffmpeg's own CPU seconds (what the wall time comes to on an idle core; ffmpeg runs at nice 10).
// Run: npm run bench:replay   (BENCH_SPEAKERS, BENCH_SECONDS, BENCH_HOUR_SPEAKERS to change; figures in docs/PERFORMANCE.md)
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../src/server/logger';
import { OggOpusWriter } from '../src/server/replay/OggOpusWriter';
import { opusPacketSamples } from '../src/server/replay/opus';
import { RecordingFolder, type RecordingManifest } from '../src/server/replay/RecordingFolder';
import { packageReplay, publishView } from '../src/server/replay/ReplayPackager';
import { ReplayRecorder } from '../src/server/replay/ReplayRecorder';
import { oggPackets } from '../tests/support/ogg';
import { spaceContext } from '../tests/support/spaceContext';
import { cpuMs } from './support';

const SPEAKERS = Number(process.env.BENCH_SPEAKERS ?? 13);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const HOUR_SPEAKERS = (process.env.BENCH_HOUR_SPEAKERS ?? '2,6,13').split(',').map(Number);
const HOUR_MS = Number(process.env.BENCH_HOUR_MS ?? 3_600_000);
/** Turns of talk in the synthetic hour, each this long, rotating through the speakers. */
const TURN_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'hostline-bench-replay-'));
const logger = new Logger('warn', {}, () => {});
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`replay benchmark · ${cpus().length} cores · load average ${load()}`);

// Speech-like sound (pink noise in syllables) and a quiet room, encoded as a browser would send them.
const speechOgg = join(dir, 'speech.ogg');
const roomOgg = join(dir, 'room.ogg');
const encode = (filter: string, out: string) =>
  execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', filter, '-t', '30', '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20', out]);
encode('anoisesrc=color=pink:amplitude=0.3:r=48000,tremolo=f=4:d=0.9', speechOgg);
encode('anoisesrc=color=pink:amplitude=0.003:r=48000', roomOgg);

const speech = oggPackets(speechOgg);
const room = oggPackets(roomOgg);

// ---- (1) recording cost per live speaker ----------------------------------------------------------

async function recordingCost() {
  const ctx = await spaceContext({ policy: { maxSpeakers: 20 } });
  const { worker, space } = ctx;
  const router = space.router;
  const host = ctx.join('Host', 'host');
  const targets: Array<{ port: number; ssrc: number }> = [];
  for (let i = 0; i < SPEAKERS; i++) {
    const member = i === 0 ? host : ctx.join(`Speaker ${i}`, 'listener', { canRequest: true });
    if (i > 0) {
      space.queue.raise(member);
      space.queue.approve(host, member);
    }
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const ssrc = 0x5000 + i;
    const producer = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
        encodings: [{ ssrc }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 }],
      },
    });
    await space.addProducer(member, producer);
    targets.push({ port: transport.tuple.localPort, ssrc });
  }
  // npm runs benchmarks from the repository's root; the bundled bench itself lives in out/bench.
  const sender = fork(join(process.cwd(), 'bench', 'replay-sender.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  sender.send({ cmd: 'start', packets: speech.map((p) => p.toString('base64')), targets });
  await new Promise((r) => setTimeout(r, 3000));

  const measure = async () => {
    const node = process.cpuUsage();
    const workerBefore = cpuMs(worker.pid);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const wall = performance.now() - started;
    const nodeUsage = process.cpuUsage(node);
    return { nodePct: (100 * (nodeUsage.user + nodeUsage.system)) / 1000 / wall, workerPct: (100 * (cpuMs(worker.pid) - workerBefore)) / wall, wall };
  };
  const without = await measure();
  const recordingDir = join(dir, 'live');
  const recorder = await ReplayRecorder.start(space, recordingDir, logger);
  await new Promise((r) => setTimeout(r, 1000));
  const bytesBefore = folderBytes(recordingDir);
  const withRecorder = await measure();
  const bytes = folderBytes(recordingDir) - bytesBefore;
  const stats = recorder.stats();
  const finished = recorder.finish();
  const publishStarted = performance.now();
  const master = await packageReplay(finished.folder);
  await publishView(finished.folder, master, 0);
  const publishMs = performance.now() - publishStarted;
  sender.send({ cmd: 'stop' });
  sender.disconnect();
  await ctx.close();

  const perSpeaker = (a: number, b: number) => ((b - a) / SPEAKERS).toFixed(2);
  console.log(`\n(1) recording ${SPEAKERS} live speakers for ${SECONDS} s (load average ${load()})`);
  console.log(`  service (Node) CPU: ${without.nodePct.toFixed(2)} % of a core without the recorder, ${withRecorder.nodePct.toFixed(2)} % with it: ${perSpeaker(without.nodePct, withRecorder.nodePct)} % per speaker`);
  console.log(`  mediasoup worker CPU: ${without.workerPct.toFixed(2)} % → ${withRecorder.workerPct.toFixed(2)} %: ${perSpeaker(without.workerPct, withRecorder.workerPct)} % per speaker (the tap's consumers)`);
  console.log(`  written: ${((bytes / (withRecorder.wall / 1000)) * 3600 / SPEAKERS / 1e6).toFixed(1)} MB per speaker per hour (Opus as sent, in Ogg)`);
  console.log(`  packets kept: ${stats.reduce((n, s) => n + s.packets, 0)}, dropped ${stats.reduce((n, s) => n + s.dropped, 0)}, re-anchored ${stats.reduce((n, s) => n + s.reanchors, 0)}`);
  console.log(`  published this ${(finished.durationMs / 1000).toFixed(0)} s recording in ${(publishMs / 1000).toFixed(2)} s`);
}

function folderBytes(path: string): number {
  return readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0);
}

// ---- (2) publish time per hour of Space -------------------------------------------------------------

/** A finished one-hour recording folder: each speaker talks in turn; between turns, their room. */
function syntheticHour(speakers: number): RecordingFolder {
  const folder = new RecordingFolder(join(dir, `hour-${speakers}`));
  mkdirSync(folder.dir, { recursive: true });
  const manifest: RecordingManifest = {
    version: 1,
    spaceId: `hour-${speakers}`,
    title: `One hour, ${speakers} speakers`,
    liveAt: Date.now() - HOUR_MS,
    periods: [{ from: Date.now() - HOUR_MS, to: Date.now(), atMs: 0, after: 'start' }],
    tracks: [],
    finished: { atMs: HOUR_MS, stereo: false },
  };
  const events = folder.openEventLog();
  const packetsPerHour = HOUR_MS / 20;
  for (let s = 0; s < speakers; s++) {
    const file = `speaker-${s}.opus`;
    manifest.tracks.push({ index: s, memberId: `m${s}`, name: `Speaker ${s + 1}`, file });
    const writer = OggOpusWriter.create(folder.path(file), { channels: 2, title: file });
    let talking = false;
    for (let p = 0; p < packetsPerHour; p++) {
      const atMs = p * 20;
      const turn = Math.floor(atMs / TURN_MS) % speakers === s;
      if (turn !== talking) {
        events.append({ type: 'speech', atMs, track: s, edge: turn ? 'start' : 'end' });
        talking = turn;
      }
      const packet = (turn ? speech : room)[p % (turn ? speech.length : room.length)]!;
      writer.write(packet, opusPacketSamples(packet));
      if (p % 50 === 49) writer.flush();
    }
    writer.close(true);
  }
  events.close();
  folder.writeManifest(manifest);
  return folder;
}

async function publishTimes() {
  console.log(`\n(2) publishing one hour of Space (mix to Opus/WebM ${'48k'}, timeline), by speakers on stage`);
  for (const speakers of HOUR_SPEAKERS) {
    const folder = syntheticHour(speakers);
    const input = manifestBytes(folder);
    const loadBefore = load();
    const started = performance.now();
    const cpuBefore = childCpuSeconds();
    const master = await packageReplay(folder);
    await publishView(folder, master, 0);
    const seconds = (performance.now() - started) / 1000;
    const ffmpegCpu = childCpuSeconds() - cpuBefore;
    const share = (100 * seconds * 1000) / HOUR_MS;
    console.log(
      `  ${String(speakers).padStart(2)} speakers: ${seconds.toFixed(1)} s for ${(HOUR_MS / 60_000).toFixed(0)} min (${share.toFixed(2)} % of the Space's length), ffmpeg CPU ${ffmpegCpu.toFixed(1)} s; ` +
        `tracks ${(input / 1e6).toFixed(0)} MB → replay ${(statSync(folder.path('replay.webm')).size / 1e6).toFixed(1)} MB · load average before ${loadBefore}`,
    );
    rmSync(folder.dir, { recursive: true, force: true });
  }
}

/** CPU seconds of this process's finished children (ffmpeg): cutime + cstime from /proc/self/stat. */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ", state is field 3; cutime and cstime are fields 16 and 17, in clock ticks (100 Hz).
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function manifestBytes(folder: RecordingFolder): number {
  return folder.readManifest().tracks.reduce((n, t) => n + statSync(folder.path(t.file)).size, 0);
}

try {
  await recordingCost();
  await publishTimes();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
