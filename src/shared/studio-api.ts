// The typed API the studio's renderer sees as `window.studio`. Electron's preload provides it over IPC;
// in a plain browser, src/renderer/bridge provides the same API over HTTP to the local studio host.
import type {
  AddTrackRequest,
  ExportRequest,
  ExportResult,
  RecordingCaptionInput,
  RecordingManifest,
  RecordingStatus,
  RecordingSummary,
  StartRecordingRequest,
  TimelineEventInput,
} from './recording.js';
import type { Settings, SettingsPatch } from './settings.js';

export interface SfuEndpoint {
  /** Base URL of the SFU service's HTTP side (share links are built on it). */
  httpUrl: string;
  /** The WebSocket signaling URL. */
  wsUrl: string;
  /** The key this studio presents to create Spaces on its embedded SFU. */
  studioKey?: string;
  /** The studio's signed-in session on this SFU (the embedded one signs its local owner in). */
  sessionToken?: string;
}

export interface StudioApi {
  /** Which implementation is behind the API. */
  readonly runtime: 'electron' | 'browser';
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  getSfuEndpoint(): Promise<SfuEndpoint>;
  /** Calls back when settings change (from any window); returns the function that stops it. */
  onSettingsChanged(listener: (settings: Settings) => void): () => void;

  // Local recording (src/main/services/recording): main writes the files, the renderer sends audio.
  startRecording(request: StartRecordingRequest): Promise<RecordingStatus & { id: string }>;
  /** A track for the mix or one voice; a member already recorded gets their track back. */
  addRecordingTrack(request: AddTrackRequest): Promise<{ trackNo: number }>;
  /** Audio chunks framed by encodeAudioBatch (binary, never JSON); answers the status. */
  sendRecordingAudio(batch: ArrayBuffer): Promise<RecordingStatus>;
  addRecordingEvents(events: TimelineEventInput[]): Promise<void>;
  /** Caption lines (new, corrected or hidden) for the recording's captions.vtt, on the audio clock. */
  addRecordingCaptions(lines: RecordingCaptionInput[]): Promise<void>;
  pauseRecording(atFrame: number): Promise<RecordingStatus>;
  resumeRecording(atFrame: number): Promise<RecordingStatus>;
  /** Ends the recording; every track ends at `atFrame` of the audio clock when given. */
  stopRecording(atFrame?: number): Promise<RecordingSummary>;
  getRecordingStatus(): Promise<RecordingStatus>;
  /** Calls back on recording status changes (disk, stops); returns the function that stops it. */
  onRecordingStatus(listener: (status: RecordingStatus) => void): () => void;
  listRecordings(): Promise<RecordingSummary[]>;
  getRecording(id: string): Promise<RecordingManifest>;
  /** Where the studio page can play a track from (served on loopback by the studio host). */
  recordingTrackUrl(id: string, file: string): string;
  exportRecording(id: string, request: ExportRequest): Promise<ExportResult>;
}

/** The HTTP path a recording's track is served under (both runtimes load the studio from the host). */
export function recordingTrackPath(id: string, file: string): string {
  return `/api/studio/recordings/${encodeURIComponent(id)}/files/${encodeURIComponent(file)}`;
}

/** IPC channel names, shared by the preload and main. */
export const STUDIO_IPC = {
  getSettings: 'studio:get-settings',
  updateSettings: 'studio:update-settings',
  getSfuEndpoint: 'studio:get-sfu-endpoint',
  settingsChanged: 'studio:settings-changed',
  recordingStart: 'studio:recording-start',
  recordingAddTrack: 'studio:recording-add-track',
  recordingAudio: 'studio:recording-audio',
  recordingEvents: 'studio:recording-events',
  recordingCaptions: 'studio:recording-captions',
  recordingPause: 'studio:recording-pause',
  recordingResume: 'studio:recording-resume',
  recordingStop: 'studio:recording-stop',
  recordingStatus: 'studio:recording-status',
  recordingStatusChanged: 'studio:recording-status-changed',
  recordingList: 'studio:recording-list',
  recordingGet: 'studio:recording-get',
  recordingExport: 'studio:recording-export',
} as const;
