// Moderation: muting people on stage (real mediasoup producers pause), removing someone from the Space,
// blocking and reporting. A real mediasoup worker and router; members joined directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spaceContext, type SpaceContext } from '../support/spaceContext';

describe('Moderation', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext());
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('moderation.mute() pauses the producer of someone on stage; a listener cannot be muted', async () => {
    const host = ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    const lee = ctx.join('lee');
    const producer = await ctx.produce(sam);
    await ctx.space.moderation.mute(host, sam);
    expect([sam.muted, producer.paused]).toEqual([true, true]);
    await expect(ctx.space.moderation.mute(host, lee)).rejects.toMatchObject({ code: 'conflict', message: 'lee is not on stage' });
  });

  it('moderation.muteAll() from a co-host mutes the speakers only, and says how many', async () => {
    const host = ctx.join('Host', 'host');
    const co = ctx.join('co', 'cohost');
    const co2 = ctx.join('co2', 'cohost');
    const [s1, s2] = [ctx.join('s1', 'speaker'), ctx.join('s2', 'speaker')];
    const producers = await Promise.all([host, co2, s1, s2].map((m) => ctx.produce(m)));
    expect(await ctx.space.moderation.muteAll(co)).toBe(2);
    expect(producers.map((p) => p.paused)).toEqual([false, false, true, true]);
    expect([host, co, co2, s1, s2].map((m) => m.muted)).toEqual([false, false, false, true, true]);
    // The host mutes the co-hosts too; people already muted are not counted again.
    expect(await ctx.space.moderation.muteAll(host)).toBe(2);
    expect([host, co, co2, s1, s2].map((m) => m.muted)).toEqual([false, true, true, true, true]);
  });

  it('moderation.removeFromSpace() tells them, takes them out for good and announces it', async () => {
    const host = ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    const producer = await ctx.produce(sam);
    ctx.space.moderation.removeFromSpace(host, sam);
    expect(ctx.pushed(sam, 'space.removed')).toEqual([{ reason: 'a host removed you from this space' }]);
    expect([sam.closed, producer.closed]).toEqual([true, true]);
    expect(ctx.space.member(sam.id)).toBeUndefined();
    expect(ctx.pushed(host, 'stage.changed').at(-1)).toMatchObject({ memberId: sam.id, from: 'speaker', to: null, cause: 'removed', by: host.id });
    expect(() => ctx.join('sam again', 'listener', { userId: 'sam' })).toThrow('you were removed from this space');
  });

  it('moderation.block() by the host removes them and keeps them out of the host’s spaces; by a listener, only blocks', () => {
    const host = ctx.join('Host', 'host');
    const lee = ctx.join('lee');
    const troll = ctx.join('troll');
    ctx.space.moderation.block(lee, troll);
    expect(ctx.store.blockList('lee')).toEqual([{ userId: 'troll', displayName: 'troll' }]);
    expect(ctx.space.member(troll.id)).toBe(troll);
    ctx.space.moderation.block(host, troll);
    expect(ctx.pushed(troll, 'space.removed')).toEqual([{ reason: 'the host has blocked you' }]);
    expect(ctx.space.member(troll.id)).toBeUndefined();
    expect(ctx.store.isBlocked('Host', 'troll')).toBe(true);
  });

  it('moderation.report() keeps who reported whom, where and why', () => {
    const lee = ctx.join('lee');
    const troll = ctx.join('troll');
    const id = ctx.space.moderation.report(lee, troll, 'shouting slurs');
    expect(ctx.store.reports()).toEqual([
      expect.objectContaining({
        id,
        spaceId: 'space-under-test',
        spaceTitle: 'Under test',
        reporter: { userId: 'lee', displayName: 'lee' },
        reported: { userId: 'troll', displayName: 'troll' },
        reason: 'shouting slurs',
      }),
    ]);
  });
});
