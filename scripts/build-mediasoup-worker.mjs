#!/usr/bin/env node
// Builds the mediasoup 3.8.4 worker offline, without touching any of mediasoup's files.
// Idempotent: when the worker binary exists and answers, nothing is rebuilt.
//
// Why our own step: mediasoup's postinstall (skipped by ignore-scripts in .npmrc) wants python2, and
// every release from 3.9 on downloads sources or a prebuilt worker, which these machines cannot reach.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const mediasoupDir = dirname(require.resolve('mediasoup/package.json'));
const workerDir = join(mediasoupDir, 'worker');
const workerBin = join(workerDir, 'out', 'Release', 'mediasoup-worker');

function workerAnswers() {
  if (!existsSync(workerBin) || statSync(workerBin).size === 0) return false;
  // Run without the channel fds: a healthy worker prints its usage/version and exits non-zero, a broken
  // binary (truncated by an interrupted link) fails to exec at all.
  const run = spawnSync(workerBin, ['--version'], {
    env: { ...process.env, MEDIASOUP_VERSION: '3.8.4' },
    timeout: 10_000,
  });
  return run.error === undefined;
}

if (workerAnswers() && !process.argv.includes('--force')) {
  console.log(`mediasoup worker present: ${workerBin}`);
  process.exit(0);
}

const helpers = join(here, 'mediasoup-build');
const env = {
  ...process.env,
  PYTHON: 'python3',
  PYTHONPATH: [helpers, process.env.PYTHONPATH].filter(Boolean).join(':'),
  // C++ only: the header must not precede OpenSSL's own _GNU_SOURCE in its C units.
  CXXFLAGS: `${process.env.CXXFLAGS ?? ''} -include ${join(helpers, 'sigstksz.h')}`.trim(),
  CORES: String(Math.max(1, os.availableParallelism())),
};
delete env.MEDIASOUP_WORKER_BIN;

console.log(`building the mediasoup 3.8.4 worker in ${workerDir} (takes about 4 minutes on 2 cores)`);
const started = Date.now();
const make = spawnSync('make', ['-C', workerDir, 'PYTHON=python3'], { env, stdio: 'inherit' });
if (make.status !== 0 || !existsSync(workerBin)) {
  console.error('mediasoup worker build failed');
  process.exit(1);
}
console.log(`mediasoup worker built in ${Math.round((Date.now() - started) / 1000)} s: ${workerBin}`);
