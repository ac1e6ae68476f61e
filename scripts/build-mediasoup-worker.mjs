#!/usr/bin/env node
// Builds the mediasoup worker (the C++ media process) offline, from the installed package's own
// sources, with meson against Debian 12's system libraries. Never downloads a source or a prebuilt.
// Idempotent: when a worker built from the same sources and helpers is present and starts, nothing is
// rebuilt. `npm start`, `npm test` and `npm run sfu` run it first.
//
//   node scripts/build-mediasoup-worker.mjs            build if missing
//   node scripts/build-mediasoup-worker.mjs --force    rebuild
//   node scripts/build-mediasoup-worker.mjs --print-key  what the build is keyed by (version-hash)
//   node scripts/build-mediasoup-worker.mjs --debian-packages  the Debian packages the build needs
//
// Where things go: .cache/mediasoup-worker/<version>-<hash of our helpers>/ holds the copied sources,
// the build folder and the finished binary; the binary is then copied to the place mediasoup's Node
// layer looks by default (node_modules/mediasoup/worker/out/Release/mediasoup-worker). The cache sits
// outside node_modules, so `npm install` (which may replace the package folder) costs a copy, not a
// rebuild. A worker built elsewhere can be given with MEDIASOUP_WORKER_BIN (then nothing is built).
//
// Why our own step: mediasoup's postinstall (skipped by ignore-scripts in .npmrc) downloads a prebuilt
// worker or, failing that, the sources of every dependency through meson's wraps; these machines reach
// only the npm registry and Debian's apt. What stands in for each download, and why, is in
// scripts/mediasoup-build/ and the README ("The media server").
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const helpers = join(here, 'mediasoup-build');

/** Debian packages the build needs (compiler, ninja, pkg-config and the libraries it links). */
const DEBIAN_PACKAGES = [
  'g++', 'python3', 'ninja-build', 'pkg-config', 'libssl-dev', 'libuv1-dev', 'libabsl-dev', 'libusrsctp-dev',
  'libflatbuffers-dev', 'flatbuffers-compiler',
];
// The Debian packages alone, before mediasoup is even installed (.ci/run installs them up front).
if (process.argv.includes('--debian-packages')) {
  console.log(DEBIAN_PACKAGES.join(' '));
  process.exit(0);
}

const require = createRequire(import.meta.url);
// The package exports no ./package.json; its main is node/lib/index.js.
const mediasoupDir = join(dirname(require.resolve('mediasoup')), '..', '..');
const version = JSON.parse(readFileSync(join(mediasoupDir, 'package.json'), 'utf8')).version;
const defaultBin = join(mediasoupDir, 'worker', 'out', 'Release', 'mediasoup-worker');
const force = process.argv.includes('--force');

/** What the worker is configured with, besides the force-included adapters. */
const MESON_OPTIONS = [
  '--wrap-mode=nodownload', // stand-ins, never a download
  '--buildtype=release',
  '-Db_ndebug=true',
  '-Dms_disable_liburing=true', // Debian 12's liburing is older than the worker needs
];
/** meson 1.1 or later (3.11.25+ require it); Debian 12's own meson is 1.0.1. */
const MESON_MIN = [1, 1];

const log = (message) => console.log(`[mediasoup worker] ${message}`);
function fail(message) {
  console.error(`[mediasoup worker] ${message}`);
  process.exit(1);
}

/**
 * A key for what the binary is built from: the mediasoup version, every file of our helpers (adapters
 * and stand-ins) and the meson options below. Editing this script's comments does not force a rebuild.
 */
function buildKey() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(helpers, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(helpers);
  hash.update(JSON.stringify(MESON_OPTIONS));
  return `${version}-${hash.digest('hex').slice(0, 10)}`;
}

/** True when mediasoup's Node layer can start a worker from `bin` and that worker answers. */
function workerStarts(bin) {
  if (!existsSync(bin) || statSync(bin).size === 0) return false;
  const probe = `require('mediasoup').createWorker({ logLevel: 'error' }).then(async (w) => { await w.getResourceUsage(); w.close(); }).catch((e) => { console.error(String(e)); process.exit(1); })`;
  const run = spawnSync(process.execPath, ['-e', probe], {
    cwd: root,
    env: { ...process.env, MEDIASOUP_WORKER_BIN: bin },
    timeout: 20_000,
    encoding: 'utf8',
  });
  return run.status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

function isDebian() {
  return existsSync('/etc/debian_version') && spawnSync('dpkg-query', ['--version']).status === 0;
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return !(q.status === 0 && q.stdout.includes('install ok installed'));
  });
}

/** Installs the missing Debian packages as root, or stops with the command to run. */
function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(`the worker build needs these Debian packages: ${missing.join(' ')}\nrun as root:\n  sudo sh -c '${command}'`);
  }
  log(`installing the Debian packages the worker build needs: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', '--no-install-recommends', ...missing], { env });
}

/** Tools a non-Debian Linux must provide itself. */
function checkOtherLinux() {
  const modules = ['openssl', 'libuv', 'usrsctp', 'flatbuffers', 'absl_flat_hash_map', 'absl_btree', 'absl_strings', 'absl_optional'];
  const lacking = [];
  for (const tool of ['c++', 'ninja', 'pkg-config', 'flatc', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) lacking.push(tool);
  }
  for (const module of modules) {
    if (spawnSync('pkg-config', ['--exists', module]).status !== 0) lacking.push(`pkg-config module ${module}`);
  }
  if (lacking.length > 0) {
    fail(`the worker build needs: ${lacking.join(', ')} (see README, "The media server: another Linux")`);
  }
}

function mesonVersionOk(versionText) {
  const [major, minor] = versionText.trim().split('.').map(Number);
  return major > MESON_MIN[0] || (major === MESON_MIN[0] && minor >= MESON_MIN[1]);
}

/**
 * A meson of at least 1.1: the system's when it is new enough; on Debian 12, meson from Debian's own
 * bookworm-backports suite, fetched with apt-get through a private apt configuration (its own source
 * list, lists and cache, so the machine's apt setup is untouched) and unpacked, not installed.
 */
function findMeson(cacheRoot) {
  const system = spawnSync('meson', ['--version'], { encoding: 'utf8' });
  if (system.status === 0 && mesonVersionOk(system.stdout)) return { command: 'meson', args: [], env: {} };

  const dir = join(cacheRoot, 'meson-backport');
  const unpacked = join(dir, 'root');
  const pythonPath = join(unpacked, 'usr', 'lib', 'python3', 'dist-packages');
  const mesonPy = join(unpacked, 'usr', 'bin', 'meson');
  const env = { PYTHONPATH: [pythonPath, process.env.PYTHONPATH].filter(Boolean).join(':') };
  const check = () => {
    if (!existsSync(mesonPy)) return false;
    const v = spawnSync('python3', [mesonPy, '--version'], { encoding: 'utf8', env: { ...process.env, ...env } });
    return v.status === 0 && mesonVersionOk(v.stdout);
  };
  if (check()) return { command: 'python3', args: [mesonPy], env };
  if (!isDebian()) fail(`meson ${MESON_MIN.join('.')} or later is needed (pip install meson, or your distribution's package)`);

  log('fetching meson from Debian bookworm-backports (private apt configuration, unpacked, not installed)');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'debs'), { recursive: true });
  const apt = privateApt(dir, ['deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main']);
  run('apt-get', [...apt, 'download', 'meson/bookworm-backports'], { cwd: join(dir, 'debs') });
  const deb = readdirSync(join(dir, 'debs')).find((f) => f.startsWith('meson_') && f.endsWith('.deb'));
  if (!deb) fail('apt-get download meson/bookworm-backports produced no .deb');
  run('dpkg-deb', ['-x', join(dir, 'debs', deb), unpacked]);
  if (!check()) fail(`the unpacked ${deb} does not run`);
  log(`using ${deb} from ${relative(root, unpacked)}`);
  return { command: 'python3', args: [mesonPy], env };
}

/**
 * apt-get options for a private apt configuration in `dir`: its own source list, lists and cache, so
 * the machine's apt setup is neither read nor changed (works without root too). Runs `update` once.
 */
function privateApt(dir, sourceLines) {
  for (const sub of ['lists/partial', 'cache/archives/partial', 'etc']) mkdirSync(join(dir, sub), { recursive: true });
  const sources = join(dir, 'etc', 'sources.list');
  writeFileSync(sources, `${sourceLines.join('\n')}\n`);
  const apt = [
    '-o', `Dir::Etc::SourceList=${sources}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(dir, 'lists')}`,
    '-o', `Dir::Cache=${join(dir, 'cache')}`,
    '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root',
    '-qq',
  ];
  run('apt-get', [...apt, 'update']);
  return apt;
}

/**
 * libsrtp 2's sources from Debian 12's own source package (bookworm, with its security updates), for a
 * build with OpenSSL's crypto: Debian's binary libsrtp2 uses NSS, whose AES-CM + HMAC-SHA1 cost 3.7 µs
 * a packet here against 0.6–0.9 µs with OpenSSL, on every packet to every listener. Unpacked into
 * `<src>/subprojects/libsrtp2`, built by meson as a static library (see the libsrtp3 stand-in).
 */
function fetchLibsrtpSources(cacheRoot, src) {
  const dir = join(cacheRoot, 'libsrtp2-source');
  const given = process.env.LIBSRTP_SOURCE_TARBALL; // elsewhere than Debian: a libsrtp 2.5 release tarball
  const tarball = () =>
    given ?? (existsSync(join(dir, 'src')) ? readdirSync(join(dir, 'src')).find((f) => /^libsrtp2_[\d.]+\.orig\.tar\.gz$/.test(f)) : undefined);
  if (!tarball()) {
    if (!isDebian()) fail('libsrtp 2 sources come from Debian\'s source package; elsewhere set LIBSRTP_SOURCE_TARBALL to a libsrtp 2.5 source .tar.gz');
    log('fetching libsrtp2\'s Debian source package (private apt configuration) to build it with OpenSSL');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    const keyring = '[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]';
    const apt = privateApt(dir, [
      `deb-src ${keyring} http://deb.debian.org/debian bookworm main`,
      `deb-src ${keyring} http://deb.debian.org/debian bookworm-updates main`,
      `deb-src ${keyring} http://deb.debian.org/debian-security bookworm-security main`,
    ]);
    run('apt-get', [...apt, 'source', '--download-only', 'libsrtp2'], { cwd: join(dir, 'src') });
    if (!tarball()) fail('apt-get source libsrtp2 produced no .orig.tar.gz');
  }
  const unpacked = join(dir, 'unpacked');
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  run('tar', ['-xzf', given ?? join(dir, 'src', tarball()), '-C', unpacked]);
  const [top] = readdirSync(unpacked);
  if (!existsSync(join(unpacked, top, 'meson.build'))) fail(`${tarball()} has no meson.build`);
  cpSync(join(unpacked, top), join(src, 'subprojects', 'libsrtp2'), { recursive: true });
  rmSync(unpacked, { recursive: true, force: true });
  log(`libsrtp sources: ${tarball()} (Debian)`);
}

/** The `directory` a subproject's .wrap names: where meson looks for the (stand-in) sources. */
function wrapDirectory(wrapFile) {
  const match = readFileSync(wrapFile, 'utf8').match(/^directory\s*=\s*(.+)$/m);
  if (!match) fail(`${wrapFile} names no directory`);
  return match[1].trim();
}

/** Copies the worker's sources and puts a stand-in project in each subproject directory. */
function prepareSources(src, cacheRoot) {
  rmSync(src, { recursive: true, force: true });
  cpSync(join(mediasoupDir, 'worker'), src, { recursive: true, filter: (from) => !from.includes(`${join('worker', 'out')}`) });
  const standIns = join(helpers, 'subprojects');
  for (const name of readdirSync(standIns)) {
    const wrap = join(src, 'subprojects', `${name}.wrap`);
    if (!existsSync(wrap)) fail(`mediasoup ${version} has no ${name}.wrap: the stand-ins in ${relative(root, standIns)} need updating`);
    const target = join(src, 'subprojects', wrapDirectory(wrap));
    cpSync(join(standIns, name), target, { recursive: true });
    copyFileSync(join(helpers, 'empty.c'), join(target, 'hostline-empty.c'));
  }
  fetchLibsrtpSources(cacheRoot, src);
}

/** Places the binary where mediasoup's Node layer looks when MEDIASOUP_WORKER_BIN is unset. */
function installBinary(built) {
  mkdirSync(dirname(defaultBin), { recursive: true });
  const partial = `${defaultBin}.partial`;
  copyFileSync(built, partial);
  renameSync(partial, defaultBin); // never a half-copied binary under the final name
}

// ---------------------------------------------------------------------------------------------------

// The cache key alone (for a CI cache, or to check what a build would be keyed by).
if (process.argv.includes('--print-key')) {
  console.log(buildKey());
  process.exit(0);
}

if (process.env.MEDIASOUP_WORKER_BIN) {
  if (!workerStarts(process.env.MEDIASOUP_WORKER_BIN)) fail(`MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN} does not start a mediasoup ${version} worker`);
  log(`using MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN}`);
  process.exit(0);
}

const cacheRoot = join(root, '.cache', 'mediasoup-worker');
const buildDir = join(cacheRoot, buildKey());
const builtBin = join(buildDir, 'mediasoup-worker');
const stamp = join(dirname(defaultBin), 'hostline-build-key');

if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === buildKey() && workerStarts(defaultBin)) {
  log(`mediasoup ${version} worker present: ${relative(root, defaultBin)}`);
  process.exit(0);
}
if (!force && workerStarts(builtBin)) {
  // Built before, but the package folder was replaced (npm install): a copy, not a rebuild.
  installBinary(builtBin);
  writeFileSync(stamp, buildKey());
  log(`installed the cached worker ${relative(root, builtBin)}`);
  process.exit(0);
}

if (process.platform !== 'linux') fail('this build step knows Linux only; elsewhere set MEDIASOUP_WORKER_BIN to a worker you built');
if (isDebian()) ensureDebianPackages();
else checkOtherLinux();
const meson = findMeson(cacheRoot);

const started = Date.now();
const cores = Math.max(1, os.availableParallelism());
log(`building the mediasoup ${version} worker in ${relative(root, buildDir)} (about 6 minutes on 2 cores)`);
const src = join(buildDir, 'src');
const out = join(buildDir, 'out');
prepareSources(src, cacheRoot);
rmSync(out, { recursive: true, force: true });
const env = { ...process.env, ...meson.env };
delete env.MEDIASOUP_WORKER_BIN;
// Both adapters are C++ only: forced into C units they would precede the C sources' own feature macros.
const cppArgs = ['-include', join(helpers, 'srtp3-over-srtp2.h'), '-include', join(helpers, 'dtls-bio-callback.h')];
run(meson.command, [
  ...meson.args, 'setup',
  ...MESON_OPTIONS,
  `-Dcpp_args=${JSON.stringify(cppArgs).replaceAll('"', "'")}`,
  out, src,
], { env });
// The FlatBuffers headers must exist before any object that includes them is compiled.
run('ninja', ['-C', out, `-j${cores}`, 'fbs/FBS', 'mediasoup-worker'], { env });
copyFileSync(join(out, 'mediasoup-worker'), builtBin);
if (!workerStarts(builtBin)) fail(`the built worker ${builtBin} does not start`);
installBinary(builtBin);
writeFileSync(stamp, buildKey());
// Keep the binary; the objects and copied sources are only needed to build it (about 300 MB).
rmSync(out, { recursive: true, force: true });
rmSync(src, { recursive: true, force: true });
for (const old of readdirSync(cacheRoot)) {
  if (old !== buildKey() && old !== 'meson-backport' && old !== 'libsrtp2-source') rmSync(join(cacheRoot, old), { recursive: true, force: true });
}
log(`mediasoup ${version} worker built in ${Math.round((Date.now() - started) / 1000)} s: ${relative(root, defaultBin)}`);
