// `window.studio` for the renderer: Electron's preload provides it; in a plain browser this file
// provides the same API over HTTP to the local studio host (src/main/browser-bridge.ts).
// Stand-in note: the browser bridge exists because the Electron binary cannot be downloaded on every
// machine we build and test on; it calls the very same main-process services.
import type { Settings, SettingsPatch } from '../../shared/settings';
import type { SfuEndpoint, StudioApi } from '../../shared/studio-api';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${path} answered ${response.status}`);
  return body as T;
}

export function createBrowserStudio(): StudioApi {
  const listeners = new Set<(settings: Settings) => void>();
  return {
    runtime: 'browser',
    getSettings: () => call<Settings>('/api/studio/settings'),
    async updateSettings(patch: SettingsPatch) {
      const settings = await call<Settings>('/api/studio/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      for (const listener of listeners) listener(settings);
      return settings;
    },
    getSfuEndpoint: () => call<SfuEndpoint>('/api/studio/sfu'),
    onSettingsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function studioApi(): StudioApi {
  window.studio ??= createBrowserStudio();
  return window.studio;
}
