// Scheduling end to end in Chromium: the host schedules in the studio; a listener opens the link,
// signs in, sets a reminder and follows; the (injected) clock reaches the reminder time and the mail
// arrives at a real SMTP server on loopback; the host presses Start now; the listener's open page
// turns live by itself and hears the host's beeps; the directory shows the host with the live ring.
// With SCREENSHOTS_DIR set it also saves the Space page, the directory and the studio's schedule.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { hashPassword } from '../../src/server/accounts/passwords';
import { ManualClock } from '../../src/server/clock';
import { launchChromium } from '../support/browser';
import { eventually } from '../support/fakeRoom';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { startTestStudio } from '../support/studio';
import { writeBeepWav } from '../support/wav';

const shots = process.env.SCREENSHOTS_DIR;
const MINUTE = 60_000;

describe('schedule, remind, start and discover, in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-schedule-e2e-'));
  // The servers' clock: it starts at the real time and moves only when the test says.
  const clock = new ManualClock(Math.floor(Date.now() / MINUTE) * MINUTE);
  let smtp: TestSmtp;
  let studio: StudioHost;
  let hostBrowser: Browser;
  let listenerBrowser: Browser;
  let host: Page;
  let listener: Page;
  let shareLink = '';
  const startsAt = clock.now() + 3 * 60 * MINUTE;

  beforeAll(async () => {
    const wav = join(dir, 'beeps.wav');
    writeBeepWav(wav);
    smtp = await startTestSmtp();
    studio = await startTestStudio(dir, ['--smtp', smtp.url], { clock });
    // The listener's account (signing up by mail is covered by the accounts test).
    await studio.server.platform.store.repos.accounts.create({
      id: 'acc_grace', email: 'grace@example.com', passwordHash: await hashPassword('correct horse battery'), role: 'member', handle: 'grace', displayName: 'Grace', now: Date.now(),
    });
    hostBrowser = await launchChromium({ micWav: wav });
    listenerBrowser = await launchChromium();
    host = await (await hostBrowser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin' })).newPage();
    // The listener is in another zone: the page shows the start on their clock.
    listener = await (await listenerBrowser.newContext({ viewport: { width: 1100, height: 900 }, timezoneId: 'America/New_York' })).newPage();
    for (const page of [host, listener]) page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await hostBrowser?.close();
    await listenerBrowser?.close();
    await studio?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host schedules a Space in the studio, in their own zone, and sees it in the list', async () => {
    await host.goto(studio.studioUrl);
    await host.waitForURL(`${studio.server.httpUrl}/studio`);
    await eventually(async () => {
      if ((await host.locator('[data-testid=mic-select] option').count()) === 0) throw new Error('no microphone listed yet');
    }, 15_000);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('schedule-open').click();
    await host.getByTestId('schedule-title').fill('Beeps at dawn');
    await host.getByTestId('schedule-description').fill('Six beeps, then questions from the audience.');
    // On the host's Berlin clock.
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(startsAt);
    const part = (type: string) => local.find((p) => p.type === type)!.value;
    await host.getByTestId('schedule-date').fill(`${part('year')}-${part('month')}-${part('day')}`);
    await host.getByTestId('schedule-time').fill(`${part('hour')}:${part('minute')}`);
    expect(await host.getByTestId('schedule-zone').inputValue()).toBe('Europe/Berlin');
    await expect.poll(() => host.getByTestId('schedule-when').innerText()).toMatch(/^Starts /);
    await host.getByTestId('schedule-submit').click();
    const item = host.getByTestId('schedule-list').locator('li').first();
    await expect.poll(() => item.getByTestId('scheduled-title').innerText()).toBe('Beeps at dawn');
    expect(await item.getByTestId('scheduled-countdown').innerText()).toMatch(/^in (2:59|3:00):\d\d$/);
    expect(await item.getByTestId('scheduled-reminders').innerText()).toBe('0 reminders set');
    const [space] = await studio.server.platform.store.repos.schedule.upcomingOf((await studio.server.platform.accounts.authenticate(studio.endpoint().sessionToken!))!.account.id);
    expect(space).toMatchObject({ title: 'Beeps at dawn', startsAt, timeZone: 'Europe/Berlin', visibility: 'public' });
    shareLink = `${studio.server.httpUrl}/s/${space!.id}`;
  });

  it('a listener opens the link, signs in, sets a reminder and follows the host', async () => {
    await listener.goto(shareLink);
    await expect.poll(() => listener.getByTestId('page-title').innerText()).toBe('Beeps at dawn');
    expect(await listener.getByTestId('page-description').innerText()).toBe('Six beeps, then questions from the audience.');
    // The start on the listener's New York clock.
    const expected = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(startsAt);
    expect(await listener.getByTestId('page-start').innerText()).toBe(`Starts ${expected}`);
    expect(await listener.getByTestId('countdown').innerText()).toMatch(/^in (2:59|3:00):\d\d$/);
    const first = await listener.getByTestId('countdown').innerText();
    await expect.poll(() => listener.getByTestId('countdown').innerText()).not.toBe(first);
    expect(await listener.getByTestId('reminder-count').innerText()).toBe('0 people have set a reminder');
    if (shots) await listener.screenshot({ path: join(shots, 'space-page.png') });

    await listener.getByTestId('remind-sign-in').click();
    await listener.waitForURL(/\/signin\?next=/);
    await listener.getByTestId('signin-email').fill('grace@example.com');
    await listener.getByTestId('signin-password').fill('correct horse battery');
    await listener.getByTestId('signin-submit').click();
    await listener.waitForURL(shareLink);
    await listener.getByTestId('remind').click();
    await expect.poll(() => listener.getByTestId('reminder-count').innerText()).toBe('1 person has set a reminder');
    expect(await listener.getByTestId('remind').innerText()).toMatch(/Reminder set/);
    await listener.getByTestId('follow-host').click();
    await expect.poll(() => listener.getByTestId('follow-host').innerText()).toMatch(/^Following/);
    // The studio's list counts the reminder.
    await host.reload();
    await expect.poll(() => host.getByTestId('scheduled-reminders').first().innerText(), { timeout: 15_000 }).toBe('1 reminder set');
    // The reload forgot the name typed before (it is saved on going live): Start now says what it needs.
    await host.getByTestId('start-now-hint').waitFor({ timeout: 10_000 });
    expect(await host.getByTestId('start-now').first().isDisabled()).toBe(true);
    await host.getByTestId('host-name').fill('Ada');
    await host.getByTestId('start-now-hint').waitFor({ state: 'detached' });
  });

  it('the clock reaches the reminder time and the reminder mail arrives with the link', async () => {
    clock.set(startsAt - 30 * MINUTE - 1000);
    await studio.server.platform.jobs.drain();
    expect(smtp.received.filter((m) => m.to.includes('grace@example.com'))).toEqual([]);
    clock.set(startsAt - 30 * MINUTE);
    const mail = await smtp.waitFor('grace@example.com', /^Starting in 30 minutes: Beeps at dawn$/, 10_000);
    expect(mail.text).toContain(shareLink);
    // The countdown follows the server's clock: half an hour to go.
    await expect.poll(() => listener.getByTestId('countdown').innerText(), { timeout: 15_000 }).toMatch(/^in (29|30):\d\d$/);
  });

  it('the host presses Start now; the listener’s open page turns live by itself and hears the beeps', async () => {
    // The studio's list follows the server's clock too (it reloads every 15 s).
    await expect.poll(() => host.getByTestId('scheduled-countdown').first().innerText(), { timeout: 20_000 }).toMatch(/^in (29|30):\d\d$/);
    if (shots) await host.getByTestId('schedule-list').screenshot({ path: join(shots, 'studio-schedule.png') });
    await host.getByTestId('start-now').first().click();
    expect(await host.getByTestId('share-link').inputValue({ timeout: 15_000 })).toBe(shareLink);
    // No reload: the page the listener had open becomes the listener page.
    await listener.getByTestId('listen').waitFor({ timeout: 15_000 });
    await expect.poll(() => listener.locator('.join h1').innerText(), { timeout: 15_000 }).toBe('Beeps at dawn');
    await listener.getByTestId('listen').click();
    await listener.getByTestId('listen-status').waitFor({ timeout: 15_000 });
    expect(await listener.getByTestId('space-title').innerText()).toBe('Beeps at dawn');
    await eventually(async () => {
      const loudest = await listener.evaluate(() => Math.max(...window.hostlineListener!.meter.history().map((r) => r.rms)));
      expect(20 * Math.log10(loudest)).toBeGreaterThan(-25);
    }, 15_000);
    // Grace is told it is live, once (she is both subscriber and follower).
    await smtp.waitFor('grace@example.com', /^Live now: Beeps at dawn$/, 10_000);
    await studio.server.platform.jobs.drain();
    expect(smtp.received.filter((m) => m.to.includes('grace@example.com')).map((m) => m.subject)).toEqual(['Starting in 30 minutes: Beeps at dawn', 'Live now: Beeps at dawn']);
  }, 90_000);

  it('the directory shows the host live with the ring; the ring joins the Space', async () => {
    const directory = await listener.context().newPage();
    await directory.goto(`${studio.server.httpUrl}/`);
    const ring = directory.getByTestId('following').getByTestId(/^live-ring-/);
    await ring.waitFor({ timeout: 10_000 });
    const card = directory.getByTestId('live-now').locator('article').first();
    expect(await card.locator('h3').innerText()).toBe('Beeps at dawn');
    await expect.poll(() => card.getByTestId('live-listeners').innerText()).toMatch(/^1 listener · on stage: Ada/);
    if (shots) await directory.screenshot({ path: join(shots, 'directory.png') });
    await ring.click();
    await directory.waitForURL(shareLink);
    await directory.getByTestId('listen').waitFor({ timeout: 15_000 });
    await directory.close();
  }, 60_000);
});
