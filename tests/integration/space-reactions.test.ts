// Reactions: folded into one burst per quarter second for everyone, limited per member. A real
// mediasoup worker and router; members joined directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REACTION_BROADCAST_MS } from '../../src/server/Reactions';
import { spaceContext, type SpaceContext } from '../support/spaceContext';

const settle = () => new Promise((resolve) => setTimeout(resolve, REACTION_BROADCAST_MS + 100));

describe('Reactions', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext());
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('reactions.react() from several people reaches everyone as one burst, counted by emoji with names', async () => {
    const host = ctx.join('Host', 'host');
    const [ann, bob] = ['ann', 'bob'].map((n) => ctx.join(n));
    ctx.space.reactions.react(ann!, '🔥');
    ctx.space.reactions.react(bob!, '🔥');
    ctx.space.reactions.react(bob!, '👏');
    expect(ctx.pushed(host, 'space.reactions')).toEqual([]);
    await settle();
    const expected = {
      counts: { '🔥': 2, '👏': 1 },
      recent: [{ displayName: 'ann', reaction: '🔥' }, { displayName: 'bob', reaction: '🔥' }, { displayName: 'bob', reaction: '👏' }],
    };
    for (const member of [host, ann!, bob!]) expect(ctx.pushed(member, 'space.reactions')).toEqual([expected]);
  });

  it('a member sending too fast is refused with rate_limited; a burst keeps the latest eight names', async () => {
    const host = ctx.join('Host', 'host');
    const fans = Array.from({ length: 10 }, (_, i) => ctx.join(`fan${i}`));
    const eager = ctx.join('eager');
    for (const fan of fans) ctx.space.reactions.react(fan, '❤️');
    let refused = 0;
    for (let i = 0; i < 10; i++) {
      try {
        ctx.space.reactions.react(eager, '😂');
      } catch (error) {
        expect(error).toMatchObject({ code: 'rate_limited' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(4);
    await settle();
    const [burst] = ctx.pushed(host, 'space.reactions');
    expect(burst!.counts).toEqual({ '❤️': 10, '😂': 10 - refused });
    expect(burst!.recent).toHaveLength(8);
    expect(burst!.recent.at(-1)).toEqual({ displayName: 'eager', reaction: '😂' });
  });

  it('reactions.close() drops a burst still waiting, so an ended Space sends nothing more', async () => {
    const host = ctx.join('Host', 'host');
    ctx.space.reactions.react(ctx.join('ann'), '👍');
    ctx.space.reactions.close();
    await settle();
    expect(ctx.pushed(host, 'space.reactions')).toEqual([]);
  });
});
