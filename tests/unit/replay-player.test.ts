// The replay page's ReplayPlayer without a browser: a stand-in media element and the API's answers.
// (Chromium plays a real replay through it in tests/e2e/replay.test.ts.)
import { describe, expect, it } from 'vitest';
import { ReplayPlayer, type ReplayMedia } from '../../src/renderer/replay/ReplayPlayer';
import type { ReplayInfo, ReplayTimeline } from '../../src/shared/replay';

class FakeMedia implements ReplayMedia {
  src = '';
  currentTime = 0;
  playbackRate = 1;
  paused = true;
  readonly #listeners = new Map<string, Set<() => void>>();
  cues: Array<{ text: string }> = [];
  readonly textTracks = Object.assign([{ mode: 'disabled', activeCues: null as ArrayLike<object> | null }], { length: 1 });
  async play() {
    this.paused = false;
    this.emit('play');
  }
  pause() {
    this.paused = true;
    this.emit('pause');
  }
  addEventListener(type: string, listener: () => void) {
    (this.#listeners.get(type) ?? this.#listeners.set(type, new Set()).get(type)!).add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.#listeners.get(type)?.delete(listener);
  }
  emit(type: string) {
    for (const l of this.#listeners.get(type) ?? []) l();
  }
}

const timeline: ReplayTimeline = {
  version: 1,
  spaceId: 's1',
  title: 'Show',
  durationMs: 60_000,
  speakers: [
    { index: 0, memberId: 'a', name: 'Ada' },
    { index: 1, memberId: 'g', name: 'Grace' },
  ],
  segments: [
    { speaker: 0, startMs: 1000, endMs: 9000 },
    { speaker: 1, startMs: 10_000, endMs: 20_000 },
    { speaker: 0, startMs: 21_000, endMs: 30_000 },
  ],
  stage: [],
  markers: [{ startMs: 20_500, title: 'Questions' }],
  chapters: [
    { startMs: 0, title: 'Show' },
    { startMs: 20_500, title: 'Questions' },
  ],
  listeners: { peak: 3, unique: 5 },
  gaps: [],
  captions: true,
};

function info(status: ReplayInfo['status']): ReplayInfo {
  return {
    spaceId: 's1', title: 'Show', hostName: 'Ada', status, liveAt: 0, endedAt: 60_000, durationMs: 60_000, trimStartMs: 0,
    ...(status === 'published' ? { audioUrl: '/api/replays/s1/audio.webm', timelineUrl: '/api/replays/s1/timeline.json' } : {}),
    peakListeners: 3, uniqueListeners: 5, retention: { mode: 'keep' }, expiresAt: null, liveClips: false, clips: [],
  };
}

/** A fetch answering from a table of path → [status, body]. */
function api(answers: Record<string, () => [number, unknown]>, calls: string[] = []): typeof fetch {
  return (async (url: string | URL | Request) => {
    const path = String(url);
    calls.push(path);
    const [status, body] = answers[path]?.() ?? [404, { error: { code: 'not_found', message: 'no' } }];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('ReplayPlayer', () => {
  it('loads a published replay: the timeline, and the audio into the element', async () => {
    const media = new FakeMedia();
    const player = new ReplayPlayer({ spaceId: 's1', media, fetch: api({ '/api/replays/s1': () => [200, info('published')], '/api/replays/s1/timeline.json': () => [200, timeline] }) });
    const state = await player.load();
    expect(state.load).toBe('ready');
    expect(media.src).toBe('/api/replays/s1/audio.webm');
    expect(state.timeline?.speakers.map((s) => s.name)).toEqual(['Ada', 'Grace']);
  });

  it('follows the playhead: who speaks, which chapter; next speaker skips the current turn', async () => {
    const media = new FakeMedia();
    const player = new ReplayPlayer({ spaceId: 's1', media, fetch: api({ '/api/replays/s1': () => [200, info('published')], '/api/replays/s1/timeline.json': () => [200, timeline] }) });
    await player.load();
    player.seek(2000);
    expect(player.state).toMatchObject({ positionMs: 2000, speaking: [0], chapter: 0 });
    expect(player.skipToNextSpeaker()).toBe(true);
    expect(media.currentTime).toBe(10);
    expect(player.state.speaking).toEqual([1]);
    player.skipToNextSpeaker();
    expect(media.currentTime).toBe(21);
    expect(player.state.chapter).toBe(1);
    expect(player.skipToNextSpeaker()).toBe(false);
    player.jumpToChapter(0);
    expect(media.currentTime).toBe(0);
    player.seek(999_999);
    expect(media.currentTime).toBe(60);
  });

  it('sets the speed on the element, plays and pauses', async () => {
    const media = new FakeMedia();
    const player = new ReplayPlayer({ spaceId: 's1', media, fetch: api({ '/api/replays/s1': () => [200, info('published')], '/api/replays/s1/timeline.json': () => [200, timeline] }) });
    await player.load();
    player.setSpeed(1.5);
    expect(media.playbackRate).toBe(1.5);
    await player.toggle();
    expect(player.state.playing).toBe(true);
    await player.toggle();
    expect(player.state).toMatchObject({ playing: false, speed: 1.5 });
  });

  it('shows the caption at the playhead with its speaker, only while captions are on', async () => {
    const media = new FakeMedia();
    const player = new ReplayPlayer({ spaceId: 's1', media, fetch: api({ '/api/replays/s1': () => [200, info('published')], '/api/replays/s1/timeline.json': () => [200, timeline] }) });
    await player.load();
    media.textTracks[0]!.activeCues = [{ text: '<v Grace>Hello there' }];
    player.seek(11_000);
    expect(player.state.caption).toBeUndefined();
    player.setCaptions(true);
    expect(media.textTracks[0]!.mode).toBe('hidden');
    expect(player.state.caption).toEqual({ speaker: 'Grace', text: 'Hello there' });
    player.setCaptions(false);
    expect(player.state.caption).toBeUndefined();
    expect(media.textTracks[0]!.mode).toBe('disabled');
  });

  it('waits for a replay being published, and says why one is refused or missing', async () => {
    let status: ReplayInfo['status'] = 'processing';
    const media = new FakeMedia();
    const player = new ReplayPlayer({ spaceId: 's1', media, fetch: api({ '/api/replays/s1': () => [200, info(status)], '/api/replays/s1/timeline.json': () => [200, timeline] }) });
    expect((await player.load()).load).toBe('processing');
    status = 'published';
    await new Promise<void>((resolve) => player.on('change', (s) => s.load === 'ready' && resolve()));
    player.close();
    const refused = new ReplayPlayer({ spaceId: 's1', media: new FakeMedia(), fetch: api({ '/api/replays/s1': () => [402, { error: { code: 'ticket_required', message: 'this replay is for ticket holders' } }] }) });
    expect(await refused.load()).toMatchObject({ load: 'refused', message: 'This replay is not open to you: this replay is for ticket holders.' });
    const missing = new ReplayPlayer({ spaceId: 'nope', media: new FakeMedia(), fetch: api({}) });
    expect((await missing.load()).load).toBe('missing');
  }, 10_000);

  it('cuts a clip at the playhead and lists it', async () => {
    const calls: string[] = [];
    const media = new FakeMedia();
    const clip = { id: 'c1', spaceId: 's1', title: 'Show: clip', startMs: 12_000, durationMs: 30_000, createdAt: 1, fromLive: false, pagePath: '/clip/c1', audioUrl: '/api/clips/c1/audio.webm' };
    const player = new ReplayPlayer({
      spaceId: 's1',
      media,
      fetch: api({ '/api/replays/s1': () => [200, info('published')], '/api/replays/s1/timeline.json': () => [200, timeline], '/api/replays/s1/clips': () => [201, clip] }, calls),
    });
    await player.load();
    player.seek(12_000);
    expect(await player.clip()).toEqual(clip);
    expect(player.state.info?.clips).toEqual([clip]);
  });
});
