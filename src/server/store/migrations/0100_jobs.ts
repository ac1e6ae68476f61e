// The durable job queue (src/server/jobs): work that must happen later, exactly once, whatever
// restarts or how many server processes share the database: reminders, and later ticket holds
// expiring, refund mail and replay retention. A job is claimed by one process for a lease; a process
// that dies leaves its claims to expire and be taken again.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** Which handler runs it, e.g. 'mail.send', 'schedule.remindBefore'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** Unique when set: enqueueing the same key twice is one job (the job's row outlives it to keep that true). */
    .addColumn('key', 'text', (c) => c.unique())
    /** What it is about (e.g. 'space:<id>'), so a change to that thing can cancel its pending jobs. */
    .addColumn('subject', 'text')
    /** JSON, as the handler's kind declares it. */
    .addColumn('payload', 'text', (c) => c.notNull())
    /** 'pending', 'running', 'done', 'failed' (gave up) or 'cancelled'. */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Due at (ms since the epoch); a retry moves it later. */
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    /** The process holding the claim, and until when (a dead process's claim runs out). */
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'bigint')
    /** How far a handler got before its process died (e.g. mail: 'committing'), so it can tell on the next attempt. */
    .addColumn('checkpoint', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    /** Which process finished it (diagnostics, and the two-process test). */
    .addColumn('finished_by', 'text')
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('jobs_by_subject').on('jobs').columns(['subject', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
