// Takes the README's captions screenshots from a real captioned show: the studio (host Ada, festival
// sentences as microphone) with a guest on stage (Grace, another Chromium with her own sentences), and a
// listener page with Show captions on; the host corrects one line, so it shows "corrected by". Lines come
// from the real server path (stage tap, caption worker, pocketsphinx).
// Usage: flock /work/locks/heavy npm run screenshots:captions (it builds first). It sits in bench/ because it
// speaks with the tests' speech helpers (tests/support).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JsonFileSettingsStore } from '../src/main/services/SettingsService';
import { startStudioHost } from '../src/main/studio-host';
import { launchChromium } from '../tests/support/browser';
import { SENTENCES, talk } from '../tests/support/talk';
import { writeWav } from '../tests/support/wav';

const dir = mkdtempSync(join(tmpdir(), 'hostline-caption-shots-'));
const wav = (name: string, sentences: readonly string[]) => {
  const path = join(dir, `${name}.wav`);
  writeWav(path, talk(dir, 'festival', sentences, { lead: 1, gap: 1.4 }).samples);
  return path;
};

async function finalLines(page: Page): Promise<number> {
  return page.locator('[data-testid="caption-line"][data-final="true"]').count();
}

const host = await startStudioHost({
  argv: ['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'warn'],
  env: {},
  staticDir: 'out/renderer',
  settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
  browserBridge: true,
  recordingsDir: join(dir, 'recordings'),
  serverOverrides: { captionWorkerScript: join('out', 'main', 'caption-worker.js'), captionNice: 0 },
});
const browsers = [
  await launchChromium({ micWav: wav('ada', SENTENCES.slice(0, 3)) }),
  await launchChromium({ micWav: wav('grace', SENTENCES.slice(3, 6)) }),
  await launchChromium(),
];
try {
  const [studio, guest, listener] = await Promise.all(browsers.map((b) => b.newPage({ viewport: { width: 1360, height: 900 } })));
  await studio!.goto(`${host.server.httpUrl}/`);
  await studio!.locator('[data-testid=mic-select] option').first().waitFor({ state: 'attached', timeout: 15_000 });
  await studio!.getByTestId('host-name').fill('Ada Lovelace');
  await studio!.getByTestId('space-title-input').fill('The Analytical Hour: live Q&A');
  await studio!.getByTestId('go-live').click();
  const link = await studio!.getByTestId('share-link').inputValue({ timeout: 15_000 });
  for (const [page, name] of [[guest!, 'Grace Hopper'], [listener!, 'Linus']] as const) {
    await page.goto(link);
    await page.getByTestId('listener-name').fill(name);
    await page.getByTestId('listen').click();
    await page.getByTestId('listen-status').waitFor({ timeout: 15_000 });
  }
  await listener!.getByTestId('show-captions').click();
  await studio!.getByTestId('show-captions').click();
  await guest!.getByTestId('raise-hand').click();
  await studio!.getByTestId('queue-approve-next').click({ timeout: 15_000 });
  // Both speak; wait for a few final lines, then the host fixes one.
  for (let i = 0; i < 120 && (await finalLines(listener!)) < 5; i++) await listener!.waitForTimeout(500);
  const first = studio!.locator('[data-testid="caption-line"][data-final="true"]').first();
  await first.getByTestId('caption-fix').click();
  await studio!.getByTestId('caption-edit-input').fill('Welcome to the show, it is good to have you here tonight.');
  await studio!.getByTestId('caption-save').click();
  await listener!.getByTestId('caption-corrected').first().waitFor({ timeout: 10_000 });
  // A moment with someone mid-sentence, so a partial (grey, updating) line shows too.
  for (let i = 0; i < 40 && (await listener!.locator('[data-testid="caption-line"][data-final="false"]').count()) === 0; i++) await listener!.waitForTimeout(250);
  await listener!.screenshot({ path: 'docs/captions-listener.png' });
  console.log('saved docs/captions-listener.png');
  await studio!.getByTestId('captions-panel').scrollIntoViewIfNeeded();
  await studio!.screenshot({ path: 'docs/captions-studio.png' });
  console.log('saved docs/captions-studio.png');
} finally {
  for (const b of browsers) await b.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}
