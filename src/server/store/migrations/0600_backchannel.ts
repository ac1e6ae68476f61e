// The backchannel's messages (studio tools, 0600): kept with the Space, for its host to read back.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backchannel_messages')
    .addColumn('space_id', 'text', (c) => c.notNull())
    /** In order within the Space, from 1. */
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** The Space's host (an account id or an anonymous id): the one person who reads it back later. */
    .addColumn('host_user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    /** 1 when the author was a producer the host named. */
    .addColumn('producer', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('backchannel_messages_pk', ['space_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('backchannel_messages').execute();
}
