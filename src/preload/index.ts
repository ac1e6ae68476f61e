// The preload: exposes `window.studio`, one small typed function per action, over IPC.
import { contextBridge, ipcRenderer } from 'electron';
import type { Settings, SettingsPatch } from '../shared/settings';
import { STUDIO_IPC, type StudioApi } from '../shared/studio-api';

const studio: StudioApi = {
  runtime: 'electron',
  getSettings: () => ipcRenderer.invoke(STUDIO_IPC.getSettings),
  updateSettings: (patch: SettingsPatch) => ipcRenderer.invoke(STUDIO_IPC.updateSettings, patch),
  getSfuEndpoint: () => ipcRenderer.invoke(STUDIO_IPC.getSfuEndpoint),
  onSettingsChanged(listener: (settings: Settings) => void) {
    const wrapped = (_event: unknown, settings: Settings) => listener(settings);
    ipcRenderer.on(STUDIO_IPC.settingsChanged, wrapped);
    return () => ipcRenderer.off(STUDIO_IPC.settingsChanged, wrapped);
  },
};

contextBridge.exposeInMainWorld('studio', studio);
