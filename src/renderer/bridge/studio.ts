// `window.studio` for the renderer: Electron's preload provides it; in a plain browser this file
// provides the same API over HTTP to the local studio host (src/main/browser-bridge.ts).
// Stand-in note: the browser bridge exists because the Electron binary cannot be downloaded on every
// machine we build and test on; it calls the very same main-process services.
import type { ExportResult, RecordingManifest, RecordingStatus, RecordingSummary } from '../../shared/recording';
import type { Settings, SettingsPatch } from '../../shared/settings';
import { recordingTrackPath, type SfuEndpoint, type StudioApi } from '../../shared/studio-api';

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

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export function createBrowserStudio(): StudioApi {
  const listeners = new Set<(settings: Settings) => void>();
  const recordingListeners = new Set<(status: RecordingStatus) => void>();
  // Every recording answer carries the status; while recording, audio goes out 4 times a second.
  const withStatus = async (pending: Promise<RecordingStatus>) => {
    const status = await pending;
    for (const listener of recordingListeners) listener(status);
    return status;
  };
  const recordingCall = <T>(path: string, body: unknown) => call<T>(`/api/studio/recording/${path}`, postJson(body));
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
    startRecording: async (request) => {
      const status = await recordingCall<RecordingStatus & { id: string }>('start', request);
      await withStatus(Promise.resolve(status));
      return status;
    },
    addRecordingTrack: (request) => recordingCall<{ trackNo: number }>('tracks', request),
    sendRecordingAudio: (batch) =>
      withStatus(call<RecordingStatus>('/api/studio/recording/audio', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: batch })),
    addRecordingEvents: async (events) => {
      await recordingCall<object>('events', { events });
    },
    addRecordingCaptions: async (lines) => {
      await recordingCall<object>('captions', { lines });
    },
    pauseRecording: (atFrame) => withStatus(recordingCall<RecordingStatus>('pause', { atFrame })),
    resumeRecording: (atFrame) => withStatus(recordingCall<RecordingStatus>('resume', { atFrame })),
    stopRecording: async (atFrame) => {
      const summary = await recordingCall<RecordingSummary>('stop', { atFrame });
      await withStatus(call<RecordingStatus>('/api/studio/recording'));
      return summary;
    },
    getRecordingStatus: () => withStatus(call<RecordingStatus>('/api/studio/recording')),
    onRecordingStatus(listener) {
      recordingListeners.add(listener);
      return () => recordingListeners.delete(listener);
    },
    listRecordings: () => call<RecordingSummary[]>('/api/studio/recordings'),
    getRecording: (id) => call<RecordingManifest>(`/api/studio/recordings/${encodeURIComponent(id)}`),
    recordingTrackUrl: (id, file) => recordingTrackPath(id, file),
    exportRecording: (id, request) => call<ExportResult>(`/api/studio/recordings/${encodeURIComponent(id)}/export`, postJson(request)),
  };
}

export function studioApi(): StudioApi {
  window.studio ??= createBrowserStudio();
  return window.studio;
}
