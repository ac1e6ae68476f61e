#!/usr/bin/env node
// Makes sure a PostgreSQL server answers on loopback for the tests: installs Debian's `postgresql` when
// it is missing (as root), starts its cluster, and creates the `hostline` role the tests connect as.
// Idempotent; prints the URL on success. Without root it says which commands to run instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TEST_POSTGRES_URL = process.env.HOSTLINE_TEST_POSTGRES_URL ?? 'postgres://hostline:hostline@127.0.0.1:5432/postgres';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function fail(message) {
  console.error(
    `${message}\nThe store tests need PostgreSQL on 127.0.0.1:5432. As root on Debian:\n` +
      '  apt-get update && apt-get install -y postgresql && pg_ctlcluster 15 main start\n' +
      `  su postgres -c "psql -c \\"create role hostline login password 'hostline' createdb\\""\n` +
      'or set HOSTLINE_TEST_POSTGRES_URL to a server where that role may create databases.',
  );
  process.exit(1);
}

function answers() {
  return run('psql', [TEST_POSTGRES_URL, '-tAc', 'select 1']).out === '1';
}

if (process.env.HOSTLINE_TEST_POSTGRES_URL) {
  if (!answers()) fail(`HOSTLINE_TEST_POSTGRES_URL (${TEST_POSTGRES_URL}) does not answer.`);
  console.log(TEST_POSTGRES_URL);
  process.exit(0);
}
if (existsSync('/usr/bin/psql') && answers()) {
  console.log(TEST_POSTGRES_URL);
  process.exit(0);
}
const root = process.getuid?.() === 0;
if (!existsSync('/usr/bin/pg_ctlcluster')) {
  if (!root || !existsSync('/usr/bin/apt-get')) fail('PostgreSQL is not installed.');
  console.error('installing Debian package: postgresql');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  const installed = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { env });
  if (!installed.ok) fail(`apt-get install postgresql failed:\n${installed.out}`);
}
if (!root) fail('PostgreSQL is installed but does not answer as the hostline role, and only root can start it here.');
// Start every cluster that is down (Debian creates `main` for its version on install).
const clusters = run('pg_lsclusters', ['--no-header']).out.split('\n').filter(Boolean);
if (clusters.length === 0) fail('PostgreSQL has no cluster (pg_createcluster 15 main --start).');
for (const line of clusters) {
  const [version, name, , status] = line.split(/\s+/);
  if (status !== 'online') {
    const started = run('pg_ctlcluster', [version, name, 'start']);
    if (!started.ok) fail(`pg_ctlcluster ${version} ${name} start failed:\n${started.out}`);
  }
}
const exists = run('su', ['postgres', '-c', `psql -tAc "select 1 from pg_roles where rolname = 'hostline'"`]);
if (exists.out !== '1') {
  const created = run('su', ['postgres', '-c', `psql -c "create role hostline login password 'hostline' createdb"`]);
  if (!created.ok) fail(`creating the hostline role failed:\n${created.out}`);
}
for (let i = 0; i < 50 && !answers(); i++) spawnSync('sleep', ['0.2']);
if (!answers()) fail('PostgreSQL was started but does not answer on 127.0.0.1:5432.');
console.log(TEST_POSTGRES_URL);
