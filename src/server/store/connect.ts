// Opens the one query layer (Kysely) on SQLite or PostgreSQL. SQLite is the embedded default: one file
// in the data folder, in WAL mode; PostgreSQL is named by a postgres:// URL.
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

export type StoreKind = 'sqlite' | 'postgres';

/** Where the store lives: a SQLite file (or `:memory:`), or a PostgreSQL URL. */
export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The database handle repositories get; each adds its own tables with `withTables`. */
export type StoreDb = Kysely<object>;

/** Reads `--database`: a postgres:// URL, a sqlite: path, or nothing (the file in the data folder). */
export function storeTarget(database: string | undefined, dataDir: string | undefined): StoreTarget {
  if (database && /^postgres(ql)?:\/\//.test(database)) return { kind: 'postgres', url: database };
  if (database) return { kind: 'sqlite', file: database.replace(/^sqlite:(\/\/)?/, '') };
  return { kind: 'sqlite', file: dataDir ? `${dataDir}/hostline.db` : ':memory:' };
}

/** The URL without its password, for logs. */
export function describeTarget(target: StoreTarget): string {
  if (target.kind === 'sqlite') return `sqlite:${target.file}`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

// PostgreSQL's int8 (our millisecond timestamps) arrives as a string by default; ours fit a double.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text'),
} as pg.CustomTypesConfig;

export function connect(target: StoreTarget): StoreDb {
  if (target.kind === 'sqlite') {
    const sqlite = new Sqlite(target.file);
    // WAL: readers never wait for the writer, and a commit is one append. NORMAL sync keeps every
    // committed write through a process crash (SIGKILL); only a power cut can lose the last ones.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    return new Kysely<object>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10, types: pgTypes });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
}
