// Brings the database to this server's schema at start. A database that has seen a migration this
// server does not know was written by a newer Hostline: refuse it rather than run old code over it.
import { Migrator, type MigrationProvider } from 'kysely';
import type { StoreDb } from './connect.js';
import { MIGRATIONS } from './migrations/index.js';
import { StoreError } from './StoreError.js';

const MIGRATION_TABLE = 'kysely_migration';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Names of the migrations the database has run. */
async function appliedMigrations(db: StoreDb): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const rows = await db
    .withTables<{ [MIGRATION_TABLE]: { name: string } }>()
    .selectFrom(MIGRATION_TABLE)
    .select('name')
    .execute();
  return rows.map((r) => r.name);
}

/** Runs every pending migration; returns the names it ran. Throws StoreError for a newer database. */
export async function migrate(db: StoreDb): Promise<string[]> {
  const unknown = (await appliedMigrations(db)).filter((name) => !Object.hasOwn(MIGRATIONS, name)).sort();
  if (unknown.length > 0) {
    throw new StoreError(
      'newer_database',
      `this database was upgraded by a newer Hostline (it has migration ${unknown.join(', ')}, which this server does not know); ` +
        'run the newer server, or point this one at another database',
    );
  }
  // Unordered: a feature's 0100 may already have run when a later 00xx of the core arrives.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StoreError('migration_failed', `migration ${failed ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names this server knows, in order (for tests and the start-up log). */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS).sort();
}
