// Spaces and who is in them, durable: a live Space comes back after the service restarts with the same
// id, title, host, co-hosts, speakers, queue order, mutes and bans. Scheduled Spaces (0100) and replays
// (0400) add their own tables; they reference spaces.id.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    /** The identity that opened it: an account id, or an anonymous id from a user token. */
    .addColumn('host_user_id', 'text', (c) => c.notNull())
    /** 'scheduled', 'live' or 'ended'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('request_policy', 'text', (c) => c.notNull())
    .addColumn('max_speakers', 'integer', (c) => c.notNull())
    .addColumn('max_cohosts', 'integer', (c) => c.notNull())
    /** The speaker queue in order: JSON [{ memberId, raisedAt }], written whole (one row per change). */
    .addColumn('queue', 'text', (c) => c.notNull().defaultTo('[]'))
    /** Talk time per member so far, JSON { memberId: ms }, saved now and then. */
    .addColumn('talk_time', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spaces_by_status').on('spaces').column('status').execute();

  await db.schema
    .createTable('space_members')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    /** 'host', 'cohost', 'speaker' or 'listener'. */
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('muted', 'integer', (c) => c.notNull())
    .addColumn('can_request', 'integer', (c) => c.notNull())
    .addColumn('stage_since', 'bigint', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    /** SHA-256 of the member's resume token: a client that kept the token comes back as them. */
    .addColumn('resume_hash', 'text', (c) => c.notNull())
    /** A pending invitation to the stage, JSON { as, from }, or null. */
    .addColumn('invitation', 'text')
    .addPrimaryKeyConstraint('space_members_pk', ['space_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('space_bans')
    .addColumn('space_id', 'text', (c) => c.notNull().references('spaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('space_bans_pk', ['space_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('space_bans').execute();
  await db.schema.dropTable('space_members').execute();
  await db.schema.dropTable('spaces').execute();
}
