// Export of a finished recording: the mix and the stems as 24-bit PCM WAV (what every tool opens),
// trimmed to a start and end, with chapters from the markers as JSON and as a CUE sheet.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportSchema, type Chapter, type ExportRequest, type ExportResult, type RecordingManifest } from '../../../shared/recording.js';
import { RecordingError } from './RecordingError.js';
import type { RecordingLibrary } from './RecordingLibrary.js';
import { Pcm24Writer, readFloatFrames } from './wav.js';

/** "h:mm:ss.mmm" for people and JSON. */
export function clockText(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** A CUE sheet's "mm:ss:ff" (75 frames a second; minutes may pass 99). */
export function cueTime(seconds: number): string {
  const frames = Math.round(seconds * 75);
  const m = Math.floor(frames / (75 * 60));
  const s = Math.floor(frames / 75) % 60;
  const f = frames % 75;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}:${String(f).padStart(2, '0')}`;
}

const quote = (text: string) => `"${text.replace(/"/g, "'")}"`;

/** Chapters inside [start, end), times relative to `start`; the first always begins at 0. */
export function chaptersOf(manifest: RecordingManifest, start: number, end: number): Chapter[] {
  const markers = manifest.events.filter((e) => e.type === 'marker' && e.at >= start && e.at < end);
  const chapters: Chapter[] = markers.map((m, i) => ({ title: m.label?.trim() || `Marker ${i + 1}`, start: m.at - start }));
  if (!chapters[0] || chapters[0].start > 0.001) chapters.unshift({ title: manifest.title || 'Opening', start: 0 });
  return chapters;
}

export function cueSheet(manifest: RecordingManifest, chapters: Chapter[], audioFile: string): string {
  const lines = [`TITLE ${quote(manifest.title)}`, `FILE ${quote(audioFile)} WAVE`];
  chapters.forEach((c, i) => {
    lines.push(`  TRACK ${String(i + 1).padStart(2, '0')} AUDIO`, `    TITLE ${quote(c.title)}`, `    INDEX 01 ${cueTime(c.start)}`);
  });
  return `${lines.join('\n')}\n`;
}

function fileStem(name: string, taken: Set<string>): string {
  const base = name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'voice';
  let stem = base;
  for (let n = 2; taken.has(stem); n++) stem = `${base}-${n}`;
  taken.add(stem);
  return stem;
}

/** Writes an export; `request` is validated here (it may come straight from the renderer). */
export async function exportRecording(library: Pick<RecordingLibrary, 'get' | 'dirOf'>, id: string, request: ExportRequest | unknown): Promise<ExportResult> {
  const parsed = ExportSchema.safeParse(request);
  if (!parsed.success) throw new RecordingError(`export: ${parsed.error.issues[0]!.message}`);
  const manifest = await library.get(id);
  const rate = manifest.sampleRate;
  const start = Math.min(parsed.data.start ?? 0, manifest.durationSec);
  const end = Math.min(parsed.data.end ?? manifest.durationSec, manifest.durationSec);
  if (!(end > start)) throw new RecordingError('export: the end must come after the start');
  const from = Math.round(start * rate);
  const to = Math.round(end * rate);
  const dir = join(library.dirOf(id), 'exports', `${clockText(start).replace(/[:.]/g, '-')}_to_${clockText(end).replace(/[:.]/g, '-')}`);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const taken = new Set<string>(['mix']);
  const tracks = manifest.tracks.filter((t) => t.kind === 'mix' || parsed.data.stems);
  for (const track of tracks) {
    const file = `${track.kind === 'mix' ? 'mix' : fileStem(track.name, taken)}.wav`;
    const writer = await Pcm24Writer.create(join(dir, file), rate);
    for await (const piece of readFloatFrames(join(library.dirOf(id), track.file), from, to)) await writer.write(piece);
    await writer.close();
    files.push(file);
  }
  const chapters = chaptersOf(manifest, start, end);
  const durationSec = (to - from) / rate;
  const chapterJson = {
    title: manifest.title,
    spaceId: manifest.spaceId,
    durationSec,
    trimmed: { start, end },
    chapters: chapters.map((c) => ({ ...c, time: clockText(c.start) })),
  };
  await writeFile(join(dir, 'chapters.json'), `${JSON.stringify(chapterJson, null, 2)}\n`);
  await writeFile(join(dir, 'chapters.cue'), cueSheet(manifest, chapters, 'mix.wav'));
  files.push('chapters.json', 'chapters.cue');
  return { dir, files, durationSec, chapters };
}
