// The durable job queue on both databases: idempotent keys, due times on an injected clock, retries
// with backoff, giving up, atomic completion with the job's own writes, restarts, leases running out,
// and two queues over one database each taking different jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/server/clock';
import { JobQueue, PermanentJobError, type JobKind } from '../../src/server/jobs/JobQueue';
import { Logger } from '../../src/server/logger';
import { Store } from '../../src/server/store/Store';
import { STORE_KINDS, testStoreTarget, type TestStoreTarget } from '../support/store';

const quiet = new Logger('error', { service: 'test' }, () => undefined);
const T0 = Date.parse('2026-05-01T09:00:00Z');
const Note = z.object({ n: z.number() });

describe.each(STORE_KINDS)('JobQueue on %s', (kind) => {
  let place: TestStoreTarget;
  let store: Store;
  let clock: ManualClock;
  const queues: JobQueue[] = [];
  const stores: Store[] = [];

  beforeEach(async () => {
    place = await testStoreTarget(kind);
    store = await Store.open(place.target);
    stores.push(store);
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop();
    for (const s of stores.splice(0)) await s.close();
    await place.cleanup();
  });

  function queue(handle: JobKind<{ n: number }>['handle'], options: Partial<JobKind<{ n: number }>> = {}, on = store, worker?: string): JobQueue {
    const q = new JobQueue({ store: on, clock, logger: quiet, pollMs: 50, ...(worker ? { worker } : {}) });
    q.define('test.note', { payload: Note, handle, backoffMs: (attempt) => attempt * 60_000, ...options });
    queues.push(q);
    return q;
  }

  it('enqueueing the same key twice is one job; a cancelled key comes back at its new time', async () => {
    const ran: number[] = [];
    const q = queue(async (job) => void ran.push(job.payload.n));
    expect(await q.enqueue({ kind: 'test.note', payload: { n: 1 }, key: 'k1', subject: 's', runAt: T0 + 1000 })).toBe('created');
    expect(await q.enqueue({ kind: 'test.note', payload: { n: 2 }, key: 'k1', subject: 's', runAt: T0 + 1000 })).toBe('exists');
    expect(await q.cancel('s')).toBe(1);
    expect(await q.enqueue({ kind: 'test.note', payload: { n: 3 }, key: 'k1', subject: 's', runAt: T0 + 5000 })).toBe('revived');
    q.start();
    clock.set(T0 + 4999);
    await q.drain();
    expect(ran).toEqual([]);
    clock.set(T0 + 5000);
    await q.drain();
    expect(ran).toEqual([3]);
    // Done, the key still holds: the same job is not run again.
    expect(await q.enqueue({ kind: 'test.note', payload: { n: 4 }, key: 'k1', runAt: T0 })).toBe('exists');
    await q.drain();
    expect(ran).toEqual([3]);
  });

  it('refuses a payload its kind would not accept, and a kind nobody defined', async () => {
    const q = queue(async () => undefined);
    await expect(q.enqueue({ kind: 'test.note', payload: { n: 'one' } as never })).rejects.toThrow(/does not fit/);
    await expect(q.enqueue({ kind: 'no.such', payload: {} })).rejects.toThrow(/no job kind/);
    expect(await store.repos.jobs.counts()).toMatchObject({ pending: 0 });
  });

  it('runs jobs when the clock reaches them, soonest first, and not before', async () => {
    const ran: number[] = [];
    const q = queue(async (job) => void ran.push(job.payload.n));
    for (const n of [3, 1, 2]) await q.enqueue({ kind: 'test.note', payload: { n }, runAt: T0 + n * 60_000 });
    q.start();
    await q.drain();
    expect(ran).toEqual([]);
    clock.set(T0 + 2 * 60_000);
    await q.drain();
    expect(ran).toEqual([1, 2]);
    clock.set(T0 + 10 * 60_000);
    await q.drain();
    expect(ran).toEqual([1, 2, 3]);
  });

  it('retries a failed attempt after its backoff, and gives up after the last attempt', async () => {
    let calls = 0;
    const q = queue(
      async () => {
        calls++;
        throw new Error(`smtp said 451 (${calls})`);
      },
      { maxAttempts: 3 },
    );
    const failed: string[] = [];
    q.on('failed', (_job, error) => failed.push(error));
    await q.enqueue({ kind: 'test.note', payload: { n: 1 }, key: 'retry' });
    q.start();
    await q.drain();
    expect(calls).toBe(1);
    let row = await store.repos.jobs.byKey('retry');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, runAt: T0 + 60_000, lastError: 'smtp said 451 (1)' });
    clock.set(T0 + 59_999);
    await q.drain();
    expect(calls).toBe(1);
    clock.set(T0 + 60_000);
    await q.drain();
    expect(calls).toBe(2);
    // Second backoff: 2 minutes after the second attempt.
    clock.set(T0 + 60_000 + 120_000);
    await q.drain();
    expect(calls).toBe(3);
    row = await store.repos.jobs.byKey('retry');
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastError: 'smtp said 451 (3)' });
    expect(failed).toEqual(['smtp said 451 (3)']);
    clock.advance(24 * 3_600_000);
    await q.drain();
    expect(calls).toBe(3);
  });

  it('gives up at once on a permanent error', async () => {
    const q = queue(async () => {
      throw new PermanentJobError('550 no such mailbox');
    });
    await q.enqueue({ kind: 'test.note', payload: { n: 1 }, key: 'perm' });
    q.start();
    await q.drain();
    expect(await store.repos.jobs.byKey('perm')).toMatchObject({ status: 'failed', attempts: 1, lastError: '550 no such mailbox' });
  });

  it('a job finishing with its own writes lands both or neither', async () => {
    let fail = true;
    const q = queue(async (job) => {
      if (job.payload.n !== 0) return;
      await job.finishWith(async (repos) => {
        for (let n = 1; n <= 3; n++) await q.enqueue({ kind: 'test.note', payload: { n }, key: `child-${n}` }, repos);
        if (fail) throw new Error('crashed half way');
      });
    });
    await q.enqueue({ kind: 'test.note', payload: { n: 0 }, key: 'parent' });
    q.start();
    await q.drain();
    expect(await store.repos.jobs.byKey('child-1')).toBeUndefined();
    expect(await store.repos.jobs.byKey('parent')).toMatchObject({ status: 'pending', attempts: 1 });
    fail = false;
    clock.advance(60_000);
    await q.drain();
    expect(await store.repos.jobs.byKey('parent')).toMatchObject({ status: 'done' });
    expect((await store.repos.jobs.list({ status: 'done' })).map((j) => j.key).sort()).toEqual(['child-1', 'child-2', 'child-3', 'parent']);
  });

  it('due jobs survive a restart', async () => {
    const first = queue(async () => undefined);
    await first.enqueue({ kind: 'test.note', payload: { n: 7 }, key: 'later', runAt: T0 + 3_600_000 });
    await first.stop();
    await store.close();
    store = await Store.open(place.target);
    stores.push(store);
    const ran: number[] = [];
    const second = queue(async (job) => void ran.push(job.payload.n));
    second.start();
    clock.set(T0 + 3_600_000);
    await second.drain();
    expect(ran).toEqual([7]);
  });

  it('a claim whose process died is taken again once its lease runs out, with what it had recorded', async () => {
    const dead = new JobQueue({ store, clock, logger: quiet, worker: 'dead-process', leaseMs: 60_000 });
    dead.define('test.note', { payload: Note, handle: () => new Promise(() => undefined) });
    await dead.enqueue({ kind: 'test.note', payload: { n: 1 }, key: 'stuck' });
    // The dead process claimed it and recorded a checkpoint, then vanished without a word.
    const [claimed] = await store.repos.jobs.claim('dead-process', ['test.note'], T0, T0 + 60_000, 1);
    await store.repos.jobs.checkpoint({ id: claimed!.id, worker: 'dead-process', attempt: 1 }, 'committing', T0);
    const seen: Array<{ attempt: number; checkpoint: string | null }> = [];
    const alive = queue(async (job) => void seen.push({ attempt: job.attempt, checkpoint: job.checkpoint }), {}, store, 'alive');
    alive.start();
    clock.set(T0 + 59_000);
    await alive.drain();
    expect(seen).toEqual([]);
    clock.set(T0 + 60_000);
    await alive.drain();
    expect(seen).toEqual([{ attempt: 2, checkpoint: 'committing' }]);
    expect(await store.repos.jobs.byKey('stuck')).toMatchObject({ status: 'done', finishedBy: 'alive' });
    // The dead process's late word changes nothing.
    expect(await store.repos.jobs.complete({ id: claimed!.id, worker: 'dead-process', attempt: 1 }, T0)).toBe(false);
  });

  it('two queues over one database each run different jobs, every job once', async () => {
    const other = await Store.open(place.target);
    stores.push(other);
    const runs = new Map<number, string[]>();
    const handler = (name: string) => async (job: { payload: { n: number } }) => {
      runs.set(job.payload.n, [...(runs.get(job.payload.n) ?? []), name]);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const a = queue(handler('a'), {}, store, 'a');
    const b = queue(handler('b'), {}, other, 'b');
    for (let n = 0; n < 300; n++) await a.enqueue({ kind: 'test.note', payload: { n }, key: `job-${n}`, runAt: T0 + 1000 });
    a.start();
    b.start();
    clock.set(T0 + 1000);
    await Promise.all([a.drain(), b.drain()]);
    await Promise.all([a.drain(), b.drain()]);
    expect(runs.size).toBe(300);
    expect([...runs.values()].filter((who) => who.length !== 1)).toEqual([]);
    const byA = [...runs.values()].filter((who) => who[0] === 'a').length;
    if (kind === 'postgres') expect(byA).toBeGreaterThan(0);
    expect(await store.repos.jobs.counts()).toMatchObject({ done: 300, pending: 0, running: 0 });
  });
});
