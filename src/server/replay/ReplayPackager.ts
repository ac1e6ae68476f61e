// Turns a finished recording folder into the published replay: the speaker tracks mixed into one
// Opus-in-WebM file (ffmpeg; the only re-encoding, after the show), the timeline and the captions;
// then the listener-facing copies with the host's trim applied (cut without re-encoding).
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import type { ReplayTimeline } from '../../shared/replay.js';
import { clipArgs, mixArgs, runFfmpeg, trimArgs } from './ffmpeg.js';
import { OggOpusWriter } from './OggOpusWriter.js';
import { type RecordingFolder, type RecordingManifest } from './RecordingFolder.js';
import { buildTimeline, captionsVtt, trimTimeline, type CaptionCue } from './timeline.js';

export const MASTER_AUDIO = 'master.webm';
export const MASTER_TIMELINE = 'master-timeline.json';
export const REPLAY_AUDIO = 'replay.webm';
export const REPLAY_TIMELINE = 'timeline.json';
export const REPLAY_CAPTIONS = 'captions.vtt';

export interface PackagerOptions {
  /** The ffmpeg binary (default: `ffmpeg` on the PATH). */
  ffmpeg?: string;
}

/**
 * Finishes a recording a crash interrupted (and that will not resume): every track is kept up to its
 * last complete page; the replay ends where the longest track or the last event does.
 */
export function finishInterrupted(folder: RecordingFolder): RecordingManifest {
  const manifest = folder.readManifest();
  if (manifest.finished) return manifest;
  const writers = manifest.tracks.map((t) => OggOpusWriter.resume(folder.path(t.file)) ?? OggOpusWriter.create(folder.path(t.file), { channels: 2, title: manifest.title }));
  let endMs = 0;
  for (const w of writers) endMs = Math.max(endMs, w.granule / 48);
  for (const e of folder.readEvents()) endMs = Math.max(endMs, e.atMs);
  const last = manifest.periods.at(-1);
  if (last && last.to === undefined) last.to = last.from + (endMs - last.atMs);
  // Torn pages are cut off by resume; the tracks need not end together, the mix pads each to the end.
  for (const w of writers) w.close(false);
  manifest.finished = { atMs: Math.round(endMs), stereo: false };
  folder.writeManifest(manifest);
  return manifest;
}

/** Mixes and writes the master replay and its timeline; returns the timeline. */
export async function packageReplay(folder: RecordingFolder, options: PackagerOptions & { captions?: boolean } = {}): Promise<ReplayTimeline> {
  const manifest = folder.readManifest();
  if (!manifest.finished) throw new Error('the recording is not finished');
  const durationMs = manifest.finished.atMs;
  const tmp = folder.path(`${MASTER_AUDIO}.tmp`);
  await runFfmpeg(mixArgs(manifest.tracks.map((t) => folder.path(t.file)), durationMs, tmp, { stereo: manifest.finished.stereo }), { binary: options.ffmpeg });
  await rename(tmp, folder.path(MASTER_AUDIO));
  const timeline = buildTimeline(manifest, folder.readEvents(), durationMs, options.captions ?? false);
  await writeFile(folder.path(MASTER_TIMELINE), JSON.stringify(timeline));
  return timeline;
}

/** Writes what listeners get: the master with the first `trimMs` cut off, its timeline and captions. */
export async function publishView(
  folder: RecordingFolder,
  master: ReplayTimeline,
  trimMs: number,
  options: PackagerOptions & { captions?: CaptionCue[] } = {},
): Promise<ReplayTimeline> {
  const trim = Math.max(0, Math.min(trimMs, master.durationMs - 1000));
  const tmp = folder.path(`${REPLAY_AUDIO}.tmp`);
  if (trim <= 0) await copyFile(folder.path(MASTER_AUDIO), tmp);
  else await runFfmpeg(trimArgs(folder.path(MASTER_AUDIO), trim, tmp), { binary: options.ffmpeg });
  await rename(tmp, folder.path(REPLAY_AUDIO));
  const timeline = trimTimeline(master, trim);
  timeline.captions = (options.captions?.length ?? 0) > 0;
  await writeFile(folder.path(REPLAY_TIMELINE), JSON.stringify(timeline));
  if (timeline.captions) await writeFile(folder.path(REPLAY_CAPTIONS), captionsVtt(options.captions!, folder.readManifest(), trim, timeline.durationMs));
  else await rm(folder.path(REPLAY_CAPTIONS), { force: true });
  return timeline;
}

/** Cuts a clip of the published replay: `lengthMs` from `startMs` on its (trimmed) timeline. */
export async function cutClip(folder: RecordingFolder, startMs: number, lengthMs: number, output: string, options: PackagerOptions = {}): Promise<void> {
  const tmp = `${output}.tmp`;
  await runFfmpeg(clipArgs(folder.path(REPLAY_AUDIO), startMs, lengthMs, tmp), { binary: options.ffmpeg });
  await rename(tmp, output);
}
