// A SIGKILL of the SFU service while it records a replay. The built service runs as its own process
// with a data folder; a guest in Chromium beeps on stage; the process is killed without warning and
// started again on the same folder (on another port, so nobody comes back). The restored Space records
// on until its grace period ends, then the replay is published: its first part must hold everything up
// to at most 2 s before the kill (every beep that ended by then there, on schedule, read with ffmpeg and
// sox), and the outage is marked as a gap.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayInfo, ReplayTimeline } from '../../src/shared/replay';
import { launchChromium } from '../support/browser';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { decodeToWav, ffprobe, requireFfmpeg } from '../support/ffmpeg';
import { beepsOnSchedule, LOW_BAND } from '../support/replayPatterns';
import { bursts, soxSamples } from '../support/sox';
import { BEEP_PATTERN, writeBeepWav } from '../support/wav';

const CLI = join(import.meta.dirname, '..', '..', 'out', 'main', 'sfu.js');
/** The most a SIGKILL may cost the replay (the bound). */
const MAX_LOSS_S = 2;
/** How long the restored Space waits for its members before it ends (and its replay is published). */
const GRACE_MS = 5000;

function startService(dataDir: string): Promise<{ child: ChildProcess; httpUrl: string; logs: Array<Record<string, unknown>> }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--rtc-port', '0', '--workers', '1', '--grace-ms', String(GRACE_MS), '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'listening') resolve({ child, httpUrl: entry.httpUrl as string, logs });
      }
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });
}

describe('a SIGKILL of the service while it records a replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-replay-kill-'));
  const children: ChildProcess[] = [];
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the replay published after the restart holds everything up to 2 s before the kill', async () => {
    requireFfmpeg();
    const dataDir = join(dir, 'data');
    writeBeepWav(join(dir, 'guest.wav'));
    const first = await startService(dataDir);
    children.push(first.child);
    const host = fakeRoom(`${first.httpUrl.replace('http', 'ws')}/ws`);
    await host.connect();
    const created = await host.request('space.create', { title: 'Will be killed', hostName: 'Ada', replay: true });
    await host.join(created.hostToken);

    browser = await launchChromium({ micWav: join(dir, 'guest.wav') });
    const guest = await browser.newPage();
    await guest.goto(`${first.httpUrl}${created.listenPath}#invite=${encodeURIComponent(created.listenerInvite)}`);
    await guest.getByTestId('listener-name').fill('Grace');
    await guest.getByTestId('listen').click();
    await guest.getByTestId('recorded-mark').waitFor({ timeout: 15_000 });
    await guest.getByTestId('raise-hand').click();
    await eventually(() => expect(host.snapshot?.host?.queue.length).toBe(1), 10_000);
    await host.request('queue.approveNext', {});
    await guest.getByTestId('step-down').waitFor({ timeout: 15_000 });
    // Three cycles of the pattern on stage, then the kill.
    await guest.waitForTimeout(17_000);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    host.close();

    const second = await startService(dataDir);
    children.push(second.child);
    let info: ReplayInfo | undefined;
    await eventually(async () => {
      info = (await (await fetch(`${second.httpUrl}/api/replays/${created.spaceId}`)).json()) as ReplayInfo;
      expect(info.status).toBe('published');
    }, 60_000);
    // The restart brought the Space back and the recording carried on in it.
    expect(second.logs.some((l) => l.msg === 'space restored after a restart; waiting for its members to come back' && l.spaceId === created.spaceId)).toBe(true);
    const timeline = (await (await fetch(`${second.httpUrl}${info!.timelineUrl}`)).json()) as ReplayTimeline;
    expect(timeline.gaps.map((g) => g.why)).toEqual(['interrupted']);
    const liveS = (killedAt - info!.liveAt) / 1000;
    const keptS = timeline.gaps[0]!.atMs / 1000;
    const keptUntilS = liveS - MAX_LOSS_S;
    const file = join(dir, 'replay.webm');
    writeFileSync(file, Buffer.from(await (await fetch(`${second.httpUrl}${info!.audioUrl}`)).arrayBuffer()));
    const probe = ffprobe(file);
    console.info(`SIGKILL cost the replay ${(liveS - keptS).toFixed(2)} s (bound ${MAX_LOSS_S} s); the replay runs ${probe.durationSec.toFixed(2)} s with the restored part`);
    expect(keptS, `kept ${keptS} s of ${liveS} s before the kill`).toBeGreaterThan(keptUntilS);
    expect(keptS).toBeLessThanOrEqual(liveS + 0.1);
    // The restored part is there too (the Space lived on through its grace period).
    expect(probe.durationSec).toBeGreaterThan(keptS + 1);
    const wav = join(dir, 'replay.wav');
    decodeToWav(file, wav);
    const found = bursts(soxSamples(wav, LOW_BAND), 48_000, -30);
    // Every beep that ended by 2 s before the kill is there, where it was sent.
    const schedule = beepsOnSchedule(found, BEEP_PATTERN, 0.02, { untilS: keptUntilS });
    expect(schedule.failures, schedule.report).toEqual([]);
    expect(schedule.checked).toBeGreaterThanOrEqual(2 * BEEP_PATTERN.beeps.length);
  }, 150_000);
});
