// The speaker queue end to end in Chromium: a listener raises a hand, the host approves from the
// studio, the new speaker's audio (beeps) reaches a second listener; the host mutes them from the
// studio and the audio stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { dbOf, findSegments, matchPattern, type Reading } from '../support/pattern';
import { goLive, listen, startTestStudio } from '../support/studio';
import { BEEP_PATTERN, writeBeepWav, writeWav } from '../support/wav';


async function readings(page: Page, sinceWallMs: number): Promise<Reading[]> {
  return page.evaluate(
    (since) => window.hostlineListener!.meter.history().filter((r) => r.wallTime >= since).map((r) => ({ time: r.time, rms: r.rms })),
    sinceWallMs,
  );
}

const pageNow = (page: Page) => page.evaluate(() => performance.now());

describe('raise a hand, get approved, be heard, be muted — in Chromium', () => {
  let studio: StudioHost;
  const browsers: Browser[] = [];
  let host: Page;
  let speaker: Page;
  let audience: Page;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-queue-'));

  beforeAll(async () => {
    const beeps = join(dir, 'beeps.wav');
    const silence = join(dir, 'silence.wav');
    writeBeepWav(beeps);
    writeWav(silence, new Float32Array(48_000 * 2));
    studio = await startTestStudio(dir);
    // The host's microphone is silent, so whatever the audience hears comes from the new speaker.
    for (const wav of [silence, beeps, undefined]) browsers.push(await launchChromium({ micWav: wav }));
    const pages = await Promise.all(browsers.map((b) => b.newPage()));
    [host, speaker, audience] = [pages[0]!, pages[1]!, pages[2]!];
    for (const page of pages) page.on('pageerror', (e) => console.error('page error:', e.message));
    host.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host goes live; a speaker-to-be and an audience member listen', async () => {
    const link = await goLive(host, studio, 'Ada', 'Call-in hour');
    await listen(speaker, link, 'Grace');
    await listen(audience, link, 'Linus');
    await expect.poll(() => host.getByTestId('listener-count').innerText()).toBe('2 listeners');
  });

  it('the listener raises a hand, sees their place, and the host sees the request', async () => {
    await speaker.getByTestId('raise-hand').click();
    await expect.poll(() => speaker.getByTestId('hand-status').innerText()).toMatch(/number 1 in line/);
    await expect.poll(() => host.getByTestId('queue-entry').allInnerTexts()).toEqual([expect.stringMatching(/1\s*Grace\s*0:0\d/)]);
    // Their page checks the microphone while they wait; the host sees the rating beside the request.
    await expect.poll(() => speaker.getByTestId('mic-check').innerText(), { timeout: 10_000 }).toMatch(/Mic check: good/);
    await expect.poll(() => host.getByTestId('mic-badge').innerText()).toBe('mic good');
  });

  it('the host approves from the studio and the second listener hears the new speaker’s beeps', async () => {
    await host.getByTestId('queue-approve').click();
    await expect.poll(() => speaker.getByTestId('notice').innerText()).toContain('You are on stage');
    await expect.poll(() => audience.getByTestId('stage-member').allInnerTexts()).toEqual([
      expect.stringMatching(/Ada.*Host/s),
      expect.stringMatching(/Grace.*Speaker/s),
    ]);
    const since = await pageNow(audience);
    // Two cycles: the first second after a producer starts can be time-stretched by the jitter buffer.
    await audience.waitForTimeout(2 * BEEP_PATTERN.length * 1000 + 1000);
    const heard = await readings(audience, since);
    const segments = findSegments(heard, -35);
    const match = matchPattern(segments, BEEP_PATTERN.beeps, BEEP_PATTERN.length, 0.08);
    const report = segments.map((s) => `${s.start.toFixed(2)}+${(s.end - s.start).toFixed(2)}`).join(' ');
    // A full cycle of the six distinct beeps, in order, each within 80 ms in length and spacing.
    expect(match.matched, report).toBeGreaterThanOrEqual(BEEP_PATTERN.beeps.length);
    // The studio shows them speaking at some point, and counts their talk time.
    await expect.poll(() => host.locator('[data-testid=stage-member]:has-text("Grace") .talk-time').innerText(), { timeout: 10_000 }).not.toBe('0:00');
  });

  it('the host mutes the speaker from the studio and the audience hears silence', async () => {
    await host.locator('[data-testid=stage-member]:has-text("Grace") [data-testid=stage-mute]').click();
    await expect.poll(() => speaker.getByTestId('muted-note').isVisible()).toBe(true);
    await expect.poll(() => audience.locator('[data-testid=stage-member]:has-text("Grace") [data-testid=stage-state]').innerText()).toBe('muted');
    // Half a second for the pause to take effect, then a full cycle of the pattern.
    await audience.waitForTimeout(500);
    const since = await pageNow(audience);
    await audience.waitForTimeout(BEEP_PATTERN.length * 1000);
    const heard = await readings(audience, since);
    expect(heard.length).toBeGreaterThan(400);
    expect(Math.max(...heard.map((r) => dbOf(r.rms)))).toBeLessThan(-50);
  });
});
