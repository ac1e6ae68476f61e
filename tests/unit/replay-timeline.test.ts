// The replay's timeline from what the recorder wrote: speech stretches, stage changes, chapters, the
// audience, gaps; a trim; captions moved onto the replay's clock; where "next speaker" jumps.
import { describe, expect, it } from 'vitest';
import { nextSpeakerStart, type SpeechSegment } from '../../src/shared/replay';
import type { RecordingEvent, RecordingManifest } from '../../src/server/replay/RecordingFolder';
import { buildTimeline, captionsVtt, trimTimeline } from '../../src/server/replay/timeline';

const T0 = 1_700_000_000_000;
const manifest: RecordingManifest = {
  version: 1,
  spaceId: 'abc',
  title: 'Morning show',
  liveAt: T0,
  periods: [
    { from: T0, to: T0 + 10_000, atMs: 0, after: 'start' },
    // Paused for 5 s, then recorded again from 10 s on the replay's clock.
    { from: T0 + 15_000, to: T0 + 30_000, atMs: 10_000, after: 'paused' },
  ],
  tracks: [
    { index: 0, memberId: 'm-ada', name: 'Ada', file: 'speaker-0.opus' },
    { index: 1, memberId: 'm-grace', name: 'Grace', file: 'speaker-1.opus' },
  ],
  finished: { atMs: 25_000, stereo: false },
};

const events: RecordingEvent[] = [
  { type: 'stage', atMs: 0, memberId: 'm-ada', name: 'Ada', change: 'joined', role: 'host' },
  { type: 'speech', atMs: 500, track: 0, edge: 'start' },
  { type: 'speech', atMs: 4000, track: 0, edge: 'end' },
  { type: 'speech', atMs: 4100, track: 0, edge: 'start' },
  { type: 'speech', atMs: 4150, track: 0, edge: 'end' }, // a click: dropped
  { type: 'audience', atMs: 1000, listening: 3, unique: 3 },
  { type: 'stage', atMs: 6000, memberId: 'm-grace', name: 'Grace', change: 'joined', role: 'speaker', cause: 'approved' },
  { type: 'speech', atMs: 6500, track: 1, edge: 'start' },
  // Open when the host paused: it ends where the next period starts.
  { type: 'audience', atMs: 7000, listening: 5, unique: 6 },
  { type: 'marker', atMs: 12_000, title: 'Questions' },
  { type: 'tick', atMs: 13_000 },
  { type: 'speech', atMs: 14_000, track: 0, edge: 'start' },
  { type: 'audience', atMs: 15_000, listening: 2, unique: 7 },
];

describe('buildTimeline', () => {
  const timeline = buildTimeline(manifest, events, 25_000, false);

  it('pairs speech edges into stretches; an open one ends at the next period, or at the end', () => {
    expect(timeline.segments).toEqual([
      { speaker: 0, startMs: 500, endMs: 4000 },
      { speaker: 1, startMs: 6500, endMs: 10_000 },
      { speaker: 0, startMs: 14_000, endMs: 25_000 },
    ]);
  });

  it('names the speakers, keeps stage changes with their cause, and the audience figures', () => {
    expect(timeline.speakers.map((s) => s.name)).toEqual(['Ada', 'Grace']);
    expect(timeline.stage[1]).toEqual({ atMs: 6000, memberId: 'm-grace', name: 'Grace', change: 'joined', role: 'speaker', cause: 'approved' });
    expect(timeline.listeners).toEqual({ peak: 5, unique: 7 });
  });

  it('makes chapters from markers after an opening chapter with the title, and marks the pause', () => {
    expect(timeline.chapters).toEqual([{ startMs: 0, title: 'Morning show' }, { startMs: 12_000, title: 'Questions' }]);
    expect(timeline.gaps).toEqual([{ atMs: 10_000, missedMs: 5000, why: 'paused' }]);
  });

  it('a marker in the first second renames the opening chapter', () => {
    const early = buildTimeline(manifest, [{ type: 'marker', atMs: 200, title: 'Intro' }], 25_000, false);
    expect(early.chapters).toEqual([{ startMs: 0, title: 'Intro' }]);
  });
});

describe('trimTimeline', () => {
  it('shifts everything by the trim, drops what ended before it, and opens with the chapter running there', () => {
    const timeline = buildTimeline(manifest, events, 25_000, false);
    const trimmed = trimTimeline(timeline, 13_000);
    expect(trimmed.durationMs).toBe(12_000);
    expect(trimmed.segments).toEqual([{ speaker: 0, startMs: 1000, endMs: 12_000 }]);
    expect(trimmed.chapters).toEqual([{ startMs: 0, title: 'Questions' }]);
    expect(trimmed.gaps).toEqual([]);
    expect(trimTimeline(timeline, 0)).toBe(timeline);
  });
});

describe('captionsVtt', () => {
  it('moves cues onto the replay clock through the periods, voices them, and leaves out unrecorded ones', () => {
    const vtt = captionsVtt(
      [
        { startAt: T0 + 1000, endAt: T0 + 2500, speaker: 'Ada', text: 'Good morning <everyone>' },
        { startAt: T0 + 12_000, endAt: T0 + 13_000, speaker: 'Grace', text: 'said while paused' },
        { startAt: T0 + 16_000, endAt: T0 + 17_000, speaker: 'Grace', text: 'Thanks & hello' },
      ],
      manifest,
      0,
      25_000,
    );
    expect(vtt).toBe(
      ['WEBVTT', '', '00:00:01.000 --> 00:00:02.500', '<v Ada>Good morning &lt;everyone&gt;', '', '00:00:11.000 --> 00:00:12.000', '<v Grace>Thanks &amp; hello', ''].join('\n'),
    );
  });

  it('shifts cues by a trim', () => {
    const vtt = captionsVtt([{ startAt: T0 + 16_000, endAt: T0 + 17_000, speaker: 'Grace', text: 'Hi' }], manifest, 10_500, 14_500);
    expect(vtt).toContain('00:00:00.500 --> 00:00:01.500');
  });
});

describe('nextSpeakerStart', () => {
  const segments: SpeechSegment[] = [
    { speaker: 0, startMs: 0, endMs: 3000 },
    { speaker: 0, startMs: 4000, endMs: 6000 },
    { speaker: 1, startMs: 7000, endMs: 9000 },
    { speaker: 1, startMs: 9500, endMs: 10_000 },
    { speaker: 0, startMs: 11_000, endMs: 12_000 },
  ];

  it('skips the rest of the current speaker’s turn to the next person’s first words', () => {
    expect(nextSpeakerStart(segments, 1000)?.startMs).toBe(7000);
    expect(nextSpeakerStart(segments, 3500)?.startMs).toBe(7000); // a pause inside Ada's turn
    expect(nextSpeakerStart(segments, 7500)?.startMs).toBe(11_000);
  });

  it('before anyone spoke, jumps to the first speech; after the last speaker, there is none', () => {
    expect(nextSpeakerStart([{ speaker: 0, startMs: 2000, endMs: 3000 }], 0)?.startMs).toBe(2000);
    expect(nextSpeakerStart(segments, 11_500)).toBeUndefined();
  });
});
