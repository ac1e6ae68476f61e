#!/usr/bin/env node
// `npm start`: builds what is missing and starts the studio with its embedded SFU on loopback.
// With the Electron binary installed it opens the desktop window; without it (it cannot be downloaded
// on every machine) it serves the same studio to a browser and prints the URL instead of failing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const passThrough = process.argv.slice(2);

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when the download was skipped.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

run(process.execPath, ['scripts/build-mediasoup-worker.mjs']);
run(process.execPath, ['scripts/build-native.mjs']);
run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build']);

const electron = electronBinary();
const child = electron
  ? spawn(electron, ['.', ...passThrough], { stdio: 'inherit' })
  : (console.log('Electron binary not installed: starting the studio for a browser instead.'),
    spawn(process.execPath, ['out/main/headless.js', ...passThrough], { stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
