// A banned account cannot come back from a fresh browser. The host goes live from the studio in
// Chromium (signed in to the embedded SFU as its local owner, without typing); Grace signs in on the
// service's page and listens; the host removes her from the studio's audience panel. A new browser
// profile (no cookies, no storage) where Grace signs in again is refused at Listen; a signed-out
// listener still gets in.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/server/accounts/passwords';
import type { StudioHost } from '../../src/main/studio-host';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { goLive, listen, startTestStudio } from '../support/studio';
import { makeTempDir } from '../support/tempDir';
import { writeBeepWav } from '../support/wav';


describe('a banned account in a fresh browser', () => {
  const dir = makeTempDir('hostline-e2e-ban');
  let studio: StudioHost;
  let hostBrowser: Browser;
  let listenerBrowser: Browser;

  beforeAll(async () => {
    const wav = join(dir.path, 'beeps.wav');
    writeBeepWav(wav);
    studio = await startTestStudio(dir.path);
    await studio.server.platform.store.repos.accounts.create({
      id: 'acc-grace', email: 'grace@example.com', passwordHash: await hashPassword('grace password 1'), role: 'member', handle: 'grace', displayName: 'Grace Hopper', now: Date.now(),
    });
    hostBrowser = await launchChromium({ micWav: wav });
    listenerBrowser = await launchChromium();
  });
  afterAll(async () => {
    await hostBrowser?.close();
    await listenerBrowser?.close();
    await studio?.close();
    dir.remove();
  });

  async function signedInListener(): Promise<Page> {
    const context = await listenerBrowser.newContext();
    const page = await context.newPage();
    await page.goto(`${studio.server.httpUrl}/signin`);
    await page.getByTestId('signin-email').fill('grace@example.com');
    await page.getByTestId('signin-password').fill('grace password 1');
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${studio.server.httpUrl}/account`);
    return page;
  }

  it('refuses her at Listen once the host removed her, and lets a signed-out listener in', async () => {
    const host = await hostBrowser.newPage();
    const link = await goLive(host, studio, 'Ada', 'Moderated show');
    const space = studio.server.sfu.spaces()[0]!;
    // The studio is signed in as the embedded SFU's owner account: the Space is that account's.
    const owner = await studio.server.platform.store.repos.accounts.firstOwner();
    expect(space.hostUserId).toBe(owner!.id);

    const grace = await signedInListener();
    await grace.goto(link);
    await grace.getByTestId('listen').click();
    await grace.getByTestId('listen-status').waitFor({ timeout: 15_000 });
    // Signed in by her cookie: she is in the Space as her account, named after her profile.
    await eventually(() => expect(space.members().find((m) => m.userId === 'acc-grace')?.displayName).toBe('Grace Hopper'), 10_000);

    await host.getByTestId('audience-entry').filter({ hasText: 'Grace Hopper' }).getByRole('button', { name: 'Remove' }).click();
    await grace.getByText('You have left this space').waitFor({ timeout: 10_000 });

    const fresh = await signedInListener();
    expect(await fresh.evaluate(() => localStorage.length)).toBe(0);
    await fresh.goto(link);
    await fresh.getByTestId('listen').click();
    await expect.poll(() => fresh.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/you were removed from this space/);
    expect(space.members().some((m) => m.userId === 'acc-grace')).toBe(false);

    const stranger = await (await listenerBrowser.newContext()).newPage();
    await listen(stranger, link, 'Someone else');
  });
});
