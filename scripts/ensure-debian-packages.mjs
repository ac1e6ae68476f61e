#!/usr/bin/env node
// Before the tests: the Debian packages the test suite drives for real (Chromium for WebRTC audio, sox,
// ffmpeg, the caption engine and the tests' known speech). Installed when missing if we are root on
// Debian; otherwise the run stops here with the command to run. Never a silent skip. `--list` prints
// every package name (.ci/run installs them in one go on a fresh machine).
import { spawnSync } from 'node:child_process';

/** What the tests need, and why (printed when something is missing). */
const GROUPS = [
  { why: 'the end-to-end tests carry real WebRTC audio in Chromium', packages: ['chromium'] },
  { why: 'the tests read recordings and received audio back with sox, and lay out their speech with it', packages: ['sox'] },
  { why: 'ffmpeg publishes replays (mixes the speakers\' Opus tracks, cuts clips); the replay tests read them with ffprobe', packages: ['ffmpeg'] },
  {
    why: 'live captions: pocketsphinx and its US English model (the embedded engine), libopus (decodes each speaker on the server), festival with its US voice and espeak-ng (the tests\' known speech)',
    packages: ['libpocketsphinx3', 'libsphinxbase3', 'pocketsphinx-en-us', 'libopus0', 'festival', 'festvox-us-slt-hts', 'espeak-ng'],
  },
];

if (process.argv.includes('--list')) {
  console.log(GROUPS.flatMap((g) => g.packages).join(' '));
  process.exit(0);
}

const installed = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
const missingGroups = GROUPS.map((g) => ({ ...g, missing: g.packages.filter((p) => !installed(p)) })).filter((g) => g.missing.length);
if (missingGroups.length === 0) process.exit(0);

const missing = missingGroups.flatMap((g) => g.missing);
const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
for (const g of missingGroups) console.error(`missing ${g.missing.join(', ')}: ${g.why}`);
if (!isRoot || !hasApt) {
  console.error(`Run as root: ${command}`);
  process.exit(1);
}
console.log(`installing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
let run = install();
if (run.status !== 0) {
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  run = install();
}
if (run.status !== 0) {
  console.error(`Could not install ${missing.join(', ')}. Run as root: ${command}`);
  process.exit(1);
}
