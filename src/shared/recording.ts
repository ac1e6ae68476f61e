// Local recording of a show: the session manifest, its timeline, the requests the studio's renderer
// makes, and the binary framing of audio chunks (renderer → main). World-free: no Node, no DOM.
import { z } from 'zod';

/** Every track is mono at this rate, written as IEEE float 32-bit WAV. */
export const RECORDING_SAMPLE_RATE = 48_000;

export type TrackKind = 'mix' | 'host' | 'speaker';

export interface RecordingTrack {
  /** Number used by audio chunks on the wire. */
  trackNo: number;
  /** File name inside the recording's folder. */
  file: string;
  kind: TrackKind;
  /** Who the track is (the Stage member), absent for the mix. */
  memberId?: string;
  name: string;
  /** Frames in the file (kept current on stop and recovery). */
  frames: number;
}

export const TIMELINE_EVENT_TYPES = [
  'stage.join',
  'stage.leave',
  'speaking.start',
  'speaking.stop',
  'marker',
  'pause',
  'resume',
  'queue.approve',
  'member.remove',
  'reaction',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface TimelineEvent {
  /** Seconds from the start of the recording (paused time excluded). */
  at: number;
  type: TimelineEventType;
  memberId?: string;
  name?: string;
  /** A marker's label, or a reaction's emoji counts as text. */
  label?: string;
}

export type RecordingStatusName = 'recording' | 'paused' | 'complete';
export type StopReason = 'user' | 'disk-full' | 'write-error' | 'recovered' | 'closed';

export interface RecordingManifest {
  version: 1;
  id: string;
  spaceId: string;
  title: string;
  /** Wall clock at the start, ms since the epoch. */
  startedAt: number;
  sampleRate: number;
  format: 'float32';
  status: RecordingStatusName;
  /** True when this recording was interrupted (crash, power loss) and repaired on the next start. */
  recovered: boolean;
  stopReason?: StopReason;
  durationSec: number;
  tracks: RecordingTrack[];
  events: TimelineEvent[];
  /** The captions' WebVTT file in the folder, when the Space was captioned while recording. */
  captions?: string;
}

export interface RecordingSummary {
  id: string;
  title: string;
  spaceId: string;
  startedAt: number;
  durationSec: number;
  /** Display names of everyone with a voice track. */
  speakers: string[];
  sizeBytes: number;
  recovered: boolean;
  status: RecordingStatusName;
  stopReason?: StopReason;
}

/** What the studio shows while recording: state, length so far, and the disk. */
export interface RecordingStatus {
  state: 'idle' | 'recording' | 'paused';
  id?: string;
  seconds: number;
  tracks: number;
  /** Free bytes on the recordings' disk, at the last check. */
  freeBytes?: number;
  /** Minutes of recording the free space allows at the current number of tracks. */
  minutesLeft?: number;
  /** Set when the free space is below the warning threshold. */
  lowDisk?: boolean;
  /** Why the last recording stopped, when it was not the user. */
  stoppedBecause?: StopReason;
  message?: string;
}

export interface SpeakerSegment {
  memberId: string;
  name: string;
  start: number;
  end: number;
}

/** Who spoke when, from the timeline's speaking events (a segment still open ends at `duration`). */
export function speakerSegments(events: readonly TimelineEvent[], duration: number): SpeakerSegment[] {
  const open = new Map<string, { name: string; start: number }>();
  const out: SpeakerSegment[] = [];
  for (const e of events) {
    if (!e.memberId) continue;
    if (e.type === 'speaking.start' && !open.has(e.memberId)) open.set(e.memberId, { name: e.name ?? '', start: e.at });
    const closes = e.type === 'speaking.stop' || e.type === 'stage.leave' || e.type === 'member.remove';
    const o = open.get(e.memberId);
    if (closes && o) {
      out.push({ memberId: e.memberId, name: o.name, start: o.start, end: e.at });
      open.delete(e.memberId);
    }
  }
  for (const [memberId, o] of open) out.push({ memberId, name: o.name, start: o.start, end: duration });
  return out.sort((a, b) => a.start - b.start);
}

// ---- requests from the renderer (validated again in main) -----------------------------------------

export const StartRecordingSchema = z.object({
  spaceId: z.string().max(128),
  title: z.string().max(200),
  /** The audio clock's frame at which the recording starts (chunks are numbered on that clock). */
  originFrame: z.number().int().nonnegative().default(0),
});
export type StartRecordingRequest = z.input<typeof StartRecordingSchema>;

export const AddTrackSchema = z.object({
  kind: z.enum(['mix', 'host', 'speaker']),
  name: z.string().max(100),
  memberId: z.string().max(128).optional(),
});
export type AddTrackRequest = z.infer<typeof AddTrackSchema>;

export const TimelineEventInputSchema = z.object({
  /** Frame on the audio clock when it happened; mapped to recording time by main. */
  atFrame: z.number().int().nonnegative(),
  type: z.enum(TIMELINE_EVENT_TYPES),
  memberId: z.string().max(128).optional(),
  name: z.string().max(100).optional(),
  label: z.string().max(200).optional(),
});
export type TimelineEventInput = z.infer<typeof TimelineEventInputSchema>;

export const FrameSchema = z.object({ atFrame: z.number().int().nonnegative() });

/**
 * A caption line for the recording's WebVTT, as the studio received it over the signaling: its latest
 * revision (a correction replaces the text, a hidden line leaves the file), timed on the studio's
 * audio clock (frames of the console's AudioContext, the clock the tracks are recorded on).
 */
export const RecordingCaptionSchema = z.strictObject({
  lineId: z.string().min(1).max(64),
  displayName: z.string().min(1).max(64),
  text: z.string().max(2000),
  hidden: z.boolean(),
  revision: z.number().int().nonnegative(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
});
export type RecordingCaptionInput = z.infer<typeof RecordingCaptionSchema>;

export const ExportSchema = z.object({
  /** Trim: keep from here (seconds); default the start. */
  start: z.number().nonnegative().optional(),
  /** Trim: keep until here (seconds); default the end. */
  end: z.number().positive().optional(),
  /** Write every voice as its own file besides the mix. */
  stems: z.boolean().default(true),
});
export type ExportRequest = z.input<typeof ExportSchema>;

export interface ExportResult {
  /** Folder the export was written to. */
  dir: string;
  files: string[];
  durationSec: number;
  chapters: Chapter[];
}

export interface Chapter {
  title: string;
  start: number;
}

// ---- audio chunks on the wire ---------------------------------------------------------------------
// A batch is a run of chunks, each: u32 trackNo, u32 frameCount, f64 first frame (audio clock), then
// frameCount float32 samples, all little-endian. 16-byte headers keep the samples 4-byte aligned.

export const CHUNK_HEADER_BYTES = 16;

export interface AudioChunk {
  trackNo: number;
  frame: number;
  samples: Float32Array;
}

export function encodeAudioBatch(chunks: readonly AudioChunk[]): ArrayBuffer {
  const bytes = chunks.reduce((n, c) => n + CHUNK_HEADER_BYTES + c.samples.length * 4, 0);
  const buffer = new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  let at = 0;
  for (const c of chunks) {
    view.setUint32(at, c.trackNo, true);
    view.setUint32(at + 4, c.samples.length, true);
    view.setFloat64(at + 8, c.frame, true);
    at += CHUNK_HEADER_BYTES;
    new Float32Array(buffer, at, c.samples.length).set(c.samples);
    at += c.samples.length * 4;
  }
  return buffer;
}

/** A decoded chunk whose samples stay as little-endian float32 bytes (what the WAV file stores). */
export interface RawChunk {
  trackNo: number;
  frame: number;
  frames: number;
  bytes: Uint8Array;
}

export function decodeAudioBatch(batch: Uint8Array): RawChunk[] {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const out: RawChunk[] = [];
  let at = 0;
  while (at < batch.byteLength) {
    if (at + CHUNK_HEADER_BYTES > batch.byteLength) throw new Error('audio batch: truncated chunk header');
    const trackNo = view.getUint32(at, true);
    const frames = view.getUint32(at + 4, true);
    const frame = view.getFloat64(at + 8, true);
    at += CHUNK_HEADER_BYTES;
    if (!Number.isSafeInteger(frame) || frame < 0) throw new Error('audio batch: bad frame number');
    if (at + frames * 4 > batch.byteLength) throw new Error('audio batch: truncated samples');
    out.push({ trackNo, frame, frames, bytes: batch.subarray(at, at + frames * 4) });
    at += frames * 4;
  }
  return out;
}
