// Live captions as the wire and the files see them: one caption line (partial while someone speaks,
// then final, then possibly corrected or hidden by a host or caption editor), the captions' state
// in a Space, and the WebVTT a Space's captions are saved as. World-free: the server, the studio
// and the listener page all use it.
import { z } from 'zod';

/** The longest caption line a correction may set. */
export const MAX_CAPTION_CHARS = 500;

export const CaptionTextSchema = z
  .string()
  .trim()
  .min(1, 'a correction needs some text (hide the line instead)')
  .max(MAX_CAPTION_CHARS, `a caption line has at most ${MAX_CAPTION_CHARS} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a caption cannot hold control characters');

/**
 * One caption line. The same `lineId` arrives several times: partial versions while the speaker
 * talks (greyed, updating), the final one, and later corrections; the highest `revision` wins.
 */
export const CaptionLineSchema = z.strictObject({
  lineId: z.string().min(1).max(64),
  memberId: z.string().min(1).max(64),
  displayName: z.string().min(1).max(64),
  text: z.string().max(4 * MAX_CAPTION_CHARS),
  final: z.boolean(),
  /** Server clock, ms since the epoch: when the words began and ended in the audio. */
  startedAt: z.number(),
  endedAt: z.number(),
  /** The caption engine is behind: this line came later than it should. */
  delayed: z.boolean(),
  /** Seconds of this speaker's audio the engine had to skip before this line (overload). */
  skippedSeconds: z.number().min(0),
  /** Hidden by a host or caption editor: clients remove it, files leave it out. */
  hidden: z.boolean(),
  /** Who last corrected or hid it, by name; null when it is as the engine heard it. */
  editedBy: z.string().max(64).nullable(),
  revision: z.number().int().min(0),
});
export type CaptionLine = z.infer<typeof CaptionLineSchema>;

/** How the caption engine keeps up: `behind` marks lines delayed; `shedding` skips audio to catch up. */
export type CaptionLoad = 'ok' | 'behind' | 'shedding' | 'unavailable';

export const CaptionStateSchema = z.strictObject({
  enabled: z.boolean(),
  load: z.enum(['ok', 'behind', 'shedding', 'unavailable']),
  editors: z.array(z.strictObject({ memberId: z.string(), displayName: z.string() })),
  declined: z.array(z.string()),
  you: z.strictObject({ showing: z.boolean(), declined: z.boolean() }),
});

/** The captions part of a member's snapshot. */
export interface CaptionState {
  /** The host turned captions on for this Space. */
  enabled: boolean;
  load: CaptionLoad;
  /** Caption editors named by the host (besides the host and co-hosts). */
  editors: Array<{ memberId: string; displayName: string }>;
  /** Stage members who declined to be captioned. */
  declined: string[];
  you: {
    /** This member receives caption lines. */
    showing: boolean;
    /** This member declined to be captioned. */
    declined: boolean;
  };
}

// ---- WebVTT -------------------------------------------------------------------------------------

/** `HH:MM:SS.mmm`, as WebVTT wants it. */
export function vttTimestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Escapes text for a cue payload (WebVTT treats `<` and `&` as markup). */
function escapeCueText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A voice tag's annotation may not hold a raw `>` or a line break; character references stand for `&<>`. */
function escapeVoice(name: string): string {
  return name.replace(/[\r\n]/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface CueSource {
  lineId: string;
  displayName: string;
  text: string;
  /** Seconds on the file's clock. */
  start: number;
  end: number;
}

/**
 * A WebVTT file of final lines, each cue `<v Name>text`, in time order; cues that would end before
 * they begin get a minimum length so every player shows them.
 */
export function toWebVtt(cues: CueSource[], title?: string): string {
  const header = title ? `WEBVTT - ${title.replace(/[\r\n]|-->/g, ' ')}` : 'WEBVTT';
  const body = [...cues]
    .filter((c) => c.text.trim().length > 0 && c.end > 0)
    .sort((a, b) => a.start - b.start)
    .map((c) => {
      const start = Math.max(0, c.start);
      const end = Math.max(c.end, start + 0.5);
      return `${c.lineId}\n${vttTimestamp(start)} --> ${vttTimestamp(end)}\n<v ${escapeVoice(c.displayName)}>${escapeCueText(c.text)}`;
    });
  return [header, '', ...body.flatMap((cue) => [cue, ''])].join('\n');
}

/** The cues of a set of lines (final and not hidden), timed from `zeroAt` (server ms). */
export function cuesFrom(lines: Iterable<CaptionLine>, zeroAt: number): CueSource[] {
  return [...lines]
    .filter((l) => l.final && !l.hidden && l.text.trim().length > 0)
    .map((l) => ({ lineId: l.lineId, displayName: l.displayName, text: l.text, start: (l.startedAt - zeroAt) / 1000, end: (l.endedAt - zeroAt) / 1000 }));
}
