// Builds a replay's timeline from what the recorder wrote (manifest and event log): who spoke when,
// stage changes, chapters from the host's markers, the audience, the gaps; and shifts it for a trim.
// Pure functions, so they are tested on their own.
import type { Chapter, ReplayTimeline, SpeechSegment } from '../../shared/replay.js';
import type { RecordingEvent, RecordingManifest } from './RecordingFolder.js';

/** Stretches of speech shorter than this are dropped (a cough, a click). */
const MIN_SEGMENT_MS = 80;

export function buildTimeline(manifest: RecordingManifest, events: RecordingEvent[], durationMs: number, captions: boolean): ReplayTimeline {
  const periodStarts = manifest.periods.map((p) => p.atMs).filter((at) => at > 0);
  const segments: SpeechSegment[] = [];
  const open = new Map<number, number>();
  const close = (track: number, endMs: number) => {
    const startMs = open.get(track);
    open.delete(track);
    if (startMs === undefined) return;
    const end = Math.min(endMs, durationMs);
    if (end - startMs >= MIN_SEGMENT_MS) segments.push({ speaker: track, startMs, endMs: end });
  };
  for (const event of events) {
    if (event.type !== 'speech') continue;
    if (event.edge === 'start') {
      // A start without its end (a crash) ends where the recording was cut.
      if (open.has(event.track)) close(event.track, event.atMs);
      open.set(event.track, event.atMs);
    } else {
      close(event.track, event.atMs);
    }
  }
  for (const [track, startMs] of [...open]) close(track, periodStarts.find((at) => at > startMs) ?? durationMs);
  segments.sort((a, b) => a.startMs - b.startMs || a.speaker - b.speaker);

  const markers: Chapter[] = events
    .filter((e): e is Extract<RecordingEvent, { type: 'marker' }> => e.type === 'marker')
    .map((e, i) => ({ startMs: Math.min(e.atMs, durationMs), title: e.title || `Marker ${i + 1}` }));
  const chapters: Chapter[] = [{ startMs: 0, title: manifest.title }];
  for (const marker of markers) {
    // A marker within the first second renames the opening chapter instead of making an empty one.
    if (marker.startMs < 1000 && chapters.length === 1) chapters[0] = { startMs: 0, title: marker.title };
    else chapters.push(marker);
  }

  const audience = events.filter((e): e is Extract<RecordingEvent, { type: 'audience' }> => e.type === 'audience');
  const gaps: ReplayTimeline['gaps'] = [];
  for (let i = 1; i < manifest.periods.length; i++) {
    const period = manifest.periods[i]!;
    const previous = manifest.periods[i - 1]!;
    if (period.after === 'start') continue;
    gaps.push({ atMs: period.atMs, missedMs: Math.max(0, Math.round(period.from - (previous.to ?? period.from))), why: period.after });
  }

  return {
    version: 1,
    spaceId: manifest.spaceId,
    title: manifest.title,
    durationMs: Math.round(durationMs),
    speakers: manifest.tracks.map((t) => ({ index: t.index, memberId: t.memberId, name: t.name })),
    segments,
    stage: events
      .filter((e): e is Extract<RecordingEvent, { type: 'stage' }> => e.type === 'stage')
      .map(({ atMs, memberId, name, change, role, cause }) => ({ atMs: Math.min(atMs, durationMs), memberId, name, change, role, ...(cause ? { cause } : {}) })),
    markers,
    chapters,
    listeners: {
      peak: Math.max(0, ...audience.map((e) => e.listening)),
      unique: Math.max(0, ...audience.map((e) => e.unique)),
    },
    gaps,
    captions,
  };
}

/** The timeline of the replay with its first `trimMs` cut off. */
export function trimTimeline(timeline: ReplayTimeline, trimMs: number): ReplayTimeline {
  if (trimMs <= 0) return timeline;
  const shift = (ms: number) => Math.max(0, ms - trimMs);
  const durationMs = Math.max(0, timeline.durationMs - trimMs);
  const chapters = timeline.chapters.filter((c, i) => i === 0 || c.startMs > trimMs).map((c) => ({ ...c, startMs: shift(c.startMs) }));
  // The chapter running at the cut becomes the opening chapter.
  const running = [...timeline.chapters].reverse().find((c) => c.startMs <= trimMs);
  if (running && chapters[0]) chapters[0] = { startMs: 0, title: running.title };
  return {
    ...timeline,
    durationMs,
    segments: timeline.segments.filter((s) => s.endMs > trimMs).map((s) => ({ ...s, startMs: shift(s.startMs), endMs: shift(s.endMs) })),
    stage: timeline.stage.map((s) => ({ ...s, atMs: shift(s.atMs) })),
    markers: timeline.markers.filter((m) => m.startMs >= trimMs).map((m) => ({ ...m, startMs: shift(m.startMs) })),
    chapters,
    gaps: timeline.gaps.filter((g) => g.atMs >= trimMs).map((g) => ({ ...g, atMs: shift(g.atMs) })),
  };
}

/** Captions as cues on the Space's clock (epoch ms), from whatever captioned the Space. */
export interface CaptionCue {
  startAt: number;
  endAt: number;
  speaker: string;
  text: string;
}

function vttTime(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  const frac = t % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(frac).padStart(3, '0')}`;
}

function vttEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ').replace(/-->/g, '→');
}

/**
 * WebVTT for the replay: each cue moved from the Space's clock to the replay's (through the recording
 * periods), voiced by its speaker; cues from unrecorded stretches are left out; a trim shifts them.
 */
export function captionsVtt(cues: CaptionCue[], manifest: RecordingManifest, trimMs: number, durationMs: number): string {
  const toReplay = (at: number): number | undefined => {
    for (const p of manifest.periods) {
      const to = p.to ?? Infinity;
      if (at >= p.from && at <= to) return p.atMs + (at - p.from) - trimMs;
    }
    return undefined;
  };
  const lines = ['WEBVTT', ''];
  for (const cue of [...cues].sort((a, b) => a.startAt - b.startAt)) {
    const start = toReplay(cue.startAt);
    const end = toReplay(cue.endAt) ?? (start !== undefined ? start + (cue.endAt - cue.startAt) : undefined);
    if (start === undefined || end === undefined || end <= 0 || start >= durationMs) continue;
    lines.push(`${vttTime(Math.max(0, start))} --> ${vttTime(Math.min(durationMs, Math.max(end, start + 1)))}`, `<v ${vttEscape(cue.speaker)}>${vttEscape(cue.text)}`, '');
  }
  return lines.join('\n');
}
