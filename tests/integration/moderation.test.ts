// Moderation through the real path: muting (one, all; only the speaker can unmute), removal with a
// ban, block lists that keep people out of the blocker's future spaces, reports, and reactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

describe('moderation', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;
  /** Data folders this file made, removed after each test. */
  const dataDirs: string[] = [];
  const dataDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dataDirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    f?.close();
    await server.close();
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a host mutes a speaker (the server pauses their producer); only the speaker can unmute', async () => {
    server = await startTestServer();
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], speakers: ['sam'] });
    const sam = f.people.sam!;
    const producer = server.sfu.space(f.spaceId)!.member(f.id('sam'))!.producers.get(sam.producer!.id)!;
    await f.host.request('member.mute', { memberId: f.id('sam') });
    expect(producer.paused).toBe(true);
    await eventually(() => expect(sam.snapshot!.you.muted).toBe(true));
    // Nobody can force a microphone open: there is no request for it, and resuming someone else's
    // producer is refused.
    await expect(f.host.request('producer.resume', { producerId: sam.producer!.id })).rejects.toMatchObject({ code: 'not_found' });
    expect(producer.paused).toBe(true);
    await sam.setMuted(false);
    expect(producer.paused).toBe(false);
    await eventually(() => expect(f!.host.snapshot!.stage.find((m) => m.displayName === 'sam')!.muted).toBe(false));
  });

  it('mute all from the host mutes every co-host and speaker but not the host', async () => {
    server = await startTestServer();
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], speakers: ['s1', 's2'] });
    expect(await f.host.request('stage.muteAll', {})).toEqual({ muted: 3 });
    await eventually(() =>
      expect(Object.fromEntries(f!.host.snapshot!.stage.map((m) => [m.displayName, m.muted]))).toEqual({ Host: false, co: true, s1: true, s2: true }),
    );
  });

  it('removing someone from the space bans them from rejoining it, even with a fresh connection', async () => {
    server = await startTestServer();
    f = await buildSpace(server.wsUrl, { listeners: ['troll'] });
    const troll = f.people.troll!;
    const reasons: string[] = [];
    troll.on('removed', (r) => reasons.push(r));
    await f.host.request('member.remove', { memberId: f.id('troll') });
    await eventually(() => expect(reasons).toEqual(['a host removed you from this space']));
    await eventually(() => expect(f!.host.snapshot!.listenerCount).toBe(0));
    await expect(troll.request('reaction.send', { reaction: '🔥' })).rejects.toMatchObject({ code: 'not_joined' });
    const again = fakeRoom(server.wsUrl);
    f.all.push(again);
    // The same person comes back: their client presents the identity it kept.
    await again.connect();
    await expect(again.request('space.join', { token: f.invite, userToken: troll.userToken })).rejects.toMatchObject({ code: 'banned' });
  });

  it('a host’s block list removes the person now and keeps them out of that host’s later spaces', async () => {
    const blocksDir = dataDir('hostline-moderation-');
    // The same signing secret across the restart, so the identities people kept still verify.
    const tokenSecret = 'a-secret-that-is-at-least-32-characters-long';
    server = await startTestServer({ dataDir: blocksDir, tokenSecret });
    f = await buildSpace(server.wsUrl, { speakers: ['pest'], listeners: ['fan'] });
    const pestToken = f.people.pest!.userToken!;
    await f.host.request('member.block', { memberId: f.id('pest') });
    await eventually(() => expect(f!.host.snapshot!.stage.map((m) => m.displayName)).toEqual(['Host']));
    // A listener's block only fills their own list; nobody is removed.
    await f.people.fan!.request('member.block', { memberId: f.id('host') });
    expect(f.host.snapshot!.status).toBe('live');
    // The same host opens another space; the blocked user cannot join it.
    const studio = fakeRoom(server.wsUrl);
    f.all.push(studio);
    await studio.connect();
    const hostIdentity = f.host.userToken!;
    const second = await studio.request('space.create', { title: 'Next week', hostName: 'Host', userToken: hostIdentity });
    const pest = fakeRoom(server.wsUrl);
    f.all.push(pest);
    await pest.connect();
    await expect(pest.request('space.join', { token: second.listenerInvite, userToken: pestToken })).rejects.toMatchObject({
      code: 'banned',
      message: 'the host has blocked you',
    });
    // Block lists survive a restart of the service: they are in its database in the data folder.
    await server.platform.moderation.flush();
    await server.close();
    server = await startTestServer({ dataDir: blocksDir, tokenSecret });
    const studio2 = fakeRoom(server.wsUrl);
    const pest2 = fakeRoom(server.wsUrl);
    f.all.push(studio2, pest2);
    await studio2.connect();
    const third = await studio2.request('space.create', { title: 'After the restart', hostName: 'Host', userToken: hostIdentity });
    await pest2.connect();
    await expect(pest2.request('space.join', { token: third.listenerInvite, userToken: pestToken })).rejects.toMatchObject({ code: 'banned' });
  });

  it('a report is stored with who, when, why and the space', async () => {
    const reportsDir = dataDir('hostline-reports-');
    server = await startTestServer({ dataDir: reportsDir });
    f = await buildSpace(server.wsUrl, { speakers: ['loud'], listeners: ['fan'], title: 'Evening show' });
    const { reportId } = await f.people.fan!.request('member.report', { memberId: f.id('loud'), reason: '  hate speech at 12:30 ' });
    await server.platform.moderation.flush();
    expect(await server.platform.store.repos.moderation.reports()).toEqual([
      {
        id: reportId,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        spaceId: f.spaceId,
        spaceTitle: 'Evening show',
        reporter: { userId: expect.any(String), displayName: 'fan' },
        reported: { userId: expect.any(String), displayName: 'loud' },
        reason: 'hate speech at 12:30',
      },
    ]);
    await expect(f.people.fan!.request('member.report', { memberId: f.id('loud'), reason: '   ' })).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it('reactions reach everyone folded together, and each person is rate-limited', async () => {
    server = await startTestServer();
    f = await buildSpace(server.wsUrl, { listeners: ['a', 'b'] });
    const bursts: Array<Record<string, number | undefined>> = [];
    f.host.on('reactions', (burst) => bursts.push(burst.counts));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => f!.people.a!.request('reaction.send', { reaction: '🔥' })));
    await f.people.b!.request('reaction.send', { reaction: '👏' });
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    expect(accepted).toBe(5);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'rate_limited')).toBe(true);
    await eventually(() => {
      const total = { '🔥': 0, '👏': 0 };
      for (const b of bursts) {
        total['🔥'] += b['🔥'] ?? 0;
        total['👏'] += b['👏'] ?? 0;
      }
      expect(total).toEqual({ '🔥': 5, '👏': 1 });
    });
    expect(bursts.length).toBeLessThanOrEqual(2);
  });
});
