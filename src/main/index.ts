// Electron's main process: starts the embedded SFU, answers the preload's IPC with the same services the
// browser bridge uses, and opens the studio window (context-isolated, sandboxed, no Node in the page).
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import Store from 'electron-store';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STUDIO_IPC } from '../shared/studio-api.js';
import type { SettingsStore } from './services/SettingsService.js';
import { registerRecordingIpc } from './recording-ipc.js';
import { startStudioHost, type StudioHost } from './studio-host.js';

const here = dirname(fileURLToPath(import.meta.url));

function electronSettingsStore(): SettingsStore {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
  return {
    read: () => (store.size === 0 ? undefined : store.store),
    write: (settings) => {
      store.store = settings as unknown as Record<string, unknown>;
    },
  };
}

function registerIpc(host: StudioHost): void {
  ipcMain.handle(STUDIO_IPC.getSettings, () => host.settings.get());
  // Arguments from the renderer are validated again here, by the service's schema.
  ipcMain.handle(STUDIO_IPC.updateSettings, (_event, patch: unknown) => host.settings.update(patch));
  ipcMain.handle(STUDIO_IPC.getSfuEndpoint, () => host.endpoint());
  host.settings.on('changed', (settings) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(STUDIO_IPC.settingsChanged, settings);
  });
  registerRecordingIpc(ipcMain, host);
}

async function createWindow(host: StudioHost): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 640,
    title: 'Hostline Studio',
    backgroundColor: '#101216',
    webPreferences: {
      preload: join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  // Links (share links, docs) open in the system browser, never inside the studio window.
  window.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The renderer is served by the embedded SFU, the same pages the browser studio uses.
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  await window.loadURL(devUrl ?? host.studioUrl);
}

app.whenReady().then(async () => {
  // The studio needs the microphone and output device selection; nothing else.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
    callback(permission === 'media' || permission === 'speaker-selection');
  });
  const host = await startStudioHost({
    argv: [],
    env: process.env,
    staticDir: join(here, '..', 'renderer'),
    settingsStore: electronSettingsStore(),
    browserBridge: false,
    defaultPort: 0,
  });
  registerIpc(host);
  await createWindow(host);
  app.on('window-all-closed', () => {
    void host.close().then(() => app.quit());
  });
}).catch((error: unknown) => {
  // A studio that cannot start its embedded SFU says why and quits rather than showing a dead window.
  console.error('the studio could not start', error);
  app.exit(1);
});
