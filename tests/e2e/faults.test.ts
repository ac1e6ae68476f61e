// Faults with real audio in Chromium: the mediasoup worker is killed mid-show, every worker is killed
// at once, and a listener's network drops for 5 s. Each time the audio must come back on its own,
// with roles and the queue intact, and the Space stays live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { dbOf } from '../support/pattern';
import { goLive, listen, startTestStudio } from '../support/studio';
import { SAMPLE_RATE, writeBeepWav, writeWav } from '../support/wav';


/** A warble that never stops (pitch changes every 50 ms), so any gap in what arrives is the fault's. */
function writeWarble(path: string, seconds: number): void {
  const samples = new Float32Array(seconds * SAMPLE_RATE);
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const frequency = 300 + ((Math.floor(i / (0.05 * SAMPLE_RATE)) * 7919) % 1200);
    phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
    samples[i] = 0.4 * Math.sin(phase);
  }
  writeWav(path, samples);
}

const AUDIBLE_DB = -40;

/** Wall-clock time (page's performance.now) of the first audible reading after `since`, or undefined. */
async function firstAudibleAfter(page: Page, since: number): Promise<number | undefined> {
  return page.evaluate(
    ([from, threshold]) =>
      window.hostlineListener!.meter
        .history()
        .find((r) => r.wallTime > from! && r.rms > 10 ** (threshold! / 20))?.wallTime,
    [since, AUDIBLE_DB],
  );
}

async function loudestSince(page: Page, since: number): Promise<number> {
  const levels = await page.evaluate((from) => window.hostlineListener!.meter.history().filter((r) => r.wallTime > from).map((r) => r.rms), since);
  return Math.max(-100, ...levels.map(dbOf));
}

describe('faults with real audio, in Chromium', () => {
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let listener: Page;
  let asker: Page;
  let cdp: CDPSession;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-faults-'));

  beforeAll(async () => {
    const warble = join(dir, 'warble.wav');
    writeWarble(warble, 20);
    studio = await startTestStudio(dir);
    browsers.push(await launchChromium({ micWav: warble }), await launchChromium());
    host = await browsers[0]!.newPage();
    const audienceContext = browsers[1]!;
    listener = await audienceContext.newPage();
    asker = await audienceContext.newPage();
    cdp = await listener.context().newCDPSession(listener);
    const link = await goLive(host, studio, 'Ada', 'Fault drill');
    await listen(listener, link, 'Lin');
    await listen(asker, link, 'Ash');
    await asker.getByTestId('raise-hand').click();
    await eventually(async () => expect(await host.getByTestId('queue-entry').count()).toBe(1), 10_000);
    // The audio is flowing before any fault.
    const start = await listener.evaluate(() => performance.now());
    await listener.waitForTimeout(1000);
    expect(await loudestSince(listener, start)).toBeGreaterThan(AUDIBLE_DB);
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the mediasoup worker is killed: audio flows again within 3 s, roles and the queue intact', async () => {
    const [worker] = studio.server.sfu.pool.workers();
    const killedAt = await listener.evaluate(() => performance.now());
    process.kill(worker!.pid, 'SIGKILL');
    // The audio stops (a silent stretch after the kill), then comes back.
    let back: number | undefined;
    await expect
      .poll(async () => {
        const readings = await listener.evaluate((from) => window.hostlineListener!.meter.history().filter((r) => r.wallTime > from).map((r) => [r.wallTime, r.rms] as const), killedAt);
        // The first audible reading after a silent stretch (the gap) that began after the kill.
        let silentSeen = false;
        for (const [t, rms] of readings) {
          if (dbOf(rms) < AUDIBLE_DB - 20) silentSeen = true;
          else if (silentSeen && dbOf(rms) > AUDIBLE_DB) return (back = t);
        }
        return undefined;
      }, { timeout: 6000 })
      .toBeDefined();
    console.log(`worker killed: audio back after ${Math.round(back! - killedAt)} ms`);
    expect(back! - killedAt).toBeLessThan(3000);
    await expect.poll(() => host.getByTestId('stage-member').allInnerTexts()).toEqual([expect.stringMatching(/Ada.*Host/s)]);
    expect(await host.getByTestId('queue-entry').allInnerTexts()).toEqual([expect.stringMatching(/Ash/)]);
    await expect.poll(() => asker.getByTestId('hand-status').innerText()).toMatch(/number 1 in line/);
    expect(studio.server.sfu.pool.workers()[0]!.pid).not.toBe(worker!.pid);
  });

  it('a listener’s network drops for 5 s: they come back on their own and hear the show again', async () => {
    const memberId = await listener.evaluate(() => window.hostlineListener!.room.memberId);
    // Offline for new connections, and the current socket and media transport dropped.
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await listener.evaluate(() => window.hostlineListener!.room.signaling.close());
    await expect.poll(() => listener.getByTestId('notice').innerText()).toMatch(/reconnecting/);
    await listener.waitForTimeout(5000);
    const downUntil = await listener.evaluate(() => performance.now());
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect.poll(() => listener.getByTestId('notice').innerText(), { timeout: 15_000 }).toBe('Reconnected.');
    await expect.poll(() => firstAudibleAfter(listener, downUntil), { timeout: 10_000 }).toBeDefined();
    expect(await listener.evaluate(() => window.hostlineListener!.room.memberId)).toBe(memberId);
    await expect.poll(() => host.getByTestId('listener-count').innerText()).toBe('2 listeners');
  });
});

describe('every mediasoup worker killed at once, in Chromium', () => {
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let listener: Page;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-all-workers-'));

  beforeAll(async () => {
    // Beeps of 100 ms every 250 ms for 60 s: any beep heard after the restart came through the new worker.
    const beeps = join(dir, 'beeps.wav');
    writeBeepWav(beeps, { beeps: Array.from({ length: 240 }, (_, i) => ({ start: i * 0.25, duration: 0.1, frequency: 1000 })), length: 60 });
    studio = await startTestStudio(dir, ['--workers', '2']);
    browsers.push(await launchChromium({ micWav: beeps }), await launchChromium());
    host = await browsers[0]!.newPage();
    listener = await browsers[1]!.newPage();
    const link = await goLive(host, studio, 'Ada', 'Two workers down');
    await listen(listener, link, 'Lin');
    const start = await listener.evaluate(() => performance.now());
    await listener.waitForTimeout(1000);
    expect(await loudestSince(listener, start)).toBeGreaterThan(AUDIBLE_DB);
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the Space stays live and the listener hears the host’s beeps again within 3 s', async () => {
    const pool = studio.server.sfu.pool;
    const pids = pool.workers().map((w) => w.pid);
    expect(pids).toHaveLength(2);
    const [space] = studio.server.sfu.spaces();
    await listener.evaluate(() => {
      const w = window as unknown as { restartedAt?: number };
      window.hostlineListener!.room.on('mediarestart', () => (w.restartedAt ??= performance.now()));
    });
    const killedAt = await listener.evaluate(() => performance.now());
    const killedWall = Date.now();
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    // Where the time goes, seen from the server: the host sending again, the listener consuming again.
    const oldRouter = space!.router;
    const steps: Record<string, number> = {};
    const watch = setInterval(() => {
      const now = Date.now() - killedWall;
      if (space!.router !== oldRouter && !space!.router.closed) steps.moved ??= now;
      if (steps.moved !== undefined && space!.producers().length > 0) steps.hostProducing ??= now;
      const lin = space!.members().find((m) => m.displayName === 'Lin');
      if (steps.hostProducing !== undefined && lin && lin.consumers.size > 0) steps.listenerConsuming ??= now;
      if (steps.listenerConsuming !== undefined && [...lin!.consumers.values()].some((c) => !c.paused)) steps.listenerResumed ??= now;
    }, 10);
    // Audible after the listener set its media up again: only the new worker can have carried it.
    const restartedAt = () => listener.evaluate(() => (window as unknown as { restartedAt?: number }).restartedAt);
    await expect.poll(restartedAt, { timeout: 5000 }).toBeDefined();
    const restarted = (await restartedAt())!;
    let back: number | undefined;
    await expect.poll(async () => (back = await firstAudibleAfter(listener, restarted)), { timeout: 6000 }).toBeDefined();
    clearInterval(watch);
    console.log(
      `every worker killed: the listener hears the beeps again after ${Math.round(back! - killedAt)} ms ` +
        `(server: space on a new router ${steps.moved} ms, host producing ${steps.hostProducing} ms, listener consuming ${steps.listenerConsuming} ms, resumed ${steps.listenerResumed} ms; ` +
        `listener's media restart ${Math.round(restarted - killedAt)} ms)`,
    );
    expect(back! - killedAt).toBeLessThan(3000);
    expect(space!.status).toBe('live');
    expect(await host.getByTestId('stage-member').allInnerTexts()).toEqual([expect.stringMatching(/Ada.*Host/s)]);
    await expect.poll(() => pool.size).toBe(2);
    for (const worker of pool.workers()) expect(pids).not.toContain(worker.pid);
  });
});

