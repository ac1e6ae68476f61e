// The SFU service process is killed (SIGKILL) during a live Space, with the host in the studio and a
// listener, both in Chromium, and started again on the same port and data folder. Without anyone
// pressing anything, the listener hears the host again within 5 s of the restart, as the same member,
// and the host's studio shows the same stage and queue.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { dbOf } from '../support/pattern';
import { listen } from '../support/studio';
import { makeTempDir } from '../support/tempDir';
import { SAMPLE_RATE, writeWav } from '../support/wav';

const HEADLESS = join(import.meta.dirname, '..', '..', 'out', 'main', 'headless.js');
const AUDIBLE_DB = -40;

/** A beep of 100 ms every 250 ms, for as long as the test runs. */
function writeBeeps(path: string, seconds: number): void {
  const samples = new Float32Array(seconds * SAMPLE_RATE);
  for (let i = 0; i < samples.length; i++) {
    const t = i / SAMPLE_RATE;
    samples[i] = t % 0.25 < 0.1 ? 0.4 * Math.sin(2 * Math.PI * 880 * t) : 0;
  }
  writeWav(path, samples);
}

/** The headless studio (studio host with its embedded SFU) as its own process; resolves once it serves. */
function startStudioProcess(dataDir: string, port: number): Promise<{ child: ChildProcess; url: URL; readyAt: number }> {
  const child = spawn(process.execPath, [HEADLESS, '--port', String(port), '--workers', '1', '--rtc-port', '0', '--log-level', 'warn', '--grace-ms', '30000'], {
    env: { ...process.env, HOSTLINE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Open the studio:\s+(\S+)/.exec(out);
      if (m) resolve({ child, url: new URL(m[1]!), readyAt: Date.now() });
    });
    child.once('exit', (code) => reject(new Error(`the studio exited with ${code}`)));
  });
}

describe('the SFU service process is killed during a live Space, in Chromium', () => {
  const dir = makeTempDir('hostline-e2e-restart');
  const browsers: Browser[] = [];
  const children: ChildProcess[] = [];
  let host: Page;
  let listener: Page;
  let asker: Page;

  beforeAll(async () => {
    const beeps = join(dir.path, 'beeps.wav');
    writeBeeps(beeps, 60);
    browsers.push(await launchChromium({ micWav: beeps }), await launchChromium());
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    for (const c of children) c.kill('SIGKILL');
    dir.remove();
  });

  it('comes back: the listener hears the host within 5 s of the restart, with the same roles and queue', async () => {
    const first = await startStudioProcess(dir.path, 0);
    children.push(first.child);
    host = await browsers[0]!.newPage();
    await host.goto(first.url.toString());
    await eventually(async () => expect(await host.locator('[data-testid=mic-select] option').count()).toBeGreaterThan(0), 15_000);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('space-title-input').fill('Restart drill');
    await host.getByTestId('go-live').click();
    const link = await host.getByTestId('share-link').inputValue({ timeout: 15_000 });
    listener = await browsers[1]!.newPage();
    asker = await (await browsers[1]!.newContext()).newPage();
    await listen(listener, link, 'Lin');
    await listen(asker, link, 'Ash');
    await asker.getByTestId('raise-hand').click();
    await eventually(async () => expect(await host.getByTestId('queue-entry').count()).toBe(1), 10_000);
    // Who is on the Stage and in which role (the talk-time clock and "speaking" move on their own).
    const stage = async () => (await host.getByTestId('stage-member').allInnerTexts()).map((t) => t.split('\n').slice(0, 3).join(' · '));
    const stageBefore = await stage();
    expect(stageBefore).toEqual(['A · Ada (you) · Host']);
    const memberId = await listener.evaluate(() => window.hostlineListener!.room.memberId);
    const t0 = await listener.evaluate(() => performance.now());
    await listener.waitForTimeout(1000);
    const before = await listener.evaluate((from) => window.hostlineListener!.meter.history().filter((r) => r.wallTime > from).map((r) => r.rms), t0);
    expect(Math.max(...before.map(dbOf))).toBeGreaterThan(AUDIBLE_DB);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startStudioProcess(dir.path, Number(first.url.port));
    children.push(second.child);
    // The page's clock at the moment the service answered again.
    const restartedAt = await listener.evaluate(() => performance.now());
    let back: number | undefined;
    await expect
      .poll(
        async () =>
          (back = await listener.evaluate(
            ([from, threshold]) => window.hostlineListener!.meter.history().find((r) => r.wallTime > from! && r.rms > 10 ** (threshold! / 20))?.wallTime,
            [restartedAt, AUDIBLE_DB],
          )),
        { timeout: 8000, interval: 100 },
      )
      .toBeDefined();
    console.log(`SFU service SIGKILLed and restarted: the listener hears the host ${Math.round(back! - restartedAt)} ms after the restart`);
    expect(back! - restartedAt).toBeLessThan(5000);
    expect(await listener.evaluate(() => window.hostlineListener!.room.memberId)).toBe(memberId);
    await expect.poll(stage).toEqual(stageBefore);
    expect(await host.getByTestId('queue-entry').allInnerTexts()).toEqual([expect.stringMatching(/Ash/)]);
    await expect.poll(() => asker.getByTestId('hand-status').innerText()).toMatch(/number 1 in line/);
    await expect.poll(() => host.getByTestId('listener-count').innerText()).toBe('2 listeners');
  }, 90_000);
});
