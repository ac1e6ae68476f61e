// Electron's IPC for recording: the same validated commands the browser bridge's routes call. Audio
// batches arrive as binary (an ArrayBuffer cloned over IPC), never as JSON.
import { BrowserWindow, type IpcMain } from 'electron';
import { STUDIO_IPC } from '../shared/studio-api.js';
import type { StudioHost } from './studio-host.js';

function bytesOf(batch: unknown): Uint8Array {
  if (batch instanceof ArrayBuffer) return new Uint8Array(batch);
  if (ArrayBuffer.isView(batch)) return new Uint8Array(batch.buffer, batch.byteOffset, batch.byteLength);
  throw new Error('recording audio must be an ArrayBuffer');
}

export function registerRecordingIpc(ipcMain: IpcMain, host: StudioHost): void {
  const c = host.recordingCommands;
  ipcMain.handle(STUDIO_IPC.recordingStart, (_e, body: unknown) => c.start(body));
  ipcMain.handle(STUDIO_IPC.recordingAddTrack, (_e, body: unknown) => c.addTrack(body));
  ipcMain.handle(STUDIO_IPC.recordingAudio, (_e, batch: unknown) => c.audio(bytesOf(batch)));
  ipcMain.handle(STUDIO_IPC.recordingEvents, (_e, body: unknown) => c.events(body));
  ipcMain.handle(STUDIO_IPC.recordingCaptions, (_e, body: unknown) => c.captions(body));
  ipcMain.handle(STUDIO_IPC.recordingPause, (_e, body: unknown) => c.pause(body));
  ipcMain.handle(STUDIO_IPC.recordingResume, (_e, body: unknown) => c.resume(body));
  ipcMain.handle(STUDIO_IPC.recordingStop, (_e, body: unknown) => c.stop(body));
  ipcMain.handle(STUDIO_IPC.recordingStatus, () => c.status());
  ipcMain.handle(STUDIO_IPC.recordingList, () => c.list());
  ipcMain.handle(STUDIO_IPC.recordingGet, (_e, id: unknown) => c.get(id));
  ipcMain.handle(STUDIO_IPC.recordingExport, (_e, id: unknown, body: unknown) => c.export(id, body));
  host.recordings.on('status', (status) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(STUDIO_IPC.recordingStatusChanged, status);
  });
}
