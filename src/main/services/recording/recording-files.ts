// The on-disk layout of one recording's folder: manifest.json (written atomically), events.jsonl (the
// timeline, appended while the take runs), and one WAV per track. Shared by the Take that writes a
// folder, the RecordingLibrary that lists them and the Recovery that repairs them.
import { open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingManifest, RecordingSummary, TimelineEvent } from '../../../shared/recording.js';

export const MANIFEST = 'manifest.json';
export const EVENT_LOG = 'events.jsonl';

/** Writes a file so that a crash leaves either the old or the new content, never a torn one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const fh = await open(temp, 'w');
  try {
    await fh.writeFile(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(temp, path);
}

/** A folder's manifest, or undefined when it has none we understand (not a recording, torn, newer). */
export async function readManifest(dir: string): Promise<RecordingManifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as RecordingManifest;
    return parsed.version === 1 && Array.isArray(parsed.tracks) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function writeManifest(dir: string, manifest: RecordingManifest): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
}

/** Bytes of a recording's track files. */
export async function sizeOf(dir: string, manifest: RecordingManifest): Promise<number> {
  let size = 0;
  for (const t of manifest.tracks) size += await stat(join(dir, t.file)).then((st) => st.size, () => 0);
  return size;
}

export function summaryOf(manifest: RecordingManifest, sizeBytes: number): RecordingSummary {
  const speakers = [...new Set(manifest.tracks.filter((t) => t.kind !== 'mix').map((t) => t.name))];
  return {
    id: manifest.id,
    title: manifest.title,
    spaceId: manifest.spaceId,
    startedAt: manifest.startedAt,
    durationSec: manifest.durationSec,
    speakers,
    sizeBytes,
    recovered: manifest.recovered,
    status: manifest.status,
    stopReason: manifest.stopReason,
  };
}

/** The timeline as appended during recording; a line torn by a crash is skipped. */
export async function readEventLog(path: string): Promise<TimelineEvent[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const events: TimelineEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as TimelineEvent);
    } catch {
      // torn by the crash
    }
  }
  return events;
}
