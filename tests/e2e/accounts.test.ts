// Accounts as a person uses them in Chromium: sign up on /signup and confirm from the mail (a real SMTP
// server on loopback), sign out and in again, forget the password and reset it from the mailed link,
// and sign out everywhere from one browser while another is signed in.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startTestServer, type TestServer } from '../support/server';
import { linkIn, startTestSmtp, type TestSmtp } from '../support/smtp';


describe('accounts in Chromium', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer({ smtp: smtp.url });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** A fresh browser profile: no cookies, no storage. */
  async function freshPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${server.httpUrl}/signin`);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
  }

  it('signs up on the page, confirms from the mail, and lands signed in', async () => {
    const page = await freshPage();
    await page.goto(`${server.httpUrl}/signup`);
    await page.getByTestId('signup-displayName').fill('Ada Lovelace');
    await page.getByTestId('signup-handle').fill('ada');
    await page.getByTestId('signup-email').fill('ada@example.com');
    await page.getByTestId('signup-password').fill('correct horse battery');
    await page.getByTestId('signup-submit').click();
    await expect.poll(() => page.getByTestId('check-email').textContent()).toMatch(/Check your inbox/);
    const link = linkIn(await smtp.waitFor('ada@example.com', /Confirm your Hostline account/), '/account/confirm');
    await page.goto(link.toString());
    await page.getByTestId('confirm-submit').click();
    await page.waitForURL(`${server.httpUrl}/account`);
    expect(await page.getByTestId('account-email').textContent()).toBe('ada@example.com');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('@ada');
    // The cookie is out of the page's reach.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'hostline_session', httpOnly: true, sameSite: 'Lax' });
  });

  it('signs out, refuses a wrong password with a clear message, and signs in again', async () => {
    const page = await freshPage();
    await signIn(page, 'ada@example.com', 'correct horse battery');
    await page.waitForURL(`${server.httpUrl}/account`);
    await page.getByTestId('sign-out').click();
    await page.waitForURL(`${server.httpUrl}/signin`);
    await page.goto(`${server.httpUrl}/account`);
    await page.getByTestId('signed-out').waitFor();
    await signIn(page, 'ada@example.com', 'not my password');
    expect(await page.getByTestId('form-error').textContent()).toBe('that email and password do not match an account');
    await page.getByTestId('signin-password').fill('correct horse battery');
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${server.httpUrl}/account`);
    expect(await page.getByTestId('account-email').textContent()).toBe('ada@example.com');
  });

  it('resets a forgotten password from the mailed link; the old password stops working', async () => {
    const page = await freshPage();
    await page.goto(`${server.httpUrl}/forgot`);
    await page.getByTestId('forgot-email').fill('ada@example.com');
    await page.getByTestId('forgot-submit').click();
    await page.getByTestId('check-email').waitFor();
    const link = linkIn(await smtp.waitFor('ada@example.com', /Reset your Hostline password/), '/account/reset');
    await page.goto(link.toString());
    await page.getByTestId('reset-password').fill('a much better password');
    await page.getByTestId('reset-submit').click();
    await page.waitForURL(`${server.httpUrl}/account`);
    // The same link a second time is refused.
    await page.goto(link.toString());
    await page.getByTestId('reset-password').fill('sneaky second use!');
    await page.getByTestId('reset-submit').click();
    expect(await page.getByTestId('form-error').textContent()).toMatch(/already used or has expired/);
    const other = await freshPage();
    await signIn(other, 'ada@example.com', 'correct horse battery');
    await other.getByTestId('form-error').waitFor();
    await other.getByTestId('signin-password').fill('a much better password');
    await other.getByTestId('signin-submit').click();
    await other.waitForURL(`${server.httpUrl}/account`);
  });

  it('signs out everywhere: another browser signed in to the account is signed out too', async () => {
    const laptop = await freshPage();
    const phone = await freshPage();
    for (const page of [laptop, phone]) {
      await signIn(page, 'ada@example.com', 'a much better password');
      await page.waitForURL(`${server.httpUrl}/account`);
    }
    await laptop.getByTestId('sign-out-everywhere').click();
    await laptop.waitForURL(`${server.httpUrl}/signin`);
    await phone.reload();
    await phone.getByTestId('signed-out').waitFor();
  });

  it('shows a public profile at /@handle, and lets a signed-in visitor follow', async () => {
    const page = await freshPage();
    await page.goto(`${server.httpUrl}/@ada`);
    expect(await page.getByTestId('profile-display-name').textContent()).toBe('Ada Lovelace');
    expect(await page.getByTestId('profile-page-handle').textContent()).toBe('@ada');
    expect(await page.getByTestId('follow').count()).toBe(0);
    // Grace signs up and follows Ada from Ada's page.
    const grace = await freshPage();
    await grace.goto(`${server.httpUrl}/signup`);
    await grace.getByTestId('signup-displayName').fill('Grace');
    await grace.getByTestId('signup-handle').fill('grace');
    await grace.getByTestId('signup-email').fill('grace@example.com');
    await grace.getByTestId('signup-password').fill('another good password');
    await grace.getByTestId('signup-submit').click();
    await grace.goto(linkIn(await smtp.waitFor('grace@example.com', /Confirm/), '/account/confirm').toString());
    await grace.getByTestId('confirm-submit').click();
    await grace.waitForURL(`${server.httpUrl}/account`);
    await grace.goto(`${server.httpUrl}/@ada`);
    await grace.getByTestId('follow').click();
    await expect.poll(() => grace.getByTestId('profile-followers').textContent()).toBe('1 follower');
    expect(await grace.getByTestId('follow').textContent()).toBe('Following');
    const missing = await page.goto(`${server.httpUrl}/@nobody_at_all`);
    expect(missing?.status()).toBe(404);
  });
});
