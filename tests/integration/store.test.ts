// The store on both databases: the same suite against a SQLite file and a real PostgreSQL database.
// Migrations, refusal of a newer database, and each repository's rules as the server relies on them.
import { sql } from 'kysely';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Logger } from '../../src/server/logger';
import { Journal } from '../../src/server/store/Journal';
import { knownMigrations } from '../../src/server/store/migrate';
import type { MemberRecord, SpaceRecord } from '../../src/server/store/repositories/SpaceRepository';
import { Store } from '../../src/server/store/Store';
import { StoreError } from '../../src/server/store/StoreError';
import { openTestStore, STORE_KINDS, testStoreTarget, type TestStoreTarget } from '../support/store';

const NOW = 1_700_000_000_000;

describe.each(STORE_KINDS)('the store on %s', (kind) => {
  let ctx: { store: Store; place: TestStoreTarget; cleanup(): Promise<void> };

  beforeEach(async () => {
    ctx = await openTestStore(kind);
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  const newAccount = (n: number, role: 'member' | 'owner' = 'member') =>
    ctx.store.repos.accounts.create({
      id: `acc-${n}`,
      email: `person${n}@example.com`,
      passwordHash: 'scrypt$x',
      role,
      handle: `person${n}`,
      displayName: `Person ${n}`,
      now: NOW + n,
    });

  it('store.open() migrates a new database once, and a second open finds nothing to do', async () => {
    expect(ctx.store.migrated).toEqual(knownMigrations());
    const again = await Store.open(ctx.place.target);
    expect(again.migrated).toEqual([]);
    await again.close();
  });

  it('store.open() refuses a database that a newer server migrated, saying so', async () => {
    await ctx.store.db
      .withTables<{ kysely_migration: { name: string; timestamp: string } }>()
      .insertInto('kysely_migration')
      .values({ name: '0099_from_the_future', timestamp: new Date().toISOString() })
      .execute();
    const opening = Store.open(ctx.place.target);
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(/newer Hostline.*0099_from_the_future/);
  });

  it('accounts.create() keeps emails and handles unique, and finds accounts by email', async () => {
    const { account, profile } = await newAccount(1);
    expect(account).toMatchObject({ id: 'acc-1', email: 'person1@example.com', role: 'member', bannedAt: null });
    expect(profile).toEqual({ accountId: 'acc-1', handle: 'person1', displayName: 'Person 1', bio: '' });
    expect((await ctx.store.repos.accounts.byEmail('person1@example.com'))?.id).toBe('acc-1');
    expect(await ctx.store.repos.accounts.byEmail('nobody@example.com')).toBeUndefined();
    const sameEmail = ctx.store.repos.accounts.create({ id: 'acc-x', email: 'person1@example.com', passwordHash: 'h', role: 'member', handle: 'other', displayName: 'O', now: NOW });
    await expect(sameEmail).rejects.toMatchObject({ code: 'conflict' });
    const sameHandle = ctx.store.repos.accounts.create({ id: 'acc-y', email: 'other@example.com', passwordHash: 'h', role: 'member', handle: 'person1', displayName: 'O', now: NOW });
    await expect(sameHandle).rejects.toMatchObject({ code: 'conflict' });
    // A refused create leaves no half-made account behind.
    expect(await ctx.store.repos.accounts.byEmail('other@example.com')).toBeUndefined();
    expect(await ctx.store.repos.accounts.byId('acc-x')).toBeUndefined();
  });

  it('profiles.update() changes a profile and refuses a handle someone else holds', async () => {
    await newAccount(1);
    await newAccount(2);
    const changed = await ctx.store.repos.profiles.update('acc-1', { displayName: 'Ada', bio: 'Hosts on Tuesdays', handle: 'ada' }, NOW);
    expect(changed).toEqual({ accountId: 'acc-1', handle: 'ada', displayName: 'Ada', bio: 'Hosts on Tuesdays' });
    expect((await ctx.store.repos.profiles.byHandle('ada'))?.accountId).toBe('acc-1');
    expect(await ctx.store.repos.profiles.byHandle('person1')).toBeUndefined();
    await expect(ctx.store.repos.profiles.update('acc-2', { handle: 'ada' }, NOW)).rejects.toMatchObject({ code: 'conflict' });
    expect((await ctx.store.repos.profiles.byAccount('acc-2'))?.handle).toBe('person2');
  });

  it('sessions are found until they expire, and deleteForAccount() ends them all', async () => {
    await newAccount(1);
    await newAccount(2);
    const sessions = ctx.store.repos.sessions;
    for (const [hash, account] of [['h1', 'acc-1'], ['h2', 'acc-1'], ['h3', 'acc-2']] as const) {
      await sessions.create({ idHash: hash, accountId: account, kind: 'browser', now: NOW, expiresAt: NOW + 1000, userAgent: 'test', address: '127.0.0.1' });
    }
    expect((await sessions.find('h1', NOW + 999))?.accountId).toBe('acc-1');
    expect(await sessions.find('h1', NOW + 1000)).toBeUndefined();
    await sessions.touch('h1', NOW + 500, NOW + 5000);
    expect((await sessions.find('h1', NOW + 4000))?.lastSeenAt).toBe(NOW + 500);
    expect(await sessions.deleteForAccount('acc-1')).toBe(2);
    expect(await sessions.find('h1', NOW)).toBeUndefined();
    expect(await sessions.find('h2', NOW)).toBeUndefined();
    expect((await sessions.find('h3', NOW))?.accountId).toBe('acc-2');
  });

  it('a reset link works once, within its time, and using it voids the others', async () => {
    await newAccount(1);
    const links = ctx.store.repos.links;
    await links.addReset('r1', 'acc-1', NOW, NOW + 3_600_000);
    await links.addReset('r2', 'acc-1', NOW, NOW + 3_600_000);
    await links.addReset('old', 'acc-1', NOW - 7_200_000, NOW - 3_600_000);
    expect(await links.takeReset('old', NOW)).toBeUndefined();
    // Two clicks at once: exactly one wins.
    const both = await Promise.all([links.takeReset('r1', NOW + 1), links.takeReset('r1', NOW + 1)]);
    expect(both.filter((r) => r === 'acc-1')).toHaveLength(1);
    expect(await links.takeReset('r2', NOW + 2)).toBeUndefined();
    expect(await links.takeReset('nope', NOW)).toBeUndefined();
  });

  it('a sign-up link gives its pending account once', async () => {
    const links = ctx.store.repos.links;
    const pending = { email: 'new@example.com', passwordHash: 'h', handle: 'newbie', displayName: 'New' };
    await links.addSignup('s1', pending, NOW, NOW + 1000);
    expect(await links.recentCount('new@example.com', undefined, NOW - 1)).toBe(1);
    expect(await links.takeSignup('s1', NOW + 1001)).toBeUndefined();
    await links.addSignup('s2', pending, NOW, NOW + 1000);
    expect(await links.takeSignup('s2', NOW + 10)).toEqual(pending);
    expect(await links.takeSignup('s2', NOW + 11)).toBeUndefined();
  });

  it('follows count once however often they are made, and unfollow removes them', async () => {
    await newAccount(1);
    await newAccount(2);
    await newAccount(3);
    const follows = ctx.store.repos.follows;
    await follows.follow('acc-1', 'acc-3', NOW);
    await follows.follow('acc-1', 'acc-3', NOW + 1);
    await follows.follow('acc-2', 'acc-3', NOW + 2);
    expect(await follows.counts('acc-3')).toEqual({ followers: 2, following: 0 });
    expect(await follows.counts('acc-1')).toEqual({ followers: 0, following: 1 });
    expect(await follows.isFollowing('acc-1', 'acc-3')).toBe(true);
    expect((await follows.following('acc-1', 10)).map((p) => p.handle)).toEqual(['person3']);
    await follows.unfollow('acc-1', 'acc-3');
    expect(await follows.isFollowing('acc-1', 'acc-3')).toBe(false);
    expect(await follows.counts('acc-3')).toEqual({ followers: 1, following: 0 });
  });

  it('blocks and reports are kept; a report stored twice is one report', async () => {
    const moderation = ctx.store.repos.moderation;
    await moderation.block('host-1', { userId: 'troll', displayName: 'Troll' }, NOW);
    await moderation.block('host-1', { userId: 'troll', displayName: 'Troll again' }, NOW + 1);
    expect(await moderation.blockList('host-1')).toEqual([{ userId: 'troll', displayName: 'Troll again' }]);
    expect(await moderation.anyBlocked(['someone', 'host-1'], ['anon-1', 'troll'])).toBe(true);
    expect(await moderation.anyBlocked(['host-2'], ['troll'])).toBe(false);
    const report = {
      id: 'rep-1',
      at: new Date(NOW).toISOString(),
      spaceId: 's1',
      spaceTitle: 'Show',
      reporter: { userId: 'a', displayName: 'A' },
      reported: { userId: 'troll', displayName: 'Troll' },
      reason: 'shouting',
    };
    await moderation.report(report);
    await moderation.report(report);
    expect(await moderation.reports()).toEqual([report]);
  });

  it('store.transaction() lands all of its writes or none', async () => {
    await expect(
      ctx.store.transaction(async (repos) => {
        await repos.meta.set('a', '1');
        await repos.meta.set('b', '2');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await ctx.store.repos.meta.get('a')).toBeUndefined();
    await ctx.store.transaction(async (repos) => {
      await repos.meta.set('a', '1');
      await repos.meta.set('a', '3');
    });
    expect(await ctx.store.repos.meta.get('a')).toBe('3');
  });

  const space = (id: string): SpaceRecord => ({
    id,
    title: `Show ${id}`,
    hostUserId: 'acc-host',
    status: 'live',
    policy: { requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
    queue: [],
    talkTimeMs: {},
    createdAt: NOW,
    startedAt: NOW,
    endedAt: null,
    endReason: null,
  });
  const member = (id: string, role: MemberRecord['role'], joinedAt: number): MemberRecord => ({
    memberId: id,
    userId: `user-${id}`,
    displayName: id,
    role,
    muted: false,
    canRequest: false,
    stageSince: role === 'listener' ? 0 : joinedAt,
    joinedAt,
    resumeHash: `hash-${id}`,
    invitation: null,
  });

  it('spaces.live() gives back each live Space with its members in join order, queue, mutes and bans', async () => {
    const spaces = ctx.store.repos.spaces;
    await spaces.create(space('s1'), NOW);
    await spaces.create(space('s2'), NOW);
    await spaces.putMember('s1', member('host', 'host', NOW));
    await spaces.putMember('s1', member('co', 'cohost', NOW + 1));
    await spaces.putMember('s1', member('fan', 'listener', NOW + 2));
    await spaces.putMember('s1', member('late', 'listener', NOW + 3));
    // A change rewrites the member's row.
    await spaces.putMember('s1', { ...member('co', 'cohost', NOW + 1), muted: true, invitation: null });
    await spaces.putMember('s1', { ...member('fan', 'listener', NOW + 2), invitation: { as: 'speaker', from: 'host' }, canRequest: true });
    await spaces.setQueue('s1', [{ memberId: 'late', raisedAt: NOW + 10 }, { memberId: 'fan', raisedAt: NOW + 5 }], NOW + 11);
    await spaces.addBan('s1', 'user-troll', NOW);
    await spaces.addBan('s1', 'user-troll', NOW + 1);
    await spaces.putMember('s2', member('other-host', 'host', NOW));
    await spaces.end('s2', 'the host ended the space', NOW + 20);
    const live = await spaces.live();
    expect(live.map((l) => l.space.id)).toEqual(['s1']);
    expect(live[0]!.members.map((m) => [m.memberId, m.role, m.muted])).toEqual([
      ['host', 'host', false],
      ['co', 'cohost', true],
      ['fan', 'listener', false],
      ['late', 'listener', false],
    ]);
    expect(live[0]!.members[2]).toMatchObject({ invitation: { as: 'speaker', from: 'host' }, canRequest: true });
    expect(live[0]!.space.queue.map((h) => h.memberId)).toEqual(['late', 'fan']);
    expect(live[0]!.bans).toEqual(['user-troll']);
    expect(await spaces.get('s2')).toMatchObject({ status: 'ended', endReason: 'the host ended the space', endedAt: NOW + 20 });
  });

  it('the journal folds writes to the same row, commits them in one transaction, and settled() waits for it', async () => {
    const journal = new Journal(ctx.store, new Logger('error'));
    journal.write('space:s1', (r) => r.spaces.create(space('s1'), NOW));
    for (let i = 0; i < 50; i++) {
      journal.write('member:s1:a', (r) => r.spaces.putMember('s1', { ...member('a', 'listener', NOW), displayName: `a${i}` }));
    }
    journal.write('member:s1:b', (r) => r.spaces.putMember('s1', member('b', 'speaker', NOW + 1)));
    expect(journal.busy).toBe(true);
    await journal.settled();
    expect(journal.busy).toBe(false);
    expect(journal.stats).toMatchObject({ batches: 1, writes: 3, folded: 49 });
    const [stored] = await ctx.store.repos.spaces.live();
    expect(stored!.members.map((m) => m.displayName)).toEqual(['a49', 'b']);
    await journal.close();
  });

  it('the journal retries a failed commit and loses nothing', async () => {
    const journal = new Journal(ctx.store, new Logger('error', {}, () => undefined));
    let failures = 1;
    journal.write('space:s1', (r) => r.spaces.create(space('s1'), NOW));
    journal.write('flaky', async () => {
      if (failures-- > 0) throw new Error('the database blinked');
    });
    await journal.settled();
    journal.write('member:s1:a', (r) => r.spaces.putMember('s1', member('a', 'host', NOW)));
    await journal.settled();
    await journal.close();
    const [stored] = await ctx.store.repos.spaces.live();
    expect(stored?.members.map((m) => m.memberId)).toEqual(['a']);
  });

  it('timestamps read back as numbers, not strings', async () => {
    await newAccount(1);
    const account = await ctx.store.repos.accounts.byId('acc-1');
    expect(account?.createdAt).toBe(NOW + 1);
    expect(typeof account?.createdAt).toBe('number');
  });
});

describe('the SQLite store', () => {
  it('keeps its file in WAL mode', async () => {
    const place = await testStoreTarget('sqlite');
    try {
      const store = await Store.open(place.target);
      await store.repos.meta.set('x', 'y');
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      await store.close();
      // Another process (here: another connection) sees the committed write.
      const raw = new Sqlite(place.target.kind === 'sqlite' ? place.target.file : '');
      expect(raw.prepare("select value from store_meta where key = 'x'").get()).toEqual({ value: 'y' });
      raw.close();
    } finally {
      await place.cleanup();
    }
  });
});

describe('the PostgreSQL store', () => {
  it('reports an unreachable server clearly', async () => {
    const opening = Store.open({ kind: 'postgres', url: 'postgres://hostline:wrong@127.0.0.1:1/nothing' });
    await expect(opening).rejects.toMatchObject({ code: 'unreachable' });
    await expect(opening).rejects.toThrow(/cannot open the database postgres:\/\/hostline:\*\*\*@127\.0\.0\.1:1\/nothing/);
  });
});
