// Replays and clips as every side sees them: what the server publishes after a Space ends (the audio,
// the timeline of who spoke when, stage changes, chapters, captions), what the replay page shows, and
// the host's settings. Times on a replay's timeline are milliseconds from its start.
import { z } from 'zod';

/** A clip is this long (or shorter, at the very start or end of a replay). */
export const CLIP_MS = 30_000;

export type ReplayStatus = 'recording' | 'processing' | 'published' | 'failed';

/** How long a replay is kept: for good, or this many days after the Space ended. */
export type Retention = { mode: 'keep' } | { mode: 'days'; days: number };

export const RetentionSchema = z.union([
  z.strictObject({ mode: z.literal('keep') }),
  z.strictObject({ mode: z.literal('days'), days: z.number().int().min(1).max(3650) }),
]);

export interface ReplaySpeaker {
  /** Index into the timeline's speakers; stable within one replay. */
  index: number;
  memberId: string;
  name: string;
}

/** A stretch of one speaker's speech. */
export interface SpeechSegment {
  speaker: number;
  startMs: number;
  endMs: number;
}

export interface StageChange {
  atMs: number;
  memberId: string;
  name: string;
  /** Came on stage, left it, or changed role while on it. */
  change: 'joined' | 'left' | 'role';
  role: 'host' | 'cohost' | 'speaker' | 'listener';
  /** Why, as the Space announced it (approved, invited, stepped_down, …). */
  cause?: string;
}

/** A chapter starts at each marker the host set (the first chapter starts at 0 with the Space's title). */
export interface Chapter {
  startMs: number;
  title: string;
}

export interface ReplayTimeline {
  version: 1;
  spaceId: string;
  title: string;
  durationMs: number;
  speakers: ReplaySpeaker[];
  segments: SpeechSegment[];
  stage: StageChange[];
  markers: Chapter[];
  chapters: Chapter[];
  /** The live show's audience: the most listening at once, and how many different people listened. */
  listeners: { peak: number; unique: number };
  /** Stretches where recording was off or the service was down, where they fall on the timeline. */
  gaps: Array<{ atMs: number; missedMs: number; why: 'paused' | 'interrupted' }>;
  /** Whether a captions.vtt goes with this replay. */
  captions: boolean;
}

/** What anyone allowed to see the replay gets from GET /api/replays/<spaceId>. */
export interface ReplayInfo {
  spaceId: string;
  title: string;
  hostName: string;
  status: ReplayStatus;
  /** When the Space went live and ended (ms since the epoch). */
  liveAt: number;
  endedAt: number | null;
  durationMs: number;
  trimStartMs: number;
  /** Relative URLs; present once published. */
  audioUrl?: string;
  timelineUrl?: string;
  captionsUrl?: string;
  peakListeners: number;
  uniqueListeners: number;
  retention: Retention;
  /** When it will be deleted under its retention, ms since the epoch (null: kept). */
  expiresAt: number | null;
  /** Anyone may cut clips of a published replay; while live only if the host allowed it. */
  liveClips: boolean;
  clips: ClipInfo[];
}

export const ClipInfoSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  title: z.string(),
  /** Where it starts on the replay's timeline (live clips: on the recording's clock). */
  startMs: z.number(),
  durationMs: z.number(),
  createdAt: z.number(),
  fromLive: z.boolean(),
  /** Relative URLs of the clip's page and audio. */
  pagePath: z.string(),
  audioUrl: z.string(),
});
export type ClipInfo = z.infer<typeof ClipInfoSchema>;

/** The replay's state while live, as every member's snapshot carries it. */
export const LiveReplayStateSchema = z.object({
  /** The server is recording this Space for a replay: listeners see a "Recorded" mark. */
  recording: z.boolean(),
  /** Listeners may clip the last 30 s while live. */
  liveClips: z.boolean(),
});
export type LiveReplayState = z.infer<typeof LiveReplayStateSchema>;

export const ClipRequestSchema = z.strictObject({
  /** Start on the replay's timeline, ms (as the page shows it, after any trim). */
  startMs: z.number().int().min(0).max(48 * 3600 * 1000),
  title: z.string().trim().max(120).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a title cannot hold control characters').optional(),
});

export const ReplayUpdateSchema = z
  .strictObject({
    /** Cut this much off the start of the replay (host only). */
    trimStartMs: z.number().int().min(0).max(48 * 3600 * 1000).optional(),
    retention: RetentionSchema.optional(),
  })
  .refine((u) => u.trimStartMs !== undefined || u.retention !== undefined, 'say what to change: trimStartMs or retention');

/** Who speaks next after `positionMs`: the first stretch that starts later and is someone else's. */
export function nextSpeakerStart(segments: SpeechSegment[], positionMs: number): SpeechSegment | undefined {
  const sorted = [...segments].sort((a, b) => a.startMs - b.startMs);
  // The speaker heard now, or most recently: skip the rest of their turn.
  const speaking = [...sorted].reverse().find((s) => s.startMs <= positionMs)?.speaker;
  return sorted.find((s) => s.startMs > positionMs + 1 && s.speaker !== speaking);
}
