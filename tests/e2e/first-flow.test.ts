// The first real flow, end to end in Chromium: a host goes live from the studio with a WAV of beeps as
// the microphone; a listener opens the share link, presses Listen, and hears the same pattern of beeps
// and silences through the real SFU.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { BEEP_PATTERN, writeBeepWav } from '../support/wav';
import { dbOf, findSegments, loudestBetween, matchPattern, type Reading } from '../support/pattern';
import { goLive, listen, startTestStudio } from '../support/studio';


describe('host to listener through the SFU, in Chromium', () => {
  let studio: StudioHost;
  let hostBrowser: Browser;
  let listenerBrowser: Browser;
  let hostPage: Page;
  let listenerPage: Page;
  const dir = mkdtempSync(join(tmpdir(), 'hostline-e2e-'));

  beforeAll(async () => {
    const wav = join(dir, 'beeps.wav');
    writeBeepWav(wav);
    studio = await startTestStudio(dir);
    hostBrowser = await launchChromium({ micWav: wav });
    listenerBrowser = await launchChromium();
    hostPage = await hostBrowser.newPage();
    listenerPage = await listenerBrowser.newPage();
    for (const page of [hostPage, listenerPage]) page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await hostBrowser?.close();
    await listenerBrowser?.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host goes live and the studio shows a share link', async () => {
    const link = await goLive(hostPage, studio, 'Ada', 'Beeps at noon');
    expect(link).toMatch(new RegExp(`^${studio.server.httpUrl}/listen/[A-Za-z0-9_-]+#invite=`));
    expect(await hostPage.getByTestId('stage-member').allInnerTexts()).toEqual([expect.stringMatching(/Ada.*Host.*(on air|speaking)/s)]);
    // The name and title are remembered for next time.
    expect(studio.settings.get()).toMatchObject({ hostName: 'Ada', lastSpaceTitle: 'Beeps at noon' });
  });

  it('a listener opens the link, presses Listen, and both sides see the stage and the count', async () => {
    const link = await hostPage.getByTestId('share-link').inputValue();
    await listen(listenerPage, link);
    expect(await listenerPage.getByTestId('space-title').innerText()).toBe('Beeps at noon');
    expect(await listenerPage.getByTestId('stage-member').allInnerTexts()).toEqual([expect.stringMatching(/Ada.*Host/s)]);
    await expect.poll(() => listenerPage.getByTestId('listener-count').innerText()).toBe('1 listener');
    await expect.poll(() => hostPage.getByTestId('listener-count').innerText()).toBe('1 listener');
  });

  it('the listener hears the host’s beeps where they were sent, and silence between them', async () => {
    // Two loops of the 5.6 s file, then read what the listener's page measured.
    await listenerPage.waitForTimeout(2 * BEEP_PATTERN.length * 1000 + 500);
    const readings = await listenerPage.evaluate(() =>
      window.hostlineListener!.meter.history().map((r) => ({ time: r.time, rms: r.rms })),
    ) as Reading[];
    const segments = findSegments(readings, -35);
    const match = matchPattern(segments, BEEP_PATTERN.beeps, BEEP_PATTERN.length, 0.06);
    const report = segments.map((s) => `${s.start.toFixed(2)}+${(s.end - s.start).toFixed(2)}`).join(' ');
    // At least one full cycle of the six distinct beeps, in order, with durations and spacing within 60 ms.
    expect(match.matched, `bursts heard: ${report}`).toBeGreaterThanOrEqual(BEEP_PATTERN.beeps.length);
    // Energy in the beep windows: sent at -6 dBFS peak (-9 dBFS RMS); allow for codec and resampling.
    for (const { segment } of match.pairs) {
      const inside = readings.filter((r) => r.time > segment.start + 0.03 && r.time < segment.end - 0.03);
      const meanDb = dbOf(Math.sqrt(inside.reduce((sum, r) => sum + r.rms * r.rms, 0) / inside.length));
      expect(meanDb).toBeGreaterThan(-20);
    }
    // Silence between them: the file has digital silence there.
    expect(loudestBetween(readings, match.pairs.map((p) => p.segment))).toBeLessThan(-50);
  });

  it('ending the space tells the listener', async () => {
    hostPage.once('dialog', (dialog) => void dialog.accept());
    await hostPage.getByTestId('end-space').click();
    await expect.poll(() => listenerPage.getByTestId('ended-reason').innerText()).toBe('the host ended the space');
  });
});
