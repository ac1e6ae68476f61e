#!/usr/bin/env node
// Takes the console's screenshots for the README: the studio with the production console, live, with
// espeak-ng speech over pink noise as the microphone. Run `npm run build` first.
// Usage: node scripts/console-screenshots.mjs
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = mkdtempSync(join(tmpdir(), 'hostline-console-shots-'));
const speech = join(dir, 'speech.wav');
const mic = join(dir, 'mic.wav');
execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', join(dir, 'raw.wav'),
  'Welcome back to the Analytical Hour. Tonight we take your questions, live.']);
execFileSync('sox', [join(dir, 'raw.wav'), '-r', '48000', '-c', '1', '-b', '16', speech, 'norm', '-3', 'pad', '0.5', '1']);
// Speech over a faint room hiss, so the noise suppressor and the meters have something to show.
execFileSync('sox', ['-m', speech, '|sox -n -r 48000 -c 1 -b 16 -p synth 8 pinknoise vol 0.01', mic]);

const studio = spawn(process.execPath, ['out/main/headless.js', '--port', '0', '--workers', '1', '--log-level', 'warn'], {
  env: { ...process.env, HOSTLINE_DATA_DIR: dir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  studio.stdout.on('data', (chunk) => {
    const match = /Open the studio:\s+(\S+)/.exec(chunk.toString());
    if (match) resolve(match[1].replace(/\/$/, ''));
  });
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required', `--use-file-for-fake-audio-capture=${mic}`],
});
try {
  const host = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await host.goto(`${url}/`);
  await host.getByTestId('host-name').fill('Ada Lovelace');
  await host.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await host.getByTestId('go-live').click();
  await host.getByTestId('share-link').waitFor({ timeout: 15000 });
  await host.getByTestId('stage-gate-on').click();
  // Wait for a moment of speech, so the meters and the speaking light show something.
  await host.waitForFunction(() => globalThis.hostlineConsole?.voice.speaking === true, undefined, { timeout: 30000 });
  await host.waitForTimeout(600);
  await host.screenshot({ path: 'docs/console-live.png', fullPage: true });
  await host.getByTestId('console-panel').locator('.chain-block').screenshot({ path: 'docs/console-chain.png' });
  await host.getByTestId('console-panel').locator('.meters').screenshot({ path: 'docs/console-meters.png' });
  console.log('saved docs/console-live.png, docs/console-chain.png, docs/console-meters.png');
} finally {
  await browser.close();
  const exited = new Promise((resolve) => studio.once('exit', resolve));
  studio.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
