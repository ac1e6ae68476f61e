#!/usr/bin/env node
// Before the tests: the Debian packages live captions and their tests need (pocketsphinx and its
// model, libopus, festival's US voice, espeak-ng, and sox, which lays out the tests' speech).
// Installed when missing if we are root on Debian; otherwise the run stops here with the command to
// run. Never a silent skip.
import { spawnSync } from 'node:child_process';

const PACKAGES = ['libpocketsphinx3', 'libsphinxbase3', 'pocketsphinx-en-us', 'libopus0', 'festival', 'festvox-us-slt-hts', 'espeak-ng', 'sox'];
const installed = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
const missing = PACKAGES.filter((pkg) => !installed(pkg));
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`Live captions' tests need Debian packages that are missing: ${missing.join(', ')}.\nRun as root: ${command}`);
  process.exit(1);
}
console.log(`installing Debian packages for captions: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
let run = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
if (run.status !== 0) {
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  run = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}
if (run.status !== 0) {
  console.error(`Could not install ${missing.join(', ')}. Run as root: ${command}`);
  process.exit(1);
}
