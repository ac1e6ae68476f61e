// Accounts through the real HTTP API of a real server, on both databases, with mail through a real SMTP
// server on loopback: sign-up, confirm, sign-in, sign-out (here and everywhere), reset, profiles,
// follows, suspension, and the refusals (wrong password, unknown email, cross-site, bad bodies).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/http/errors';
import { testBrowser, type TestBrowser } from '../support/apiClient';
import { startTestServer, type TestServer } from '../support/server';
import { linkIn, startTestSmtp, type TestSmtp } from '../support/smtp';
import { STORE_KINDS, testStoreTarget, type TestStoreTarget } from '../support/store';

const PASSWORD = 'correct horse battery';

async function refusal(pending: Promise<unknown>): Promise<ApiError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe.each(STORE_KINDS)('accounts over HTTP on %s', (kind) => {
  let smtp: TestSmtp;
  let place: TestStoreTarget;
  let server: TestServer;
  const browsers: TestBrowser[] = [];
  const browser = (options?: Parameters<typeof testBrowser>[1]) => {
    const b = testBrowser(server.httpUrl, options);
    browsers.push(b);
    return b;
  };

  beforeEach(async () => {
    smtp = await startTestSmtp();
    place = await testStoreTarget(kind);
    server = await startTestServer({
      smtp: smtp.url,
      database: place.target.kind === 'postgres' ? place.target.url : place.target.file,
      ownerEmail: 'owner@example.com',
    });
  });
  afterEach(async () => {
    await server.close();
    await smtp.close();
    await place.cleanup();
    browsers.length = 0;
  });

  /** Signs someone up through the mailed link, as a person would; returns their signed-in browser. */
  async function signUp(email: string, handle: string, displayName = handle): Promise<TestBrowser> {
    const b = browser();
    const answer = await b.api.call('account.signUp', { body: { email, password: PASSWORD, handle, displayName } });
    expect(answer.status).toBe('check_email');
    const mail = await smtp.waitFor(email, /Confirm your Hostline account/);
    const token = linkIn(mail, '/account/confirm').searchParams.get('token')!;
    const { me } = await b.api.call('account.confirm', { body: { token } });
    expect(me).toMatchObject({ email, handle, displayName, role: 'member' });
    return b;
  }

  it('signs up through the emailed link, signs out, and signs in again', async () => {
    const ada = await signUp('ada@example.com', 'ada', 'Ada Lovelace');
    expect(ada.cookies.has('hostline_session')).toBe(true);
    expect((await ada.api.call('account.me')).me?.handle).toBe('ada');
    await ada.api.call('account.signOut');
    expect(ada.cookies.has('hostline_session')).toBe(false);
    expect((await ada.api.call('account.me')).me).toBeNull();
    const { me } = await ada.api.call('account.signIn', { body: { email: 'ADA@example.com ', password: PASSWORD } });
    expect(me.handle).toBe('ada');
    expect((await ada.api.call('account.me')).me?.email).toBe('ada@example.com');
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    await signUp('ada@example.com', 'ada');
    const response = await fetch(`${server.httpUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hostline_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
  });

  it('answers a sign-up with a known email exactly like a new one, and mails the owner of the address instead', async () => {
    await signUp('ada@example.com', 'ada');
    const again = await browser().api.call('account.signUp', { body: { email: 'ada@example.com', password: 'another password', handle: 'ada2', displayName: 'Not Ada' } });
    const fresh = await browser().api.call('account.signUp', { body: { email: 'new@example.com', password: 'another password', handle: 'newbie', displayName: 'New' } });
    expect(again).toEqual(fresh);
    const mail = await smtp.waitFor('ada@example.com', /already have a Hostline account/);
    expect(linkIn(mail, '/account/reset').searchParams.get('token')).toBeTruthy();
    // The old password still signs Ada in; nobody took the address over.
    expect((await browser().api.call('account.signIn', { body: { email: 'ada@example.com', password: PASSWORD } })).me.handle).toBe('ada');
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    await signUp('ada@example.com', 'ada');
    const wrong = await refusal(browser().api.call('account.signIn', { body: { email: 'ada@example.com', password: 'not the password' } }));
    const unknown = await refusal(browser().api.call('account.signIn', { body: { email: 'nobody@example.com', password: 'not the password' } }));
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
    expect(wrong.code).toBe('unauthenticated');
    // A reset for an unknown email answers the same as for a known one, and mails nobody.
    const known = await browser().api.call('account.requestReset', { body: { email: 'ada@example.com' } });
    const nobody = await browser().api.call('account.requestReset', { body: { email: 'nobody@example.com' } });
    expect(known).toEqual(nobody);
    await smtp.waitFor('ada@example.com', /Reset your Hostline password/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.filter((m) => m.to.includes('nobody@example.com'))).toEqual([]);
  });

  it('signs out everywhere: every other browser’s cookie is refused afterwards', async () => {
    const laptop = await signUp('ada@example.com', 'ada');
    const phone = browser();
    await phone.api.call('account.signIn', { body: { email: 'ada@example.com', password: PASSWORD } });
    const phoneCookie = phone.cookies.get('hostline_session')!;
    expect((await phone.api.call('account.me')).me?.handle).toBe('ada');
    expect(await laptop.api.call('account.signOutEverywhere', { body: {} })).toEqual({ ended: 2 });
    expect((await laptop.api.call('account.me')).me).toBeNull();
    // The phone still presents its old cookie: it signs nobody in, and account routes refuse it.
    const stale = testBrowser(server.httpUrl);
    stale.cookies.set('hostline_session', phoneCookie);
    expect((await stale.api.call('account.me')).me).toBeNull();
    expect((await refusal(stale.api.call('profile.update', { body: { bio: 'hi' } }))).code).toBe('unauthenticated');
    expect((await refusal(phone.api.call('follow.list', { query: { limit: 10 } }))).code).toBe('unauthenticated');
  });

  it('resets a password by the emailed link, once; every old session ends', async () => {
    const old = await signUp('ada@example.com', 'ada');
    const reset = browser();
    await reset.api.call('account.requestReset', { body: { email: 'ada@example.com' } });
    const link = linkIn(await smtp.waitFor('ada@example.com', /Reset your Hostline password/), '/account/reset');
    const token = link.searchParams.get('token')!;
    const { me } = await reset.api.call('account.reset', { body: { token, password: 'a brand new password' } });
    expect(me.handle).toBe('ada');
    expect((await reset.api.call('account.me')).me?.handle).toBe('ada');
    expect((await old.api.call('account.me')).me).toBeNull();
    expect((await refusal(browser().api.call('account.reset', { body: { token, password: 'yet another password' } }))).code).toBe('gone');
    expect((await refusal(browser().api.call('account.signIn', { body: { email: 'ada@example.com', password: PASSWORD } }))).code).toBe('unauthenticated');
    expect((await browser().api.call('account.signIn', { body: { email: 'ada@example.com', password: 'a brand new password' } })).me.handle).toBe('ada');
    await smtp.waitFor('ada@example.com', /password was changed/);
  });

  it('edits a profile, shows it at /@handle, and keeps handles unique', async () => {
    const ada = await signUp('ada@example.com', 'ada');
    await signUp('grace@example.com', 'grace');
    const { me } = await ada.api.call('profile.update', { body: { displayName: 'Ada L.', bio: 'Hosts on Tuesdays', handle: 'Ada_L' } });
    expect(me).toMatchObject({ handle: 'ada_l', displayName: 'Ada L.', bio: 'Hosts on Tuesdays' });
    const seen = await testBrowser(server.httpUrl).api.call('profile.get', { params: { handle: 'ada_l' } });
    expect(seen).toEqual({ handle: 'ada_l', displayName: 'Ada L.', bio: 'Hosts on Tuesdays', followers: 0, following: 0, youFollow: false });
    const taken = await refusal(ada.api.call('profile.update', { body: { handle: 'grace' } }));
    expect([taken.code, taken.field]).toEqual(['conflict', 'handle']);
    const page = await fetch(`${server.httpUrl}/@ada_l`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${server.httpUrl}/@nobody_here`)).status).toBe(404);
    expect((await refusal(testBrowser(server.httpUrl).api.call('profile.get', { params: { handle: 'nobody_here' } }))).code).toBe('not_found');
  });

  it('follows and unfollows: twice is once, and counts follow', async () => {
    const ada = await signUp('ada@example.com', 'ada');
    const grace = await signUp('grace@example.com', 'grace');
    await grace.api.call('follow.add', { params: { handle: 'ada' }, body: {} });
    const twice = await grace.api.call('follow.add', { params: { handle: 'ada' }, body: {} });
    expect(twice).toMatchObject({ followers: 1, youFollow: true });
    expect(await grace.api.call('follow.list', { query: { limit: 10 } })).toEqual({ following: [{ handle: 'ada', displayName: 'ada' }] });
    expect((await refusal(ada.api.call('follow.add', { params: { handle: 'ada' }, body: {} }))).code).toBe('conflict');
    expect(await grace.api.call('follow.remove', { params: { handle: 'ada' } })).toMatchObject({ followers: 0, youFollow: false });
    expect((await refusal(testBrowser(server.httpUrl).api.call('follow.add', { params: { handle: 'ada' }, body: {} }))).code).toBe('unauthenticated');
  });

  it('an owner suspends an account: it is signed out, cannot sign in, and its page is gone', async () => {
    const owner = browser();
    const link = linkIn(await smtp.waitFor('owner@example.com', /Reset your Hostline password/), '/account/reset');
    const { me } = await owner.api.call('account.reset', { body: { token: link.searchParams.get('token')!, password: 'owner password 1' } });
    expect(me.role).toBe('owner');
    const troll = await signUp('troll@example.com', 'troll');
    const member = await signUp('ada@example.com', 'ada');
    expect((await refusal(member.api.call('admin.ban', { body: { handle: 'troll', reason: 'spam' } }))).code).toBe('forbidden');
    expect(await owner.api.call('admin.ban', { body: { handle: 'troll', reason: 'spam' } })).toEqual({ sessionsEnded: 1 });
    expect((await troll.api.call('account.me')).me).toBeNull();
    expect((await refusal(browser().api.call('account.signIn', { body: { email: 'troll@example.com', password: PASSWORD } }))).code).toBe('banned');
    expect((await fetch(`${server.httpUrl}/@troll`)).status).toBe(404);
    await owner.api.call('admin.unban', { params: { handle: 'troll' } });
    expect((await browser().api.call('account.signIn', { body: { email: 'troll@example.com', password: PASSWORD } })).me.handle).toBe('troll');
  });

  it('refuses cross-site and malformed requests clearly, changing nothing', async () => {
    const ada = await signUp('ada@example.com', 'ada');
    const cookie = ada.cookies.get('hostline_session')!;
    const post = (path: string, init: { origin?: string; type?: string; body?: string; method?: string; cookie?: boolean }) =>
      fetch(`${server.httpUrl}${path}`, {
        method: init.method ?? 'POST',
        headers: {
          ...(init.cookie === false ? {} : { cookie: `hostline_session=${cookie}` }),
          ...(init.origin ? { origin: init.origin } : {}),
          'content-type': init.type ?? 'application/json',
        },
        body: init.body ?? '{}',
      });
    const errorOf = async (response: Response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    // Another site's page posting with Ada's cookie, or a cookie-carrying request naming no origin.
    expect(await errorOf(await post('/api/session/everywhere', { origin: 'https://evil.example' }))).toEqual([403, 'cross_site']);
    expect(await errorOf(await post('/api/session/everywhere', {}))).toEqual([403, 'cross_site']);
    expect(await errorOf(await post('/api/account/profile', { method: 'PATCH', origin: 'http://evil.example', body: '{"bio":"pwned"}' }))).toEqual([403, 'cross_site']);
    expect((await ada.api.call('account.me')).me?.bio).toBe('');
    // A form post (text/plain) needs no preflight, so bodies must be JSON.
    expect(await errorOf(await post('/api/session', { origin: server.httpUrl, type: 'text/plain', body: 'email=a', cookie: false }))).toEqual([415, 'unsupported_media_type']);
    expect(await errorOf(await post('/api/session', { origin: server.httpUrl, body: '{not json', cookie: false }))).toEqual([400, 'bad_json']);
    expect(await errorOf(await post('/api/session', { origin: server.httpUrl, body: JSON.stringify({ email: 'x', password: 'y' }), cookie: false }))).toEqual([400, 'invalid_payload']);
    expect(await errorOf(await post('/api/session', { origin: server.httpUrl, body: JSON.stringify({ email: 'a@b.co', password: 'y', extra: 1 }), cookie: false }))).toEqual([400, 'invalid_payload']);
    expect(await errorOf(await post('/api/session', { origin: server.httpUrl, body: `{"email":"${'a'.repeat(70_000)}"}`, cookie: false }))).toEqual([413, 'too_large']);
    expect(await errorOf(await fetch(`${server.httpUrl}/api/nothing-here`))).toEqual([404, 'not_found']);
    const wrongMethod = await fetch(`${server.httpUrl}/api/account`, { method: 'PUT', headers: { origin: server.httpUrl } });
    expect(await errorOf(wrongMethod)).toEqual([405, 'method_not_allowed']);
    expect(await errorOf(await fetch(`${server.httpUrl}/api/account?x=1`))).toEqual([400, 'invalid_payload']);
    // The same request from Ada's own page goes through.
    expect((await post('/api/account/profile', { method: 'PATCH', origin: server.httpUrl, body: '{"bio":"mine"}' })).status).toBe(200);
    expect((await ada.api.call('account.me')).me?.bio).toBe('mine');
  });
});

describe('accounts rate limits', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
  });

  it('limit sign-in attempts per email, alike for known and unknown emails, and per address', async () => {
    const window = 15 * 60_000;
    server = await startTestServer({}, {
      rateLimits: { signIn: { perAddress: { max: 8, windowMs: window }, perAccount: { max: 3, windowMs: window } } },
    });
    const b = testBrowser(server.httpUrl);
    const attempt = (email: string) => refusal(b.api.call('account.signIn', { body: { email, password: 'wrong password' } }));
    const codes = async (email: string, n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await attempt(email)).code);
      return out;
    };
    // The owner of the address-limit has no account; the limit says nothing about that.
    expect(await codes('nobody@example.com', 4)).toEqual(['unauthenticated', 'unauthenticated', 'unauthenticated', 'rate_limited']);
    const limited = await attempt('nobody@example.com');
    expect(limited.retryAfterSec).toBeGreaterThan(0);
    expect(limited.message).toMatch(/try again in \d+ s/);
    // Other emails from the same address go on until the address's own limit (8 requests) is reached.
    expect(await codes('other@example.com', 4)).toEqual(['unauthenticated', 'unauthenticated', 'unauthenticated', 'rate_limited']);
  });

  it('limit sign-ups per address', async () => {
    server = await startTestServer({}, {
      rateLimits: { signUp: { perAddress: { max: 2, windowMs: 60_000 }, perAccount: { max: 5, windowMs: 60_000 } } },
    });
    const b = testBrowser(server.httpUrl);
    const body = (n: number) => ({ body: { email: `p${n}@example.com`, password: PASSWORD, handle: `person${n}`, displayName: 'P' } });
    await b.api.call('account.signUp', body(1));
    await b.api.call('account.signUp', body(2));
    expect((await refusal(b.api.call('account.signUp', body(3)))).code).toBe('rate_limited');
  });
});
