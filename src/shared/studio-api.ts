// The typed API the studio's renderer sees as `window.studio`. Electron's preload provides it over IPC;
// in a plain browser, src/renderer/bridge provides the same API over HTTP to the local studio host.
import type { Settings, SettingsPatch } from './settings.js';

export interface SfuEndpoint {
  /** Base URL of the SFU service's HTTP side (share links are built on it). */
  httpUrl: string;
  /** The WebSocket signaling URL. */
  wsUrl: string;
  /** The key this studio presents to create Spaces on its embedded SFU. */
  studioKey?: string;
}

export interface StudioApi {
  /** Which implementation is behind the API. */
  readonly runtime: 'electron' | 'browser';
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  getSfuEndpoint(): Promise<SfuEndpoint>;
  /** Calls back when settings change (from any window); returns the function that stops it. */
  onSettingsChanged(listener: (settings: Settings) => void): () => void;
}

/** IPC channel names, shared by the preload and main. */
export const STUDIO_IPC = {
  getSettings: 'studio:get-settings',
  updateSettings: 'studio:update-settings',
  getSfuEndpoint: 'studio:get-sfu-endpoint',
  settingsChanged: 'studio:settings-changed',
} as const;
