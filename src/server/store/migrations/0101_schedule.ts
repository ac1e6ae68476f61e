// Scheduled Spaces: the same rows as live ones (0003_spaces), a Space before it starts. A scheduled
// Space has a start time (UTC) and the host's time zone, a description, whether it is listed in the
// directory, co-hosts set up ahead, and how people get in (free now; tickets come with 0200). Its
// status goes scheduled → live → ended, or to missed (never started) or cancelled. Reminders are who
// asked to be told before it starts.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: Array<[string, 'text' | 'bigint' | 'integer', string | number | null]> = [
    ['description', 'text', ''],
    /** 'public' (in the directory) or 'unlisted' (link only). */
    ['visibility', 'text', 'unlisted'],
    /** When a scheduled Space is to start (ms, UTC); null for one that went live unscheduled. */
    ['starts_at', 'bigint', null],
    /** The host's IANA time zone, to show and edit the start on their clock. */
    ['time_zone', 'text', null],
    /** JSON: { kind: 'free' } (tickets add their own kind). */
    ['admission', 'text', '{"kind":"free"}'],
    /** JSON array of the account ids set up as co-hosts. */
    ['cohost_ids', 'text', '[]'],
    /** Bumped by every change the host makes (the calendar file's SEQUENCE). */
    ['revision', 'integer', 0],
  ];
  for (const [name, type, fallback] of columns) {
    await db.schema
      .alterTable('spaces')
      .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
      .execute();
  }
  await db.schema.createIndex('spaces_by_host').on('spaces').columns(['host_user_id', 'status']).execute();
  await db.schema.createIndex('spaces_by_start').on('spaces').columns(['status', 'starts_at']).execute();

  await db.schema
    .createTable('space_reminders')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('space_reminders_pk', ['space_id', 'account_id'])
    .execute();
  await db.schema.createIndex('space_reminders_by_account').on('space_reminders').column('account_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('space_reminders').execute();
  await db.schema.dropIndex('spaces_by_start').execute();
  await db.schema.dropIndex('spaces_by_host').execute();
  for (const name of ['revision', 'cohost_ids', 'admission', 'time_zone', 'starts_at', 'visibility', 'description']) {
    await db.schema.alterTable('spaces').dropColumn(name).execute();
  }
}
