// A ticketed show end to end in Chromium. The host goes live from the studio (signed in to the embedded
// SFU as its owner) and tickets the Space (through the HTTP API: the studio has no ticket controls yet,
// and scheduled Spaces arrive with #11); Grace signs in on the service's page, is refused at Listen with
// the price, buys with test payments on the checkout page, listens and hears the host's beeps; Bo, signed
// in without a ticket, is refused with the price and never becomes a member; the host's sales say 1 sold
// and the net.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/server/accounts/passwords';
import { hashSecret, newSecret } from '../../src/server/accounts/secrets';
import type { StudioHost } from '../../src/main/studio-host';
import { ApiClient } from '../../src/shared/http/client';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { dbOf } from '../support/pattern';
import { goLive, startTestStudio } from '../support/studio';
import { makeTempDir } from '../support/tempDir';
import { writeBeepWav } from '../support/wav';

const AUDIBLE_DB = -40;
const started = Date.now();
const step = (what: string) => console.log(`tickets e2e: ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);

describe('a ticketed Space in Chromium', () => {
  const dir = makeTempDir('hostline-e2e-tickets');
  let studio: StudioHost;
  let hostBrowser: Browser;
  let listenerBrowser: Browser;

  beforeAll(async () => {
    const wav = join(dir.path, 'beeps.wav');
    writeBeepWav(wav);
    studio = await startTestStudio(dir.path);
    for (const [id, email, handle, name] of [['acc-grace', 'grace@example.com', 'grace', 'Grace Hopper'], ['acc-bo', 'bo@example.com', 'bo', 'Bo']] as const) {
      await studio.server.platform.store.repos.accounts.create({ id, email, passwordHash: await hashPassword(`${handle} password 1`), role: 'member', handle, displayName: name, now: Date.now() });
    }
    hostBrowser = await launchChromium({ micWav: wav });
    listenerBrowser = await launchChromium();
  });
  afterAll(async () => {
    await hostBrowser?.close();
    await listenerBrowser?.close();
    await studio?.close();
    dir.remove();
  });

  async function signedIn(email: string, password: string): Promise<Page> {
    const page = await (await listenerBrowser.newContext()).newPage();
    await page.goto(`${studio.server.httpUrl}/signin`);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${studio.server.httpUrl}/account`);
    return page;
  }

  it('sells Grace a ticket with test payments; she hears the host; Bo without one is refused with the price', async () => {
    const host = await hostBrowser.newPage();
    const link = await goLive(host, studio, 'Ada', 'Ticketed night');
    const space = studio.server.sfu.spaces()[0]!;
    const store = studio.server.platform.store;
    const owner = await store.repos.accounts.firstOwner();
    const secret = newSecret();
    await store.repos.sessions.create({ idHash: hashSecret(secret), accountId: owner!.id, kind: 'studio', now: Date.now(), expiresAt: Date.now() + 3_600_000, userAgent: 'e2e', address: '127.0.0.1' });
    const hostApi = new ApiClient({ baseUrl: studio.server.httpUrl, token: secret });
    await hostApi.call('tickets.configure', { params: { spaceId: space.id }, body: { currency: 'USD', priceMinor: 500, capacity: 50 } });

    step('live and ticketed');
    const grace = await signedIn('grace@example.com', 'grace password 1');
    await grace.goto(link);
    await grace.getByTestId('listen').click();
    await expect.poll(() => grace.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/ticketed \(USD 5\.00\)/);
    await grace.getByTestId('ticket-needed').waitFor();

    // Buy (the Space page's button arrives with #11): the same route, then the test-payments checkout page.
    const ticket = await grace.evaluate(async (spaceId) => {
      const r = await fetch(`/api/spaces/${spaceId}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return (await r.json()) as { id: string; checkoutUrl: string };
    }, space.id);
    step('refused, bought');
    await grace.goto(ticket.checkoutUrl);
    expect(await grace.getByTestId('test-payments-label').textContent()).toMatch(/Test payments: no money moves/);
    expect(await grace.getByTestId('price').textContent()).toBe('USD 5.00');
    await grace.getByRole('button', { name: 'Pay (test)' }).click();
    await grace.waitForURL(/\/tickets\/.*\?paid=1$/);
    expect(await grace.getByTestId('ticket-status').textContent()).toMatch(/paid/);

    step('paid');
    await grace.goto(link);
    await grace.getByTestId('listen').click();
    await grace.getByTestId('listen-status').waitFor({ timeout: 15_000 });
    await eventually(() => expect(space.members().find((m) => m.userId === 'acc-grace')?.role).toBe('listener'), 10_000);
    await expect
      .poll(async () => Math.max(-100, ...(await grace.evaluate(() => window.hostlineListener!.meter.history().map((r) => r.rms))).map(dbOf)), { timeout: 15_000, interval: 200 })
      .toBeGreaterThan(AUDIBLE_DB);

    step('listening, heard the host');
    const bo = await signedIn('bo@example.com', 'bo password 1');
    await bo.goto(link);
    await bo.getByTestId('listen').click();
    await expect.poll(() => bo.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/ticketed \(USD 5\.00\): buy a ticket/);
    expect(space.members().some((m) => m.userId === 'acc-bo')).toBe(false);
    // Nothing reaches Bo's page: no listener, so no meter of received audio.
    expect(await bo.evaluate(() => window.hostlineListener?.room.memberId ?? null)).toBeNull();

    // 3 % of $5.00 is 15 ¢: net $4.85.
    expect(await hostApi.call('tickets.sales', { params: { spaceId: space.id } })).toMatchObject({ sold: 1, grossMinor: 500, commissionMinor: 15, netMinor: 485 });
  }, 150_000);
});
