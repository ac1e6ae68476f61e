// Crash safety: a process records in real time, is killed with SIGKILL mid-show, and the next start
// finds the interrupted recording, repairs it, and offers it marked "recovered" having lost at most 1 s.
// The recovered files are checked with sox, not with our own WAV code.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingService } from '../../src/main/services/recording/RecordingService';
import { encodeAudioBatch, type RecordingManifest, type RecordingSummary } from '../../src/shared/recording';
import { beepSignal, RATE } from '../support/recording';
import { bursts, soxi, soxSamples, soxStat } from '../support/sox';

const dir = mkdtempSync(join(tmpdir(), 'hostline-crash-'));

async function recordUntilKilled(root: string, seconds: number): Promise<number> {
  // Inside the repository, so the bundle's packages (zod) resolve from node_modules.
  const script = join(import.meta.dirname, '..', '..', 'out', 'test-child', 'recording-child.mjs');
  await build({ entryPoints: [join(import.meta.dirname, '..', 'support', 'recording-child.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
  const child = spawn(process.execPath, [script, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  let fed = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    for (const m of text.matchAll(/fed (\d+)/g)) fed = Number(m[1]);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (fed >= seconds * RATE) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited before the kill (${signal})`))));
  });
  return fed;
}

describe('a recording killed with SIGKILL', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is recovered on the next start with valid files that lose at most one second', async () => {
    const root = join(dir, 'recordings');
    const fedFrames = await recordUntilKilled(root, 4.3);

    const service = new RecordingService({ root });
    const recovered = await service.recoverInterrupted();
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ title: 'Crash test', recovered: true, status: 'complete', speakers: ['Ada', 'Grace'] });
    // The library offers it like any other recording; a second scan finds nothing left to repair.
    expect((await service.list()).map((r) => [r.id, r.recovered])).toEqual([[recovered[0]!.id, true]]);
    expect(await service.recoverInterrupted()).toEqual([]);

    const id = recovered[0]!.id;
    const manifest = JSON.parse(readFileSync(join(root, id, 'manifest.json'), 'utf8')) as RecordingManifest;
    expect(manifest).toMatchObject({ status: 'complete', recovered: true, stopReason: 'recovered' });
    expect(manifest.events.map((e) => [e.type, e.at])).toEqual([['stage.join', 1], ['marker', 1]]);
    const fedSeconds = fedFrames / RATE;
    const kept = manifest.tracks[0]!.frames / RATE;
    console.log(`crash test: fed ${fedSeconds.toFixed(2)} s before SIGKILL, recovered ${kept.toFixed(2)} s (lost ${((fedSeconds - kept) * 1000).toFixed(0)} ms)`);
    for (const track of manifest.tracks) {
      const file = join(root, id, track.file);
      const info = soxi(file);
      expect(info).toMatchObject({ rate: 48_000, channels: 1, bits: 32 });
      // At most one second lost, nothing invented.
      expect(info.seconds, `${track.file}: fed ${fedSeconds} s`).toBeGreaterThanOrEqual(fedSeconds - 1);
      expect(info.seconds).toBeLessThanOrEqual(fedSeconds + 1e-9);
      expect(track.frames).toBe(info.samples);
      // Recovered tracks end together, like finished ones.
      expect(info.samples).toBe(manifest.tracks[0]!.frames);
      // Every beep sox finds is where it was sent (every 0.5 s from 0.25 s, on the shared clock).
      const found = bursts(soxSamples(file), RATE);
      const firstBeep = track.kind === 'speaker' ? 1.25 : 0.25;
      expect(found.length).toBeGreaterThanOrEqual(Math.floor((info.seconds - firstBeep) / 0.5));
      for (const [i, b] of found.entries()) expect(Math.abs(b.start - (firstBeep + i * 0.5))).toBeLessThan(0.01);
      // Padding makes recovered tracks end together, so judge the loss by content: with a beep every
      // 0.5 s, losing at most 1 s leaves a beep starting after fed − 1.5 s.
      expect(found.at(-1)!.start, track.file).toBeGreaterThan(fedSeconds - 1.5 - 0.06);
      expect(soxStat(file)['Maximum amplitude']).toBeLessThanOrEqual(0.5);
    }
  }, 30_000);

  it('the headless studio killed with SIGKILL mid-show offers the recording as recovered when started again', async () => {
    const dataDir = join(dir, 'studio');
    const headless = join(import.meta.dirname, '..', '..', 'out', 'main', 'headless.js');
    const startStudio = async (): Promise<{ child: ChildProcess; url: string; token: string }> => {
      const child = spawn(process.execPath, [headless, '--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'error'], {
        env: { ...process.env, HOSTLINE_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // The printed address carries this run's bridge token.
      const printed = await new Promise<URL>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          const m = /Open the studio:\s+(\S+)/.exec(chunk.toString());
          if (m) resolve(new URL(m[1]!));
        });
        child.on('exit', () => reject(new Error('the studio exited')));
      });
      return { child, url: printed.origin, token: printed.searchParams.get('bridge')! };
    };
    let token = '';
    const bridged = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-hostline-bridge': token } });
    const post = (url: string, path: string, body: unknown) =>
      bridged(`${url}/api/studio/recording/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

    const first = await startStudio();
    token = first.token;
    await post(first.url, 'start', { spaceId: 's', title: 'Killed studio', originFrame: 0 });
    await post(first.url, 'tracks', { kind: 'mix', name: 'Mix' });
    await post(first.url, 'tracks', { kind: 'host', name: 'Ada', memberId: 'a' });
    const signal = beepSignal(Array.from({ length: 20 }, (_, i) => ({ start: 0.25 + i * 0.5, duration: 0.05, frequency: 700 })), 10);
    // Real time, as the studio page sends: 250 ms of both tracks four times a second.
    let acknowledged = 0;
    const began = performance.now();
    for (let at = 0; at < 3 * RATE; at += RATE / 4) {
      const samples = signal.subarray(at, at + RATE / 4);
      const batch = encodeAudioBatch([{ trackNo: 0, frame: at, samples }, { trackNo: 1, frame: at, samples }]);
      const res = await bridged(`${first.url}/api/studio/recording/audio`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: batch });
      expect(res.status).toBe(200);
      acknowledged = at + RATE / 4;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + (acknowledged / RATE) * 1000 - performance.now())));
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startStudio();
    token = second.token;
    try {
      const list = (await (await bridged(`${second.url}/api/studio/recordings`)).json()) as RecordingSummary[];
      expect(list).toMatchObject([{ title: 'Killed studio', recovered: true, status: 'complete', speakers: ['Ada'] }]);
      const manifest = (await (await bridged(`${second.url}/api/studio/recordings/${encodeURIComponent(list[0]!.id)}`)).json()) as RecordingManifest;
      for (const track of manifest.tracks) {
        const info = soxi(join(dataDir, 'recordings', list[0]!.id, track.file));
        expect(info).toMatchObject({ rate: 48_000, channels: 1 });
        expect(info.seconds).toBeGreaterThanOrEqual(acknowledged / RATE - 1);
        expect(info.seconds).toBeLessThanOrEqual(acknowledged / RATE);
      }
    } finally {
      second.child.kill('SIGTERM');
    }
  }, 40_000);
});
