// Load shedding as a listener sees it, in Chromium: the caption worker runs a deliberately slow engine
// (tests/support/throttled-caption-worker.ts) behind two people talking at once, and the listener page
// with Show captions on must say captions are running behind, then that words are being skipped, show
// lines marked delayed and "(… s skipped)", and keep playing the speakers' audio all along (its
// receivers' packet counts climb at 50 a second, none lost).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { buildCaptionWorker, captionedStage, requireCaptionTools, type CaptionedStage } from '../support/captions';
import { startTestServer, type TestServer } from '../support/server';
import { SENTENCES, talk } from '../support/talk';

requireCaptionTools();

/** Packets each of the page's audio receivers has taken so far, and how many it lost. */
function received(page: Page): Promise<Array<{ packets: number; lost: number }>> {
  return page.evaluate(async () => {
    const room = window.hostlineListener!.room;
    const out: Array<{ packets: number; lost: number }> = [];
    for (const remote of room.remoteTracks()) {
      const stats = await remote.consumer.getStats();
      for (const s of stats.values()) if (s.type === 'inbound-rtp') out.push({ packets: s.packetsReceived ?? 0, lost: s.packetsLost ?? 0 });
    }
    return out;
  });
}

describe('load shedding on the listener page, in Chromium', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;
  let stage: CaptionedStage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-captions-load-'));
    server = await startTestServer({ captionWorkerScript: await buildCaptionWorker({ throttle: 3 }), dataDir: dir, captionShedMs: 3000, logLevel: 'warn' });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    stage?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says captions are behind, then that words are skipped, marks the lines, and the audio plays on', async () => {
    stage = await captionedStage(server, ['Ada', 'Grace'], 'Overloaded show');
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.httpUrl}/listen/${stage.spaceId}#invite=${encodeURIComponent(stage.listenerInvite)}`);
    await page.getByTestId('listener-name').fill('Linus');
    await page.getByTestId('listen').click();
    await page.getByTestId('listen-status').waitFor({ timeout: 30_000 });
    await page.getByTestId('show-captions').click();
    await expect.poll(async () => (await received(page)).length, { timeout: 15_000 }).toBe(2);

    const talks = [talk(dir, 'festival', SENTENCES.slice(0, 3), { gap: 0.8 }), talk(dir, 'festival', SENTENCES.slice(3, 6), { gap: 0.8, lead: 1.3 })];
    const speaking = Promise.all(stage.speakers.map((s, i) => s.mic.speak(talks[i]!)));
    const notice = page.getByTestId('captions-load');
    await expect.poll(() => notice.innerText().catch(() => ''), { timeout: 30_000, interval: 100 }).toMatch(/running behind: lines arrive late/);
    const before = await received(page);
    await expect.poll(() => notice.innerText().catch(() => ''), { timeout: 30_000, interval: 100 }).toMatch(/some words are being skipped/);
    expect(await notice.innerText()).toMatch(/The audio is not affected/);
    // While captions are shedding, the speakers' audio keeps arriving: about 50 packets a second each.
    const t0 = Date.now();
    await page.waitForTimeout(2000);
    const after = await received(page);
    const seconds = (Date.now() - t0) / 1000;
    for (const [i, r] of after.entries()) {
      const rate = (r.packets - before[i]!.packets) / seconds;
      console.log(`receiver ${i}: ${r.packets} packets, ${r.lost} lost, ${rate.toFixed(0)} a second while shedding`);
      expect(rate).toBeGreaterThan(35);
      expect(r.lost).toBe(0);
    }
    await speaking;

    // The lines say what happened to them.
    const flags = page.locator('[data-testid="caption-line"][data-final="true"] .caption-flag');
    await expect.poll(() => flags.allInnerTexts(), { timeout: 60_000 }).toEqual(expect.arrayContaining(['delayed', expect.stringMatching(/^\(\d+(\.\d)? s skipped\)$/)]));
    // Once the talking stops the worker catches up and the notice goes.
    await expect.poll(() => notice.count(), { timeout: 90_000 }).toBe(0);
  }, 240_000);
});
