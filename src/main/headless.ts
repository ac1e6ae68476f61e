// The studio without Electron: starts the embedded SFU on loopback, serves the studio to a browser with
// the HTTP bridge behind `window.studio`, and prints the URL. `npm start` runs this when the Electron
// binary is missing (it cannot be downloaded on every machine); the studio is the same React app.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../server/config.js';
import { JsonFileSettingsStore } from './services/SettingsService.js';
import { defaultDataDir, startStudioHost } from './studio-host.js';

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const dataDir = defaultDataDir(process.env);
  const host = await startStudioHost({
    argv: process.argv.slice(2),
    env: process.env,
    staticDir: join(here, '..', 'renderer'),
    settingsStore: new JsonFileSettingsStore(join(dataDir, 'settings.json')),
    browserBridge: true,
  });
  process.stdout.write(
    `\nHostline studio is running (embedded SFU on loopback).\n` +
      `  Open the studio:  ${host.studioUrl}\n` +
      `                    (this address carries this run's key to the studio; keep it to yourself)\n` +
      `  Settings:         ${join(dataDir, 'settings.json')}\n` +
      `  Database:         ${host.server.platform.store.description}\n` +
      `  Mail:             ${host.server.platform.mailer.destination}\n` +
      `  Recordings:       ${host.recordings.root}\n` +
      `  Stop with Ctrl+C.\n\n`,
  );
  const stop = () => void host.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
