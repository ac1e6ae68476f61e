// The job queue across real server processes sharing one PostgreSQL: 1,000 reminders due in the same
// second are each mailed exactly once by two processes claiming side by side; and a process killed
// with SIGKILL in the middle of the batch loses none and doubles none once another takes over: every
// mailbox holds exactly one reminder, and the only messages that arrive twice (under one Message-ID)
// are those whose end was on the wire at the kill, which SMTP cannot tell apart (RFC 1047).
// Mail goes to a real SMTP server on loopback, which counts what it accepted.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_JOBS } from '../../src/server/schedule/ScheduleNotices';
import { Store } from '../../src/server/store/Store';
import { eventually } from '../support/fakeRoom';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startTestSmtp, type TestSmtp } from '../support/smtp';

const SUBSCRIBERS = 1000;
const T0 = Date.parse('2027-05-03T08:00:00Z');
const STARTS_AT = T0 + 2 * 3_600_000;
const REMIND_AT = STARTS_AT - 30 * 60_000;
const CHILD = join(import.meta.dirname, '..', '..', 'out', 'test-child', 'server-child.mjs');

interface ServerProcess {
  child: ChildProcess;
  worker: string;
  setClock(ms: number): Promise<void>;
}

async function startProcess(database: string, smtp: string): Promise<ServerProcess> {
  const child = fork(CHILD, [], { env: { ...process.env, DATABASE: database, SMTP: smtp, CLOCK_START: String(T0) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const worker = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { worker: string }) => resolve(m.worker));
    child.once('exit', (code) => reject(new Error(`server process exited (${code}) before it was ready`)));
  });
  return {
    child,
    worker,
    setClock: (ms) =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send({ set: ms });
      }),
  };
}

async function stopProcess(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGTERM');
  await exited;
}

/** A host, a scheduled Space and SUBSCRIBERS people who set a reminder, written straight to the store. */
async function seed(store: Store): Promise<{ spaceId: string; emails: string[] }> {
  const db = store.db.withTables<{
    accounts: Record<string, unknown>;
    profiles: Record<string, unknown>;
    space_reminders: Record<string, unknown>;
  }>();
  const people = Array.from({ length: SUBSCRIBERS + 1 }, (_, i) => (i === 0 ? 'host' : `fan${String(i).padStart(4, '0')}`));
  for (let i = 0; i < people.length; i += 200) {
    const slice = people.slice(i, i + 200);
    await db.insertInto('accounts').values(slice.map((h) => ({ id: `acc_${h}`, email: `${h}@example.com`, password_hash: 'unused', role: 'member', created_at: T0, password_changed_at: T0 }))).execute();
    await db.insertInto('profiles').values(slice.map((h) => ({ account_id: `acc_${h}`, handle: h, display_name: h, bio: '', updated_at: T0 }))).execute();
  }
  const spaceId = 'batchspace01';
  await store.repos.schedule.create(
    { id: spaceId, title: 'Batch show', description: '', hostId: 'acc_host', visibility: 'public', startsAt: STARTS_AT, timeZone: 'UTC', admission: { kind: 'free' }, cohostIds: [], requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
    T0,
  );
  const fans = people.slice(1);
  for (let i = 0; i < fans.length; i += 200) {
    await db.insertInto('space_reminders').values(fans.slice(i, i + 200).map((h) => ({ space_id: spaceId, account_id: `acc_${h}`, created_at: T0 }))).execute();
  }
  // What scheduling it planned: the reminder moment (the other moments are far off).
  await store.repos.jobs.enqueue({ id: 'remind-moment', kind: SCHEDULE_JOBS.remindBefore, key: `remind:${spaceId}:${STARTS_AT}`, subject: `space:${spaceId}`, payload: { spaceId, startsAt: STARTS_AT }, runAt: REMIND_AT, maxAttempts: 8 }, T0);
  return { spaceId, emails: fans.map((h) => `${h}@example.com`) };
}

/** How many accepted messages each address got. */
function deliveries(smtp: TestSmtp): Map<string, number> {
  const out = new Map<string, number>();
  for (const mail of smtp.received) out.set(mail.to, (out.get(mail.to) ?? 0) + 1);
  return out;
}

describe('the job queue across server processes on one PostgreSQL', () => {
  let smtp: TestSmtp;
  let database: TestDatabase;
  let store: Store;
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    await build({ entryPoints: [join(import.meta.dirname, '..', 'support', 'server-child.ts')], outfile: CHILD, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
  });
  afterEach(async () => {
    for (const p of processes.splice(0)) await stopProcess(p);
    await store?.close();
    await database?.drop();
    await smtp?.close();
  });
  afterAll(() => undefined);

  async function setUp() {
    smtp = await startTestSmtp();
    database = await createTestDatabase();
    store = await Store.open({ kind: 'postgres', url: database.url });
    return seed(store);
  }

  it('two processes mail 1,000 reminders due in the same second, each exactly once', async () => {
    const { spaceId, emails } = await setUp();
    const [a, b] = [await startProcess(database.url, smtp.url), await startProcess(database.url, smtp.url)];
    processes.push(a!, b!);
    // Both clocks reach the reminder moment together.
    await Promise.all([a!.setClock(REMIND_AT), b!.setClock(REMIND_AT)]);
    // Every subscriber, and the host's own "starts in 30 minutes".
    await eventually(() => expect(smtp.received.length).toBeGreaterThanOrEqual(SUBSCRIBERS + 1), 120_000);
    await eventually(async () => expect((await store.repos.jobs.counts()).pending + (await store.repos.jobs.counts()).running).toBe(0), 30_000);
    const got = deliveries(smtp);
    expect(emails.filter((e) => got.get(e) !== 1)).toEqual([]);
    expect(got.get('host@example.com')).toBe(1);
    expect(smtp.received).toHaveLength(SUBSCRIBERS + 1);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(SUBSCRIBERS + 1);
    // Both processes did part of the batch; every mail job is done, none failed.
    const mails = await store.repos.jobs.list({ subject: `space:${spaceId}:mail` });
    expect(mails).toHaveLength(SUBSCRIBERS + 1);
    expect(mails.filter((j) => j.status !== 'done')).toEqual([]);
    const byWorker = new Map<string, number>();
    for (const job of mails) byWorker.set(job.finishedBy!, (byWorker.get(job.finishedBy!) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual([a!.worker, b!.worker].sort());
    // Each mail was sent by one attempt: nobody's message was taken by two processes.
    expect(mails.filter((j) => j.attempts !== 1)).toEqual([]);
  }, 180_000);

  it('a process killed with SIGKILL mid-batch: the next one finishes it, none lost, none doubled', async () => {
    const { spaceId, emails } = await setUp();
    const first = await startProcess(database.url, smtp.url);
    processes.push(first);
    await first.setClock(REMIND_AT);
    await eventually(() => expect(smtp.received.length).toBeGreaterThanOrEqual(300), 120_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const atKill = smtp.received.length;
    expect(atKill).toBeLessThan(SUBSCRIBERS + 1);
    // The database finishes what the dead process had sent it (a statement in progress still commits).
    await eventually(async () => {
      const active = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`.execute(store.db);
      expect(active.rows[0]!.n).toBe(0);
    });
    const counts = await store.repos.jobs.counts();
    // The dead process left claims behind: running rows nobody is working on. Those it had recorded
    // as at the point of no return are the only ones that may arrive twice.
    expect(counts.running).toBeGreaterThan(0);
    const inFlight = (await store.repos.jobs.list({ status: 'running' })).filter((j) => j.checkpoint === 'committing').length;

    const second = await startProcess(database.url, smtp.url);
    processes.push(second);
    await second.setClock(REMIND_AT);
    // Its claims hold for 5 minutes; the new process takes them once they run out.
    await second.setClock(REMIND_AT + 5 * 60_000 + 1000);
    await eventually(async () => {
      const now = await store.repos.jobs.counts();
      expect(now.pending + now.running).toBe(0);
    }, 120_000);
    const boxes = smtp.mailboxes();
    expect(emails.filter((e) => !boxes.has(e)), 'lost').toEqual([]);
    expect(emails.filter((e) => boxes.get(e)!.size !== 1), 'reminded twice').toEqual([]);
    expect(boxes.get('host@example.com')?.size).toBe(1);
    // Raw arrivals: one each, but for messages that were at the point of no return when it died.
    const repeats = smtp.received.length - (SUBSCRIBERS + 1);
    expect(repeats).toBeGreaterThanOrEqual(0);
    expect(repeats).toBeLessThanOrEqual(inFlight);
    const mails = await store.repos.jobs.list({ subject: `space:${spaceId}:mail` });
    expect(mails.filter((j) => j.status !== 'done')).toEqual([]);
    expect(mails.some((j) => j.finishedBy === second.worker && j.attempts === 2)).toBe(true);
  }, 180_000);
});
