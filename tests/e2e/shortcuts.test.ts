// The studio's keyboard shortcuts end to end in Chromium, pressed as a host presses them: approve the
// next request (not while typing in a field), mute yourself (the listener hears silence), add a marker
// (it lands on the recording's timeline). Keys go through the page's one shortcut router.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { dbOf, findSegments, type Reading } from '../support/pattern';
import { goLive, listen, startTestStudio } from '../support/studio';
import { BEEP_PATTERN, writeBeepWav } from '../support/wav';


/** The default keys (console-settings.ts), as Playwright names them. */
const KEYS = { approveNext: 'Control+Shift+KeyA', muteSelf: 'Control+KeyM', marker: 'Control+KeyK' };

async function heard(page: Page, sinceWallMs: number): Promise<Reading[]> {
  return page.evaluate(
    (since) => window.hostlineListener!.meter.history().filter((r) => r.wallTime >= since).map((r) => ({ time: r.time, rms: r.rms })),
    sinceWallMs,
  );
}

describe('the studio’s shortcut keys, in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-keys-'));
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let guest: Page;

  beforeAll(async () => {
    const beeps = join(dir, 'beeps.wav');
    writeBeepWav(beeps);
    studio = await startTestStudio(dir);
    browsers.push(await launchChromium({ micWav: beeps }), await launchChromium());
    const pages = await Promise.all(browsers.map((b) => b.newPage()));
    [host, guest] = [pages[0]!, pages[1]!];
    for (const page of pages) page.on('pageerror', (e) => console.error('page error:', e.message));
    const link = await goLive(host, studio, 'Ada', 'Keyboard hour');
    await listen(guest, link, 'Grace');
    await guest.getByTestId('raise-hand').click();
    await host.getByTestId('queue-entry').waitFor({ timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the approve-next key does nothing while the host types in a field, and brings the first hand on stage otherwise', async () => {
    const search = host.getByPlaceholder('Find a listener by name');
    await search.click();
    await host.keyboard.press(KEYS.approveNext);
    await host.waitForTimeout(1000);
    expect(await guest.getByTestId('hand-status').innerText()).toMatch(/number 1 in line/);
    // What was typed went into the field, as it should.
    await host.keyboard.type('Gr');
    expect(await search.inputValue()).toBe('Gr');

    await host.locator('h2', { hasText: 'Stage' }).click();
    await host.keyboard.press(KEYS.approveNext);
    await expect.poll(() => guest.getByTestId('notice').innerText()).toContain('You are on stage');
    await expect.poll(() => host.getByTestId('stage-member').allInnerTexts()).toEqual([expect.stringMatching(/Ada.*Host/s), expect.stringMatching(/Grace.*Speaker/s)]);
    expect(await host.getByTestId('queue-entry').count()).toBe(0);
  });

  it('the mute key mutes the host on the server: the guest sees it and hears silence; pressed again, the beeps are back', async () => {
    const hostState = guest.locator('[data-testid=stage-member]:has-text("Ada") [data-testid=stage-state]');
    let since = await guest.evaluate(() => performance.now());
    await guest.waitForTimeout(BEEP_PATTERN.length * 1000);
    expect(findSegments(await heard(guest, since), -35).length, 'beeps before muting').toBeGreaterThanOrEqual(3);

    await host.keyboard.press(KEYS.muteSelf);
    await expect.poll(() => host.getByTestId('mute').innerText()).toBe('Unmute');
    await expect.poll(() => hostState.innerText()).toBe('muted');
    await guest.waitForTimeout(500);
    since = await guest.evaluate(() => performance.now());
    await guest.waitForTimeout(BEEP_PATTERN.length * 1000);
    const muted = await heard(guest, since);
    expect(muted.length).toBeGreaterThan(400);
    expect(Math.max(...muted.map((r) => dbOf(r.rms)))).toBeLessThan(-50);

    await host.keyboard.press(KEYS.muteSelf);
    await expect.poll(() => host.getByTestId('mute').innerText()).toBe('Mute');
    await expect.poll(() => hostState.innerText()).not.toBe('muted');
    since = await guest.evaluate(() => performance.now());
    await guest.waitForTimeout(BEEP_PATTERN.length * 1000);
    expect(findSegments(await heard(guest, since), -35).length, 'beeps after unmuting').toBeGreaterThanOrEqual(3);
  }, 40_000);

  it('the marker key puts a marker on the recording’s timeline and in the console’s list', async () => {
    await host.getByTestId('record-start').click();
    await expect.poll(() => host.getByTestId('record-status').innerText(), { timeout: 10_000 }).toMatch(/REC 0:0[2-9].*0 markers/s);
    await host.keyboard.press(KEYS.marker);
    await expect.poll(() => host.getByTestId('record-status').innerText()).toMatch(/1 marker\b/);
    expect(await host.getByTestId('markers').innerText()).toMatch(/^Markers: \d+:\d\d$/);
    await host.waitForTimeout(1000);
    await host.getByTestId('record-stop').click();
    await expect.poll(() => host.getByTestId('record-message').innerText(), { timeout: 15_000 }).toMatch(/Saved “Keyboard hour”/);
    const [recording] = await studio.recordings.list();
    const manifest = await studio.recordings.get(recording!.id);
    const markers = manifest.events.filter((e) => e.type === 'marker');
    expect(markers).toHaveLength(1);
    // Pressed about two seconds in; the recording ran on for a second more.
    expect(markers[0]!.at).toBeGreaterThan(1.5);
    expect(markers[0]!.at).toBeLessThan(manifest.durationSec);
  }, 40_000);
});
