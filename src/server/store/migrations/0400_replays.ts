// Replays for listeners (issue #14): one row per recorded Space (its state, the host's settings, the
// live show's audience) and one per clip. The audio and timeline files live in the replay folder; these
// rows say what exists and who may change it. Deleting a replay deletes its clips.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('replays')
    .addColumn('space_id', 'text', (c) => c.primaryKey().references('spaces.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('host_user_id', 'text', (c) => c.notNull())
    .addColumn('host_name', 'text', (c) => c.notNull())
    /** 'recording', 'processing', 'published' or 'failed'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('live_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('trim_start_ms', 'bigint', (c) => c.notNull())
    /** JSON { mode: 'keep' } or { mode: 'days', days }. */
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('live_clips', 'integer', (c) => c.notNull())
    .addColumn('ticketed', 'integer', (c) => c.notNull())
    .addColumn('peak_listeners', 'integer', (c) => c.notNull())
    .addColumn('unique_listeners', 'integer', (c) => c.notNull())
    .addColumn('publish_ms', 'bigint')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('replays_by_status').on('replays').column('status').execute();

  await db.schema
    .createTable('replay_clips')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('space_id', 'text', (c) => c.notNull().references('replays.space_id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('from_live', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('replay_clips_by_space').on('replay_clips').columns(['space_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('replay_clips').execute();
  await db.schema.dropTable('replays').execute();
}
