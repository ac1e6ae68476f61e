// The job queue's rows (migration 0100_jobs). Claiming is one statement that moves due rows to
// 'running' under this process's name and lease: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two
// processes claiming at once take different rows and never wait for each other; SQLite runs one
// writer at a time, so the same statement is atomic there as it is. Every later change of a claimed
// row names the claim (process and attempt), so a process whose lease ran out cannot touch the row
// another process has since claimed.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { StoreDb } from '../connect.js';

export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobsTable {
  id: string;
  kind: string;
  key: string | null;
  subject: string | null;
  payload: string;
  status: JobStatus;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  checkpoint: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  finished_by: string | null;
}

type Tables = { jobs: JobsTable };

export interface JobRecord {
  id: string;
  kind: string;
  key: string | null;
  subject: string | null;
  payload: unknown;
  status: JobStatus;
  runAt: number;
  /** Attempts so far, this one included once claimed. */
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
  checkpoint: string | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
  finishedBy: string | null;
}

export interface NewJob {
  id: string;
  kind: string;
  key?: string;
  subject?: string;
  payload: unknown;
  runAt: number;
  maxAttempts: number;
}

/** Which claim of a row a change comes from. */
export interface JobClaim {
  id: string;
  worker: string;
  attempt: number;
}

/** What enqueueing did: a new job, the same key already there, or a cancelled job of that key revived. */
export type EnqueueOutcome = 'created' | 'exists' | 'revived';

function toRecord(row: JobsTable): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    subject: row.subject,
    payload: JSON.parse(row.payload) as unknown,
    status: row.status,
    runAt: Number(row.run_at),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lockedBy: row.locked_by,
    checkpoint: row.checkpoint,
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    finishedBy: row.finished_by,
  };
}

/** Errors are kept short in the row: enough to tell what failed. */
const clip = (text: string) => text.slice(0, 1000);

export class JobRepository {
  readonly #db: Kysely<Tables>;
  /** PostgreSQL locks claimed rows and skips others' locks; SQLite has no row locks (one writer). */
  readonly #postgres: boolean;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
    // The dialect's adapter tells the two apart without the store having to say.
    this.#postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /**
   * Adds a job. A key already present is one job: nothing changes, unless that job was cancelled, in
   * which case it is pending again at the new time (a Space moved back to a time it had before).
   */
  async enqueue(job: NewJob, now: number): Promise<EnqueueOutcome> {
    const row: JobsTable = {
      id: job.id,
      kind: job.kind,
      key: job.key ?? null,
      subject: job.subject ?? null,
      payload: JSON.stringify(job.payload),
      status: 'pending',
      run_at: job.runAt,
      attempts: 0,
      max_attempts: job.maxAttempts,
      locked_by: null,
      locked_until: null,
      checkpoint: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
      finished_by: null,
    };
    if (job.key === undefined) {
      await this.#db.insertInto('jobs').values(row).execute();
      return 'created';
    }
    const result = await this.#db
      .insertInto('jobs')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ status: 'pending', run_at: job.runAt, payload: row.payload, attempts: 0, checkpoint: null, last_error: null, finished_at: null, finished_by: null, updated_at: now })
          .where('jobs.status', '=', 'cancelled'),
      )
      .returning(['id'])
      .executeTakeFirst();
    if (!result) return 'exists';
    return result.id === job.id ? 'created' : 'revived';
  }

  /** Claims up to `limit` due jobs of `kinds` (and jobs whose claim ran out) for `worker` until `leaseUntil`. */
  async claim(worker: string, kinds: readonly string[], now: number, leaseUntil: number, limit: number): Promise<JobRecord[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const lock = this.#postgres ? sql`for update skip locked` : sql``;
    const result = await sql<JobsTable>`
      update jobs
      set status = 'running', locked_by = ${worker}, locked_until = ${leaseUntil}, attempts = attempts + 1, updated_at = ${now}
      where id in (
        select id from jobs
        where kind in (${sql.join(kinds)})
          and ((status = 'pending' and run_at <= ${now}) or (status = 'running' and locked_until <= ${now}))
        order by run_at, id
        limit ${limit}
        ${lock}
      )
      returning *`.execute(this.#db);
    return result.rows.map(toRecord).sort((a, b) => a.runAt - b.runAt || (a.id < b.id ? -1 : 1));
  }

  #claimed(claim: JobClaim) {
    return this.#db
      .updateTable('jobs')
      .where('id', '=', claim.id)
      .where('status', '=', 'running')
      .where('locked_by', '=', claim.worker)
      .where('attempts', '=', claim.attempt);
  }

  /** Records how far the handler got; false when the claim is no longer this one's. */
  async checkpoint(claim: JobClaim, value: string, now: number): Promise<boolean> {
    const result = await this.#claimed(claim).set({ checkpoint: value, updated_at: now }).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async complete(claim: JobClaim, now: number): Promise<boolean> {
    const result = await this.#claimed(claim)
      .set({ status: 'done', locked_by: null, locked_until: null, finished_at: now, finished_by: claim.worker, updated_at: now })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts the job back for another attempt at `runAt`; its checkpoint is cleared (the attempt failed as a whole). */
  async retry(claim: JobClaim, runAt: number, error: string, now: number): Promise<boolean> {
    const result = await this.#claimed(claim)
      .set({ status: 'pending', run_at: runAt, locked_by: null, locked_until: null, checkpoint: null, last_error: clip(error), updated_at: now })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives up on the job (attempts exhausted, or an error no retry can fix). */
  async fail(claim: JobClaim, error: string, now: number): Promise<boolean> {
    const result = await this.#claimed(claim)
      .set({ status: 'failed', locked_by: null, locked_until: null, last_error: clip(error), finished_at: now, finished_by: claim.worker, updated_at: now })
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Cancels the pending jobs about `subject` (of `kinds`, when given); answers how many. */
  async cancelPending(subject: string, kinds: readonly string[] | undefined, now: number): Promise<number> {
    let query = this.#db.updateTable('jobs').set({ status: 'cancelled', finished_at: now, updated_at: now }).where('subject', '=', subject).where('status', '=', 'pending');
    if (kinds) query = query.where('kind', 'in', kinds);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** When the next pending job of `kinds` is due (undefined when none is). */
  async nextDue(kinds: readonly string[]): Promise<number | undefined> {
    if (kinds.length === 0) return undefined;
    const row = await this.#db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('next'))
      .where('status', '=', 'pending')
      .where('kind', 'in', kinds)
      .executeTakeFirst();
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.#db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async byKey(key: string): Promise<JobRecord | undefined> {
    const row = await this.#db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Jobs matching every filter given, oldest first (diagnostics and tests). */
  async list(filter: { kind?: string; subject?: string; status?: JobStatus } = {}): Promise<JobRecord[]> {
    let query = this.#db.selectFrom('jobs').selectAll();
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.subject) query = query.where('subject', '=', filter.subject);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map(toRecord);
  }

  /** How many jobs are in each status. */
  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.#db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const out: Record<JobStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const row of rows) out[row.status] = Number(row.n);
    return out;
  }

  /**
   * Deletes finished jobs older than `before`. Their keys stop deduplicating then, so keep them well
   * past the time anything could enqueue the same key again.
   */
  async purgeFinished(before: number): Promise<number> {
    const result = await this.#db.deleteFrom('jobs').where('status', 'in', ['done', 'failed', 'cancelled']).where('finished_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
