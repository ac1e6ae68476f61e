// The one store the whole server uses: a Kysely handle on SQLite or PostgreSQL, migrated to this
// server's schema, with every repository built over it. `store.transaction` gives the same
// repositories over one transaction.
import { sql } from 'kysely';
import { connect, describeTarget, type StoreDb, type StoreKind, type StoreTarget } from './connect.js';
import { migrate } from './migrate.js';
import { buildRepositories, type Repositories } from './repositories.js';
import { StoreError } from './StoreError.js';

export class Store {
  readonly kind: StoreKind;
  /** Where it lives, without secrets (for logs). */
  readonly description: string;
  readonly db: StoreDb;
  readonly repos: Repositories;
  /** Whether what is written outlives this process (false for an in-memory SQLite). */
  readonly durable: boolean;
  /** Migrations this start ran (empty when the database was up to date). */
  readonly migrated: string[];
  #closed = false;

  private constructor(target: StoreTarget, db: StoreDb, migrated: string[]) {
    this.kind = target.kind;
    this.description = describeTarget(target);
    this.db = db;
    this.durable = target.kind === 'postgres' || target.file !== ':memory:';
    this.repos = buildRepositories(db);
    this.migrated = migrated;
  }

  /** Connects, checks the database answers, and migrates it. Throws StoreError with a clear message. */
  static async open(target: StoreTarget): Promise<Store> {
    let db: StoreDb;
    try {
      db = connect(target);
      await sql`select 1`.execute(db);
    } catch (error) {
      throw new StoreError('unreachable', `cannot open the database ${describeTarget(target)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return new Store(target, db, await migrate(db));
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }

  /** Runs `work` in one transaction: all its writes land, or none. */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(buildRepositories(trx)));
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}
