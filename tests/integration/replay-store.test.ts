// The replays' rows (migration 0400) on both databases: a replay's record and its clips read back as
// they were saved, saving again updates in place, deleting a replay deletes its clips, and a replay
// belongs to a Space the store knows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClipRecord, ReplayRecord } from '../../src/server/replay/ReplayStore';
import type { Store } from '../../src/server/store/Store';
import { openTestStore, STORE_KINDS, type TestStoreTarget } from '../support/store';

const NOW = 1_700_000_000_000;

describe.each(STORE_KINDS)('replays in the store on %s', (kind) => {
  let ctx: { store: Store; place: TestStoreTarget; cleanup(): Promise<void> };

  beforeEach(async () => {
    ctx = await openTestStore(kind);
    for (const id of ['s1', 's2']) {
      await ctx.store.repos.spaces.create(
        {
          id,
          title: `Show ${id}`,
          hostUserId: 'acc-host',
          status: 'live',
          policy: { requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
          queue: [],
          talkTimeMs: {},
          createdAt: NOW,
          startedAt: NOW,
          endedAt: null,
          endReason: null,
        },
        NOW,
      );
    }
  });
  afterEach(async () => {
    await ctx.cleanup();
  });

  const replay = (spaceId: string): ReplayRecord => ({
    spaceId,
    title: `Show ${spaceId}`,
    hostUserId: 'acc-host',
    hostName: 'Ada',
    status: 'recording',
    liveAt: NOW,
    endedAt: null,
    durationMs: 0,
    trimStartMs: 0,
    retention: { mode: 'days', days: 30 },
    liveClips: false,
    ticketed: false,
    peakListeners: 0,
    uniqueListeners: 0,
  });
  const clip = (id: string, spaceId: string, createdAt: number): ClipRecord => ({
    id,
    spaceId,
    title: `Clip ${id}`,
    startMs: 1500,
    durationMs: 30_000,
    createdAt,
    fromLive: id.endsWith('live'),
    createdBy: id === 'c1' ? 'user-lee' : null,
  });

  it('replays.saveReplay() keeps a record as given and a second save updates it in place', async () => {
    const replays = ctx.store.repos.replays;
    await replays.saveReplay(replay('s1'));
    expect(await replays.getReplay('s1')).toEqual(replay('s1'));
    const published: ReplayRecord = {
      ...replay('s1'),
      status: 'published',
      endedAt: NOW + 3_600_000,
      durationMs: 3_599_950,
      trimStartMs: 12_000,
      retention: { mode: 'keep' },
      liveClips: true,
      ticketed: true,
      peakListeners: 1200,
      uniqueListeners: 4321,
      publishMs: 41_234,
    };
    await replays.saveReplay(published);
    expect(await replays.getReplay('s1')).toEqual(published);
    await replays.saveReplay({ ...replay('s2'), status: 'failed', error: 'ffmpeg exited with code 1' });
    expect((await replays.listReplays()).map((r) => [r.spaceId, r.status, r.error])).toEqual([
      ['s1', 'published', undefined],
      ['s2', 'failed', 'ffmpeg exited with code 1'],
    ]);
    expect(await replays.getReplay('nope')).toBeUndefined();
  });

  it('clips are listed per replay in the order they were cut, and deleting a replay deletes its clips', async () => {
    const replays = ctx.store.repos.replays;
    await replays.saveReplay(replay('s1'));
    await replays.saveReplay(replay('s2'));
    await replays.saveClip(clip('c2', 's1', NOW + 2));
    await replays.saveClip(clip('c1', 's1', NOW + 1));
    await replays.saveClip(clip('c3-live', 's2', NOW + 3));
    expect(await replays.listClips('s1')).toEqual([clip('c1', 's1', NOW + 1), clip('c2', 's1', NOW + 2)]);
    expect(await replays.getClip('c3-live')).toEqual(clip('c3-live', 's2', NOW + 3));
    await replays.deleteClip('c2');
    expect((await replays.listClips('s1')).map((c) => c.id)).toEqual(['c1']);
    await replays.deleteReplay('s1');
    expect(await replays.getReplay('s1')).toBeUndefined();
    expect(await replays.getClip('c1')).toBeUndefined();
    expect((await replays.listClips('s2')).map((c) => c.id)).toEqual(['c3-live']);
  });

  it('a replay belongs to a Space the store knows, and a clip to a replay', async () => {
    const replays = ctx.store.repos.replays;
    await expect(replays.saveReplay(replay('unknown-space'))).rejects.toThrow();
    await expect(replays.saveClip(clip('orphan', 's1', NOW))).rejects.toThrow();
    expect(await replays.listReplays()).toEqual([]);
  });
});
