// The preload: exposes `window.studio`, one small typed function per action, over IPC.
import { contextBridge, ipcRenderer } from 'electron';
import type { RecordingStatus } from '../shared/recording';
import type { Settings, SettingsPatch } from '../shared/settings';
import { recordingTrackPath, STUDIO_IPC, type StudioApi } from '../shared/studio-api';

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
  startRecording: (request) => ipcRenderer.invoke(STUDIO_IPC.recordingStart, request),
  addRecordingTrack: (request) => ipcRenderer.invoke(STUDIO_IPC.recordingAddTrack, request),
  sendRecordingAudio: (batch) => ipcRenderer.invoke(STUDIO_IPC.recordingAudio, batch),
  addRecordingEvents: (events) => ipcRenderer.invoke(STUDIO_IPC.recordingEvents, { events }),
  addRecordingCaptions: (lines) => ipcRenderer.invoke(STUDIO_IPC.recordingCaptions, { lines }),
  pauseRecording: (atFrame) => ipcRenderer.invoke(STUDIO_IPC.recordingPause, { atFrame }),
  resumeRecording: (atFrame) => ipcRenderer.invoke(STUDIO_IPC.recordingResume, { atFrame }),
  stopRecording: (atFrame) => ipcRenderer.invoke(STUDIO_IPC.recordingStop, { atFrame }),
  getRecordingStatus: () => ipcRenderer.invoke(STUDIO_IPC.recordingStatus),
  onRecordingStatus(listener: (status: RecordingStatus) => void) {
    const wrapped = (_event: unknown, status: RecordingStatus) => listener(status);
    ipcRenderer.on(STUDIO_IPC.recordingStatusChanged, wrapped);
    return () => ipcRenderer.off(STUDIO_IPC.recordingStatusChanged, wrapped);
  },
  listRecordings: () => ipcRenderer.invoke(STUDIO_IPC.recordingList),
  getRecording: (id) => ipcRenderer.invoke(STUDIO_IPC.recordingGet, id),
  // The window loads the studio from the studio host, which serves track files on loopback.
  recordingTrackUrl: (id, file) => recordingTrackPath(id, file),
  exportRecording: (id, request) => ipcRenderer.invoke(STUDIO_IPC.recordingExport, id, request),
};

contextBridge.exposeInMainWorld('studio', studio);
