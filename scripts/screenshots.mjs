#!/usr/bin/env node
// Takes the README's screenshots: starts the built headless studio, goes live with a spoken-style test
// signal as the microphone, joins as a listener, and saves PNGs into docs/.
// Run `npm run build` first. Usage: npm run screenshots
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = mkdtempSync(join(tmpdir(), 'hostline-shots-'));
const wav = join(dir, 'voice.wav');

// A syllable-like test signal: 220 Hz with harmonics, amplitude-modulated at 4 Hz.
function writeTestVoice(path, seconds = 6, rate = 48000) {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 2;
    const tone = Math.sin(2 * Math.PI * 220 * t) + 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * 660 * t);
    data.writeInt16LE(Math.round(0.25 * syllable * tone * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate * 2, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34);
  header.write('data', 36); header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}
writeTestVoice(wav);

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

const flags = ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const hostBrowser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...flags, `--use-file-for-fake-audio-capture=${wav}`] });
const listenerBrowser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
try {
  const host = await hostBrowser.newPage({ viewport: { width: 1360, height: 900 } });
  await host.goto(`${url}/`);
  await host.getByTestId('host-name').fill('Ada Lovelace');
  await host.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await host.waitForTimeout(1500);
  await host.screenshot({ path: 'docs/studio-setup.png' });
  await host.getByTestId('go-live').click();
  const link = await host.getByTestId('share-link').inputValue({ timeout: 15000 });
  const listener = await listenerBrowser.newPage({ viewport: { width: 900, height: 900 } });
  await listener.goto(link);
  await listener.screenshot({ path: 'docs/listener-invite.png' });
  // Three people in the audience: Grace will be approved, Linus and Alan wait in the queue.
  const audience = [];
  for (const name of ['Grace Hopper', 'Linus', 'Alan Turing']) {
    const page = name === 'Linus' ? listener : await listenerBrowser.newPage({ viewport: { width: 900, height: 900 } });
    if (page !== listener) await page.goto(link);
    await page.getByTestId('listener-name').fill(name);
    await page.getByTestId('listen').click();
    await page.getByTestId('listen-status').waitFor();
    await page.getByTestId('raise-hand').click();
    await page.getByTestId('hand-status').waitFor();
    audience.push(page);
  }
  await host.getByTestId('queue-approve').first().click();
  await audience[0].getByTestId('notice').waitFor();
  for (const r of ['👏', '🔥', '❤️']) await audience[1].getByRole('button', { name: `React ${r}` }).click();
  await listener.waitForTimeout(2500);
  await host.screenshot({ path: 'docs/studio-live.png' });
  await listener.screenshot({ path: 'docs/listener.png' });
  await audience[0].screenshot({ path: 'docs/listener-on-stage.png' });
  console.log('saved docs/studio-setup.png, docs/studio-live.png, docs/listener-invite.png, docs/listener.png, docs/listener-on-stage.png');
} finally {
  await hostBrowser.close();
  await listenerBrowser.close();
  const exited = new Promise((resolve) => studio.once('exit', resolve));
  studio.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
