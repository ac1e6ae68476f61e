#!/usr/bin/env node
// Builds better-sqlite3's native addon from its bundled sources when it is missing. `.npmrc` skips
// install scripts (see there), and its own install would fetch a prebuilt binary from GitHub, which
// these machines cannot reach; node-gyp with the Node headers on this machine builds it in about a
// minute. Idempotent: when the addon loads, nothing is rebuilt.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('better-sqlite3/package.json'));

function loads() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
    cwd: process.cwd(),
    encoding: 'utf8',
  });
  return probe.status === 0;
}

if (loads() && !process.argv.includes('--force')) {
  console.log('better-sqlite3 addon present');
  process.exit(0);
}

const candidates = [
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
];
let nodeGyp = candidates.find((c) => existsSync(c));
if (!nodeGyp) {
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    console.error('node-gyp not found (it ships with npm); install it with: npm install -g node-gyp');
    process.exit(1);
  }
}
// Use the headers of the installed Node (Debian's nodejs and the official tarballs put them under
// <prefix>/include/node) rather than downloading them.
const prefix = join(dirname(process.execPath), '..');
const args = [nodeGyp, 'rebuild', '--release', '-j', '2'];
if (existsSync(join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);
console.log('building better-sqlite3 (about a minute)…');
const build = spawnSync(process.execPath, args, { cwd: packageDir, stdio: 'inherit' });
if (build.status !== 0 || !loads()) {
  console.error('building better-sqlite3 failed; it needs python3, make and a C++ compiler (apt-get install -y python3 make g++)');
  process.exit(1);
}
console.log('better-sqlite3 built');
