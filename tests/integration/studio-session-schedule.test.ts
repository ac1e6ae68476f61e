// StudioSession and the schedule, without React, against a real SFU service signed in as the host's
// account: whether a Space goes in the directory, and Start now of a scheduled Space, as the host and
// a listener would check them: by the directory, the Space page and who is on stage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock';
import { canGoLive, canStartScheduled } from '../../src/renderer/studio/StudioSession';
import { testBrowser } from '../support/apiClient';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { nodeStudio, type NodeStudio } from '../support/studioSession';
import type { RoomClient } from '../../src/renderer/room/RoomClient';

const STUDIO_KEY = 'studio-key-for-the-schedule-session-test';
/** The test's "now": a Friday afternoon in Berlin. */
const T0 = Date.parse('2027-03-19T12:00:00Z');

interface Ctx {
  server: TestServer;
  clock: ManualClock;
  /** The host's account and a browser signed in as them (the studio's schedule board calls the same API). */
  host: { accountId: string; handle: string; api: ReturnType<typeof testBrowser>['api'] };
  studio: NodeStudio;
  /** Listeners and Space pages opened during a test. */
  clients: RoomClient[];
}

async function account(server: TestServer, handle: string, displayName: string) {
  const { account } = await server.platform.store.repos.accounts.create({
    id: `acc_${handle}`, email: `${handle}@example.com`, passwordHash: 'unused', role: 'member', handle, displayName, now: T0,
  });
  const token = await server.platform.accounts.studioSession(account.id, { address: '127.0.0.1', userAgent: 'studio session test' });
  return { accountId: account.id, handle, token, api: testBrowser(server.httpUrl, { token }).api };
}

/** What a listener does with the share link: open the Space page, and join with the invitation it shows while live. */
async function listenFromShareLink(ctx: Ctx, shareLink: string, name: string): Promise<RoomClient> {
  const prefix = `${ctx.server.httpUrl}/s/`;
  expect(shareLink.startsWith(prefix)).toBe(true);
  const page = fakeRoom(ctx.server.wsUrl);
  ctx.clients.push(page);
  await page.connect();
  const { page: seen } = await page.request('space.watch', { spaceId: shareLink.slice(prefix.length) });
  if (!seen.live) throw new Error(`the Space page shows it ${seen.status}, not live`);
  const listener = fakeRoom(ctx.server.wsUrl);
  ctx.clients.push(listener);
  await listener.connect();
  await listener.join(seen.live.invite, name);
  return listener;
}

const ready = async (studio: NodeStudio, name = 'Ada') => {
  await studio.session.open();
  studio.session.setHostName(name);
};

describe('StudioSession and the schedule', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    const clock = new ManualClock(T0);
    const server = await startTestServer({ studioKey: STUDIO_KEY }, { clock });
    const host = await account(server, 'ada', 'Ada Lovelace');
    const studio = nodeStudio({ endpoint: { httpUrl: server.httpUrl, wsUrl: server.wsUrl, studioKey: STUDIO_KEY, sessionToken: host.token } });
    ctx = { server, clock, host, studio, clients: [] };
  });
  afterEach(async () => {
    for (const c of ctx.clients) c.close();
    await ctx.studio.session.close();
    await ctx.server.close();
  });

  it('a Space is listed in the directory unless the host unticks it; unlisted, the share link still admits listeners', async () => {
    const { session } = ctx.studio;
    await ready(ctx.studio);
    expect(session.state.listed).toBe(true);
    session.setTitle('Listed show');
    await session.goLive();
    const listed = session.state.live!;
    const directory = () => testBrowser(ctx.server.httpUrl).api.call('directory.get');
    expect((await directory()).live.find((l) => l.spaceId === listed.spaceId)).toMatchObject({ title: 'Listed show', host: { handle: 'ada' } });
    await session.close();

    const again = nodeStudio({ endpoint: ctx.studio.endpoint });
    ctx.studio = again;
    await ready(again);
    again.session.setListed(false);
    again.session.setTitle('Friends only');
    await again.session.goLive();
    const unlisted = again.session.state.live!;
    expect(unlisted.shareLink).toBe(`${ctx.server.httpUrl}/s/${unlisted.spaceId}`);
    expect((await directory()).live.map((l) => l.spaceId)).not.toContain(unlisted.spaceId);
    const listener = await listenFromShareLink(ctx, unlisted.shareLink, 'Linus');
    expect(listener.snapshot!.title).toBe('Friends only');
  });

  it('Start now goes live in the scheduled Space under its id and link, with what it was set up with and the captions choice', async () => {
    const { session, settings } = ctx.studio;
    const grace = await account(ctx.server, 'grace', 'Grace Hopper');
    const scheduled = await ctx.host.api.call('schedule.create', {
      body: { title: 'Beeps at dawn', description: 'Six beeps', start: { date: '2027-03-19', time: '15:00', timeZone: 'Europe/Berlin' }, visibility: 'public', cohosts: ['grace'] },
    });
    await ready(ctx.studio);
    session.setTitle('Something else typed');
    // Start now needs a name and a microphone, not the typed title.
    expect(canStartScheduled(session.state)).toBe(true);
    session.setHostName(' ');
    expect(canStartScheduled(session.state)).toBe(false);
    session.setHostName('Ada');
    // The captions choice on the set-up screen applies to the scheduled Space too.
    session.setCaptions(false);

    await session.startScheduled({ spaceId: scheduled.spaceId, title: scheduled.title });
    const { phase, live, snapshot, title, error } = session.state;
    expect(error).toBeUndefined();
    expect(phase).toBe('live');
    // The link shared before the start is the one it has now.
    expect(live).toMatchObject({ spaceId: scheduled.spaceId, shareLink: `${ctx.server.httpUrl}${scheduled.sharePath}` });
    expect(title).toBe('Beeps at dawn');
    expect(snapshot).toMatchObject({ title: 'Beeps at dawn', stage: [{ displayName: 'Ada', role: 'host' }] });
    await eventually(() => expect(session.state.snapshot!.stage[0]!.live).toBe(true));
    await eventually(() => expect(session.captions?.state?.enabled).toBe(false));
    // The title typed for an unscheduled Space is not replaced by the scheduled one's.
    expect(settings.get().lastSpaceTitle).not.toBe('Beeps at dawn');

    const { spaces } = await ctx.host.api.call('schedule.mine');
    expect(spaces.find((s) => s.spaceId === scheduled.spaceId)?.status ?? 'gone from the upcoming list').not.toBe('scheduled');
    const directory = await testBrowser(ctx.server.httpUrl).api.call('directory.get');
    expect(directory.live.find((l) => l.spaceId === scheduled.spaceId)).toMatchObject({ title: 'Beeps at dawn', host: { handle: 'ada' } });
    // The co-host set up ahead joins on stage, signed in; a listener from the link hears the host.
    const cohost = fakeRoom(ctx.server.wsUrl, { sessionToken: grace.token });
    ctx.clients.push(cohost);
    await cohost.connect();
    const page = await cohost.request('space.watch', { spaceId: scheduled.spaceId });
    await cohost.join(page.page.live!.invite, 'Grace');
    expect(cohost.snapshot!.you.role).toBe('cohost');
    await cohost.setMicrophone(fakeMicTrack());
    const listener = await listenFromShareLink(ctx, live!.shareLink, 'Linus');
    await eventually(() => expect(listener.snapshot!.stage.map((m) => `${m.displayName}:${m.role}`)).toEqual(['Ada:host', 'Grace:cohost']));
  });

  it('a Start now the server refuses says why and returns to set-up; a started Space cannot be started twice', async () => {
    const { session } = ctx.studio;
    const other = await account(ctx.server, 'mallory', 'Mallory');
    const theirs = await other.api.call('schedule.create', { body: { title: 'Not yours', start: { date: '2027-03-19', time: '16:00', timeZone: 'Europe/Berlin' } } });
    await ready(ctx.studio);
    await session.startScheduled({ spaceId: theirs.spaceId, title: theirs.title });
    expect(session.state).toMatchObject({ phase: 'setup', live: undefined, error: 'only its host may start a scheduled Space' });
    expect(ctx.studio.rooms.at(-1)!.signaling.connected).toBe(false);
    expect(canGoLive(session.state)).toBe(true);

    const mine = await ctx.host.api.call('schedule.create', { body: { title: 'Mine', start: { date: '2027-03-19', time: '16:00', timeZone: 'Europe/Berlin' } } });
    await session.startScheduled({ spaceId: mine.spaceId, title: mine.title });
    expect(session.state.phase).toBe('live');
    const second = nodeStudio({ endpoint: ctx.studio.endpoint });
    try {
      await ready(second);
      await second.session.startScheduled({ spaceId: mine.spaceId, title: mine.title });
      expect(second.session.state).toMatchObject({ phase: 'setup', error: 'this Space was live; schedule a new one' });
    } finally {
      await second.session.close();
    }
  });
});
