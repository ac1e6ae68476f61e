// A real PostgreSQL for tests: scripts/ensure-postgres.mjs installs and starts it when it is missing (as
// root), or fails with the commands to run; each test gets a database of its own, dropped afterwards.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

let adminUrl: string | undefined;

/** The URL of a server where the test role may create databases; never skips. */
export function postgresAdminUrl(): string {
  if (adminUrl) return adminUrl;
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'ensure-postgres.mjs');
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`PostgreSQL is not available for the tests:\n${run.stderr}`);
  adminUrl = run.stdout.trim().split('\n').at(-1)!;
  return adminUrl;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop()` removes it (and ends connections left to it). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = postgresAdminUrl();
  const name = `hostline_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
