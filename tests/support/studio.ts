// The studio and listener page as a person uses them in Chromium: start the headless studio host, go
// live from the studio page, listen from the share link.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JsonFileSettingsStore } from '../../src/main/services/SettingsService';
import { startStudioHost, type StudioHost } from '../../src/main/studio-host';
import type { ServerConfig } from '../../src/server/config';
import { buildCaptionWorker } from './captionWorker';
import { eventually } from './fakeRoom';
import { RENDERER_DIR } from './server';

/** The studio host with its embedded SFU on a free loopback port, settings and recordings kept in `dir`. */
export async function startTestStudio(
  dir: string,
  extraArgv: string[] = [],
  options: { recordingsDir?: string; serverOverrides?: Partial<ServerConfig> } = {},
): Promise<StudioHost> {
  // The embedded SFU's captions run the worker built from the code under test.
  const serverOverrides = { captionWorkerScript: await buildCaptionWorker(), ...options.serverOverrides };
  return startStudioHost({
    argv: ['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'warn', ...extraArgv],
    // The embedded SFU's database and mail outbox go in the test's folder.
    env: { HOSTLINE_DATA_DIR: dir },
    staticDir: RENDERER_DIR,
    settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
    browserBridge: true,
    recordingsDir: options.recordingsDir ?? join(dir, 'recordings'),
    serverOverrides,
  });
}

/** Opens the studio, fills in the name and title, waits for a microphone, goes live; returns the share link. */
export async function goLive(host: Page, studio: StudioHost, name: string, title: string): Promise<string> {
  await host.goto(studio.studioUrl);
  // The microphone list appears after the saved settings have filled the form; typing before that
  // races the saved name into the field (seen under load: "AdaAda").
  await eventually(async () => {
    if ((await host.locator('[data-testid=mic-select] option:not([value=""])').count()) === 0) throw new Error('no microphone listed yet');
  }, 15_000);
  await host.getByTestId('host-name').fill(name);
  await host.getByTestId('space-title-input').fill(title);
  await host.getByTestId('go-live').click();
  return host.getByTestId('share-link').inputValue({ timeout: 15_000 });
}

/** Opens a share link, types a name, presses Listen and waits until the page says it is listening. */
export async function listen(page: Page, link: string, name?: string): Promise<void> {
  await page.goto(link);
  if (name) await page.getByTestId('listener-name').fill(name);
  await page.getByTestId('listen').click();
  await page.getByTestId('listen-status').waitFor({ timeout: 15_000 });
}
