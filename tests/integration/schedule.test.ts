// Scheduling through the real server: the studio's HTTP calls (signed in with a session token), the
// Space page's socket, the durable queue on an injected clock, and mail arriving at a real SMTP
// server on loopback. The calendar file is read by ical.js, a parser that is not ours.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { ApiError } from '../../src/shared/http/errors';
import type { HostScheduledSpace, ScheduleInput } from '../../src/shared/schedule';
import { testBrowser } from '../support/apiClient';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { startTestSmtp, type TestSmtp } from '../support/smtp';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The test's "now": a Friday in March 2027, a week before Europe's clocks go forward. */
const T0 = Date.parse('2027-03-19T12:00:00Z');

describe('scheduled Spaces, reminders and the directory', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  const clock = new ManualClock(T0);
  const people: Record<string, { id: string; token: string; api: ReturnType<typeof testBrowser>['api']; email: string }> = {};
  let handles = 0;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer({ smtp: smtp.url }, { clock });
  });
  afterAll(async () => {
    if (process.env.DEBUG_SCHEDULE) console.log(server.logs.filter((l) => l.component === 'mail' || l.component === 'jobs' || l.level !== 'info').slice(-20));
    await server?.close();
    await smtp?.close();
  });

  async function person(name: string) {
    const handle = `${name}${++handles}`;
    const { account } = await server.platform.store.repos.accounts.create({
      id: `acc_${handle}`, email: `${handle}@example.com`, passwordHash: 'unused', role: 'member', handle, displayName: name, now: Date.now(),
    });
    const token = await server.platform.accounts.studioSession(account.id, { address: '127.0.0.1', userAgent: 'schedule test' });
    const who = { id: account.id, token, api: testBrowser(server.httpUrl, { token }).api, email: account.email, handle };
    people[handle] = who;
    return who;
  }

  const berlin = (date: string, time: string) => ({ date, time, timeZone: 'Europe/Berlin' });
  const schedule = (host: Awaited<ReturnType<typeof person>>, input: Partial<ScheduleInput> & { start: ScheduleInput['start'] }) =>
    host.api.call('schedule.create', { body: { title: 'Morning show', ...input } });
  const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
  /** Moves the clock and lets every job due by then run. */
  async function at(time: number) {
    clock.set(time);
    await server.platform.jobs.drain();
  }
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)));

  it('schedules on the host’s clock, stores UTC, and lists it with the same share link', async () => {
    const host = await person('host');
    const space = await schedule(host, { description: 'News and guests', start: berlin('2027-03-22', '19:30'), visibility: 'public' });
    expect(space).toMatchObject({
      status: 'scheduled',
      startsAt: Date.parse('2027-03-22T18:30:00Z'),
      timeZone: 'Europe/Berlin',
      local: { date: '2027-03-22', time: '19:30', offsetMinutes: 60 },
      admission: { kind: 'free' },
      reminderCount: 0,
      sharePath: `/s/${space.spaceId}`,
    });
    // After Europe's change (28 March) the same clock time is an hour earlier in UTC.
    const later = await schedule(host, { start: berlin('2027-03-29', '19:30') });
    expect(later.startsAt).toBe(Date.parse('2027-03-29T17:30:00Z'));
    const { spaces, limits } = await host.api.call('schedule.mine');
    expect(spaces.map((s) => s.spaceId)).toEqual([space.spaceId, later.spaceId]);
    expect(limits).toMatchObject({ maxDaysAhead: 30, maxPerHost: 10, reminderLeadMs: 30 * MINUTE, missedAfterMs: HOUR });
    const page = await fetch(`${server.httpUrl}/s/${space.spaceId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('refuses a past time, one too far ahead, a skipped or repeated clock time, a duplicate and one over the limit, with the reason', async () => {
    const host = await person('busy');
    expect(await refusal(schedule(host, { start: berlin('2027-03-19', '12:00') }))).toBe('invalid_payload: that time has already passed');
    expect(await refusal(schedule(host, { start: berlin('2027-04-20', '12:00') }))).toBe('invalid_payload: a Space can be scheduled at most 30 days ahead');
    expect(await refusal(schedule(host, { start: berlin('2027-03-28', '02:30') }))).toMatch(/^invalid_payload: 02:30 does not exist on 2027-03-28 in Europe\/Berlin.*choose 03:30/);
    expect(await refusal(schedule(host, { start: { date: '2027-03-20', time: '10:00', timeZone: 'Nowhere/Land' } }))).toMatch(/is not a time zone/);
    expect(await refusal(schedule(host, { start: berlin('2027-03-20', '10:00'), cohosts: ['nobody_here'] }))).toBe('invalid_payload: nobody has the handle @nobody_here');
    await schedule(host, { start: berlin('2027-03-20', '10:00') });
    expect(await refusal(schedule(host, { title: 'Same again', start: berlin('2027-03-20', '10:00') }))).toMatch(/^conflict: you already have “Morning show” scheduled at that time/);
    for (let day = 21; day <= 29; day++) await schedule(host, { start: berlin(`2027-03-${day}`, '10:00') });
    expect(await refusal(schedule(host, { start: berlin('2027-03-30', '10:00') }))).toMatch(/^conflict: you already have 10 Spaces scheduled/);
    expect((await host.api.call('schedule.mine')).spaces).toHaveLength(10);
    // Another host is not affected by the first one's limit.
    const other = await person('other');
    await schedule(other, { start: berlin('2027-03-20', '10:00') });
  });

  it('refuses edits from anyone but the host, and changes nothing', async () => {
    const host = await person('owner');
    const stranger = await person('stranger');
    const space = await schedule(host, { start: berlin('2027-03-21', '09:00') });
    expect(await refusal(stranger.api.call('schedule.update', { params: { spaceId: space.spaceId }, body: { title: 'Mine now' } }))).toMatch(/^forbidden/);
    expect(await refusal(stranger.api.call('schedule.cancel', { params: { spaceId: space.spaceId } }))).toMatch(/^forbidden/);
    expect((await host.api.call('schedule.mine')).spaces[0]).toMatchObject({ title: 'Morning show', status: 'scheduled' });
  });

  it('reminds subscribers and the host 30 minutes before, exactly once, with the link and a stop link that works', async () => {
    const host = await person('ada');
    const fan = await person('fan');
    const quitter = await person('quitter');
    const space = await schedule(host, { title: 'Reminder show', start: berlin('2027-03-19', '15:00') }); // 14:00Z
    await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    const twice = await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    expect(twice).toMatchObject({ page: { reminderCount: 1 }, viewer: { reminded: true } });
    await quitter.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    expect(await refusal(host.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} }))).toMatch(/you host this Space/);

    // An open Space page hears each moment, so its countdown follows the server's clock.
    const page = fakeRoom(server.wsUrl);
    await page.connect();
    await page.request('space.watch', { spaceId: space.spaceId });
    const heard: number[] = [];
    page.signaling.on('space.page', (p) => heard.push(p.serverTime));

    await at(Date.parse('2027-03-19T13:29:59Z'));
    expect(mailsTo(fan.email)).toEqual([]);
    expect(heard).toEqual([]);
    await at(Date.parse('2027-03-19T13:30:00Z'));
    await eventually(() => expect(heard).toEqual([Date.parse('2027-03-19T13:30:00Z')]));
    const [reminder] = mailsTo(fan.email);
    expect(reminder!.subject).toBe('Starting in 30 minutes: Reminder show');
    expect(reminder!.text).toContain(`${server.httpUrl}/s/${space.spaceId}`);
    expect(reminder!.text).toMatch(/Mon|Fri/);
    expect((reminder!.headers.get('list') as { unsubscribe: { url: string } }).unsubscribe.url).toMatch(/\?unremind=/);
    expect(mailsTo(host.email).map((m) => m.subject)).toEqual(['Your Space starts in 30 minutes: Reminder show']);

    // The quitter stops reminders from the link in their mail, signed out.
    const quitMail = mailsTo(quitter.email)[0]!;
    const stop = new URL(quitMail.text.match(/Stop reminders for this Space \(one click\): (\S+)/)![1]!);
    expect(stop.pathname).toBe(`/s/${space.spaceId}`);
    const anonymous = testBrowser(server.httpUrl).api;
    expect(await anonymous.call('reminder.stopByLink', { body: { token: stop.searchParams.get('unremind')! } })).toEqual({ spaceId: space.spaceId, title: 'Reminder show' });
    expect(await refusal(anonymous.call('reminder.stopByLink', { body: { token: `${space.spaceId}.${fan.id}.forgedforgedforgedforgedforged12` } }))).toMatch(/^gone/);
    expect((await anonymous.call('space.page', { params: { spaceId: space.spaceId } })).page.reminderCount).toBe(1);

    // The host is reminded again at the start time; nobody gets anything twice, however long we wait.
    await at(Date.parse('2027-03-19T14:00:00Z'));
    expect(mailsTo(host.email).map((m) => m.subject)).toEqual(['Your Space starts in 30 minutes: Reminder show', 'It is time: Reminder show']);
    await eventually(() => expect(heard.at(-1)).toBe(Date.parse('2027-03-19T14:00:00Z')));
    page.close();
    await at(Date.parse('2027-03-19T14:50:00Z'));
    expect(mailsTo(fan.email)).toHaveLength(1);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(smtp.received.length);
  });

  it('a reschedule mails every subscriber at once with a calendar file that updates the same event, and moves the reminder', async () => {
    const host = await person('mover');
    const fan = await person('fan');
    const space = await schedule(host, { title: 'Moving show', start: berlin('2027-03-20', '20:00') }); // 19:00Z
    await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    const before = parseCalendar(await (await fetch(`${server.httpUrl}/s/${space.spaceId}/calendar.ics`)).text());

    const moved = await host.api.call('schedule.update', { params: { spaceId: space.spaceId }, body: { start: berlin('2027-03-20', '21:15') } });
    expect(moved.startsAt).toBe(Date.parse('2027-03-20T20:15:00Z'));
    await server.platform.jobs.drain();
    const [notice] = mailsTo(fan.email);
    expect(notice!.subject).toBe('New time: Moving show');
    const attached = parseCalendar(notice!.attachments.find((a) => a.filename === 'space.ics')!.content);
    expect(attached.uid).toBe(before.uid);
    expect(attached.sequence).toBeGreaterThan(before.sequence);
    expect(attached.start).toBe(Date.parse('2027-03-20T20:15:00Z'));

    // The old reminder time passes in silence; the new one reminds.
    await at(Date.parse('2027-03-20T18:30:00Z'));
    expect(mailsTo(fan.email)).toHaveLength(1);
    await at(Date.parse('2027-03-20T19:45:00Z'));
    expect(mailsTo(fan.email).map((m) => m.subject)).toEqual(['New time: Moving show', 'Starting in 30 minutes: Moving show']);
  });

  it('a cancellation tells every subscriber, and nothing more comes', async () => {
    const host = await person('canceller');
    const fans = await Promise.all([person('a'), person('b'), person('c')]);
    const space = await schedule(host, { title: 'Off show', start: berlin('2027-03-21', '20:00') });
    for (const fan of fans) await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    expect((await host.api.call('schedule.cancel', { params: { spaceId: space.spaceId } })).status).toBe('cancelled');
    await server.platform.jobs.drain();
    for (const fan of fans) expect(mailsTo(fan.email).map((m) => m.subject)).toEqual(['Cancelled: Off show']);
    await at(Date.parse('2027-03-21T23:00:00Z'));
    for (const fan of fans) expect(mailsTo(fan.email)).toHaveLength(1);
    expect(await refusal(host.api.call('schedule.update', { params: { spaceId: space.spaceId }, body: { title: 'Back on' } }))).toMatch(/^conflict: this Space is no longer scheduled/);
  });

  it('marks a Space missed an hour after its time and tells subscribers; it can no longer start', async () => {
    const host = await person('late');
    const fan = await person('fan');
    const space = await schedule(host, { title: 'Never show', start: berlin('2027-03-22', '10:00') }); // 09:00Z
    await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    await at(Date.parse('2027-03-22T09:59:59Z'));
    expect((await fan.api.call('space.page', { params: { spaceId: space.spaceId } })).page.status).toBe('scheduled');
    await at(Date.parse('2027-03-22T10:00:00Z'));
    expect((await fan.api.call('space.page', { params: { spaceId: space.spaceId } })).page.status).toBe('missed');
    expect(mailsTo(fan.email).map((m) => m.subject)).toEqual(['Starting in 30 minutes: Never show', 'Did not start: Never show']);
    const studio = fakeRoom(server.wsUrl, { sessionToken: host.token });
    await studio.connect();
    await expect(studio.request('space.start', { spaceId: space.spaceId, hostName: 'Late' })).rejects.toMatchObject({ code: 'conflict' });
    studio.close();
  });

  it('Start now goes live under the same link; watching pages turn live; subscribers, co-hosts and followers are told once', async () => {
    const host = await person('star');
    const cohost = await person('helper');
    const fan = await person('fan');
    const follower = await person('follower');
    const both = await person('both');
    for (const who of [follower, both]) await who.api.call('follow.add', { params: { handle: host.handle }, body: {} });
    const space = await schedule(host, { title: 'Big show', start: berlin('2027-03-25', '20:00'), cohosts: [cohost.handle], visibility: 'public' });
    for (const who of [fan, both]) await who.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });

    // A listener's page watches it before it starts.
    const page = fakeRoom(server.wsUrl);
    await page.connect();
    const watched = await page.request('space.watch', { spaceId: space.spaceId });
    expect(watched.page).toMatchObject({ status: 'scheduled', reminderCount: 2, host: { handle: host.handle }, live: null });
    const pushed: string[] = [];
    page.signaling.on('space.page', (p) => pushed.push(p.status));

    const studio = fakeRoom(server.wsUrl, { sessionToken: host.token });
    await studio.connect();
    const started = await studio.request('space.start', { spaceId: space.spaceId, hostName: 'Star' });
    expect(started.spaceId).toBe(space.spaceId);
    await studio.join(started.hostToken);
    await expect(studio.request('space.start', { spaceId: space.spaceId, hostName: 'Star' })).rejects.toMatchObject({ code: 'conflict' });
    await eventually(() => expect(pushed).toContain('live'));
    const livePage = (await page.request('space.watch', { spaceId: space.spaceId })).page;
    expect(livePage.live?.invite).toBeTruthy();

    // The listener joins from the page's invitation; the co-host set up ahead joins on stage.
    await page.join(livePage.live!.invite, 'Listener');
    const helper = fakeRoom(server.wsUrl, { sessionToken: cohost.token });
    await helper.connect();
    expect((await helper.join(livePage.live!.invite)).role).toBe('cohost');

    await server.platform.jobs.drain();
    expect(mailsTo(fan.email).map((m) => m.subject)).toEqual(['Live now: Big show']);
    expect(mailsTo(both.email).map((m) => m.subject)).toEqual(['Live now: Big show']);
    expect(mailsTo(follower.email).map((m) => m.subject)).toEqual(['star is live: Big show']);
    expect(mailsTo(cohost.email).map((m) => m.subject)).toEqual(['You co-host, and it is live: Big show']);
    expect(mailsTo(host.email)).toEqual([]);

    // The directory lists it live with its listeners; its reminder time passes without a reminder.
    const directory = await follower.api.call('directory.get');
    expect(directory.live.find((l) => l.spaceId === space.spaceId)).toMatchObject({ title: 'Big show', host: { handle: host.handle }, listenerCount: 1 });
    expect(directory.following).toEqual([expect.objectContaining({ handle: host.handle, live: { spaceId: space.spaceId, title: 'Big show' } })]);
    expect((await follower.api.call('profile.spaces', { params: { handle: host.handle } })).live).toEqual({ spaceId: space.spaceId, title: 'Big show' });
    await at(Date.parse('2027-03-25T18:30:00Z'));
    expect(mailsTo(fan.email)).toHaveLength(1);

    await studio.endSpace();
    await eventually(() => expect(pushed).toContain('ended'));
    expect((await follower.api.call('directory.get')).live.find((l) => l.spaceId === space.spaceId)).toBeUndefined();
    for (const c of [page, studio, helper]) c.close();
  });

  it('followers hear of a public Space the host opens unscheduled, once, and never of an unlisted one', async () => {
    const host = await person('impromptu');
    const follower = await person('follower');
    await follower.api.call('follow.add', { params: { handle: host.handle }, body: {} });
    const studio = fakeRoom(server.wsUrl, { sessionToken: host.token });
    await studio.connect();
    const unlisted = await studio.request('space.create', { title: 'Quiet room', hostName: 'Impromptu' });
    const listed = await studio.request('space.create', { title: 'Open room', hostName: 'Impromptu', visibility: 'public' });
    await server.platform.jobs.drain();
    expect(mailsTo(follower.email).map((m) => m.subject)).toEqual(['impromptu is live: Open room']);
    const directory = await testBrowser(server.httpUrl).api.call('directory.get');
    expect(directory.live.map((l) => l.spaceId)).toContain(listed.spaceId);
    expect(directory.live.map((l) => l.spaceId)).not.toContain(unlisted.spaceId);
    // The unlisted one still has its page, for whoever holds the link.
    expect((await testBrowser(server.httpUrl).api.call('space.page', { params: { spaceId: unlisted.spaceId } })).page).toMatchObject({ status: 'live', visibility: 'unlisted' });
    for (const id of [listed.spaceId, unlisted.spaceId]) server.sfu.space(id)!.end('test over');
    studio.close();
  });

  it('the directory lists only public upcoming Spaces, soonest first, with reminder counts and the viewer’s own', async () => {
    const host = await person('lister');
    const viewer = await person('viewer');
    const late = await schedule(host, { title: 'Later public', start: berlin('2027-04-10', '20:00'), visibility: 'public' });
    const soon = await schedule(host, { title: 'Sooner public', start: berlin('2027-04-09', '20:00'), visibility: 'public' });
    const hidden = await schedule(host, { title: 'Unlisted', start: berlin('2027-04-08', '20:00'), visibility: 'unlisted' });
    await viewer.api.call('reminder.set', { params: { spaceId: late.spaceId }, body: {} });
    const { upcoming } = await viewer.api.call('directory.get');
    const mine = upcoming.filter((u) => u.host?.handle === host.handle);
    expect(mine.map((u) => [u.title, u.reminderCount, u.reminded])).toEqual([
      ['Sooner public', 0, false],
      ['Later public', 1, true],
    ]);
    expect(upcoming.map((u) => u.spaceId)).not.toContain(hidden.spaceId);
    const starts = upcoming.map((u) => u.startsAt);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    void soon;
  });

  it('serves an RFC 5545 calendar file ical.js reads: UTC start, a 30-minute alarm, a UID that survives reschedules', async () => {
    const host = await person('cal');
    const space: HostScheduledSpace = await schedule(host, { title: 'Calendar; with, commas', description: 'Line one\nLine two — ünïcödé '.repeat(5), start: berlin('2027-03-30', '19:00') });
    const response = await fetch(`${server.httpUrl}/s/${space.spaceId}/calendar.ics`);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = await response.text();
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const first = parseCalendar(text);
    expect(first).toMatchObject({ summary: 'Calendar; with, commas', start: Date.parse('2027-03-30T17:00:00Z'), alarm: '-PT30M', url: `${server.httpUrl}/s/${space.spaceId}` });
    expect(first.description).toContain('Line one\nLine two — ünïcödé');
    await host.api.call('schedule.update', { params: { spaceId: space.spaceId }, body: { start: berlin('2027-03-31', '19:00') } });
    const second = parseCalendar(await (await fetch(`${server.httpUrl}/s/${space.spaceId}/calendar.ics`)).text());
    expect(second.uid).toBe(first.uid);
    expect(second.sequence).toBeGreaterThan(first.sequence);
    expect(second.start).toBe(Date.parse('2027-03-31T17:00:00Z'));
    expect((await fetch(`${server.httpUrl}/s/nosuchspace1/calendar.ics`)).status).toBe(404);
  });

  it('retries a refused SMTP send with backoff and delivers it once', async () => {
    const host = await person('retry');
    const fan = await person('fan');
    const space = await schedule(host, { title: 'Flaky mail', start: berlin('2027-03-27', '12:00') }); // 11:00Z
    await fan.api.call('reminder.set', { params: { spaceId: space.spaceId }, body: {} });
    smtp.refuseNext(1, 451, fan.email);
    await at(Date.parse('2027-03-27T10:30:00Z'));
    // The server said "try again later"; the host's own reminder went through.
    expect(mailsTo(fan.email)).toEqual([]);
    expect(mailsTo(host.email)).toHaveLength(1);
    await at(Date.parse('2027-03-27T10:30:10Z'));
    expect(mailsTo(fan.email)).toEqual([]);
    // The first retry comes after 30 s (±20 %).
    await at(Date.parse('2027-03-27T10:31:00Z'));
    expect(mailsTo(fan.email).map((m) => m.subject)).toEqual(['Starting in 30 minutes: Flaky mail']);
    const jobs = await server.platform.store.repos.jobs.list({ subject: `space:${space.spaceId}:mail` });
    expect(jobs.find((j) => (j.payload as { to: string }).to === fan.email)).toMatchObject({ status: 'done', attempts: 2, lastError: expect.stringMatching(/451/) });
  });
});

function parseCalendar(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  const vevent = component.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  const alarm = vevent.getFirstSubcomponent('valarm')!;
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    start: event.startDate.toJSDate().getTime(),
    url: String(vevent.getFirstPropertyValue('url')),
    alarm: String(alarm.getFirstPropertyValue('trigger')),
    method: String(component.getFirstPropertyValue('method')),
  };
}
