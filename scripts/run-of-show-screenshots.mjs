#!/usr/bin/env node
// Takes the run of show's screenshots for the README: the studio live in Chromium, segments typed into
// the Run of show card, the first one run over (red), then the next one on air. Run `npm run build` first.
// Usage: flock /work/locks/heavy node scripts/run-of-show-screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = mkdtempSync(join(tmpdir(), 'hostline-run-of-show-shots-'));
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
  args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const host = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await host.goto(`${url}/`);
  await host.getByTestId('host-name').fill('Ada Lovelace');
  await host.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await host.getByTestId('go-live').click();
  await host.getByTestId('share-link').waitFor({ timeout: 15000 });
  const card = host.getByTestId('run-of-show');
  for (const [title, length] of [['Cold open', '0:03'], ['Guest: Charles Babbage', '15:00'], ['Q&A', '10:00']]) {
    await card.getByPlaceholder('Segment').fill(title);
    await card.getByPlaceholder('Length (2:00)').fill(length);
    await card.getByRole('button', { name: 'Add' }).click();
  }
  await card.locator('.segments li').nth(2).waitFor();
  await card.getByTestId('next-segment').click();
  await card.locator('.segment-clock.over').waitFor({ timeout: 10000 });
  await host.waitForTimeout(1200);
  await card.screenshot({ path: 'docs/run-of-show-over.png' });
  await card.getByTestId('next-segment').click();
  await card.locator('.segment-clock.on-time').waitFor();
  await host.waitForTimeout(1200);
  await card.screenshot({ path: 'docs/run-of-show.png' });
  console.log('saved docs/run-of-show.png, docs/run-of-show-over.png');
} finally {
  await browser.close();
  const exited = new Promise((resolve) => studio.once('exit', resolve));
  studio.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
