// SpeakerQueue: the rules of raised hands and the hosts' answers, on a real mediasoup router. The order
// itself (positions, moves, wait estimates) has its own unit test (queue-order.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spaceContext, type SpaceContext } from '../support/spaceContext';

const FIGURES = { peakDb: -3, speechDb: -18, noiseFloorDb: -62, clippedShare: 0, durationMs: 3000 };

describe('SpeakerQueue', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext({ policy: { maxSpeakers: 1 } }));
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('queue.raise() lines listeners up in order; someone on stage cannot raise a hand', () => {
    const host = ctx.join('Host', 'host');
    const [ann, bob] = ['ann', 'bob'].map((n) => ctx.join(n));
    expect(ctx.space.queue.raise(ann!)).toBe(1);
    expect(ctx.space.queue.raise(bob!)).toBe(2);
    expect(ctx.space.queue.raise(ann!)).toBe(1);
    expect(() => ctx.space.queue.raise(host)).toThrow('you are already on stage');
    expect(ctx.space.queue.entries().map((h) => h.memberId)).toEqual([ann!.id, bob!.id]);
  });

  it('with "only invited", only listeners allowed to ask may raise a hand', () => {
    ctx.join('Host', 'host');
    ctx.space.setRequestPolicy('invited');
    const plain = ctx.join('plain');
    const guest = ctx.join('guest', 'listener', { canRequest: true });
    expect(ctx.space.queue.mayRequest(plain)).toBe(false);
    expect(() => ctx.space.queue.raise(plain)).toThrow(expect.objectContaining({ code: 'forbidden', message: expect.stringContaining('invited') }));
    expect(ctx.space.queue.raise(guest)).toBe(1);
  });

  it('queue.lower() takes a hand down; one that is not up is a conflict', () => {
    const ann = ctx.join('ann');
    ctx.space.queue.raise(ann);
    ctx.space.queue.lower(ann);
    expect(ctx.space.queue.length).toBe(0);
    expect(() => ctx.space.queue.lower(ann)).toThrow('your hand is not raised');
  });

  it('queue.recordMicCheck() rates the figures on the server, for a raised hand only', () => {
    const ann = ctx.join('ann');
    expect(() => ctx.space.queue.recordMicCheck(ann, FIGURES)).toThrow('raise your hand first');
    ctx.space.queue.raise(ann);
    expect(ctx.space.queue.recordMicCheck(ann, { ...FIGURES, clippedShare: 0.2 })).toMatchObject({ quality: 'clipping' });
    expect(ctx.space.queue.recordMicCheck(ann, FIGURES)).toMatchObject({ quality: 'good', speechDb: -18 });
    expect(ann.micCheck?.quality).toBe('good');
  });

  it('queue.approve() brings a raised hand on stage, announced as approved by the host', () => {
    const host = ctx.join('Host', 'host');
    const [ann, bob] = ['ann', 'bob'].map((n) => ctx.join(n));
    expect(() => ctx.space.queue.approve(host, ann!)).toThrow('ann has not asked to speak');
    ctx.space.queue.raise(ann!);
    ctx.space.queue.raise(bob!);
    ctx.space.queue.approve(host, ann!);
    expect(ann!.role).toBe('speaker');
    expect(ctx.space.queue.entries().map((h) => h.memberId)).toEqual([bob!.id]);
    expect(ctx.pushed(bob!, 'stage.changed').at(-1)).toMatchObject({ memberId: ann!.id, cause: 'approved', by: host.id });
    // The one speaker seat is taken: approving refuses and leaves the hand where it was.
    expect(() => ctx.space.queue.approve(host, bob!)).toThrow(expect.objectContaining({ code: 'stage_full' }));
    expect([bob!.role, ctx.space.queue.has(bob!.id)]).toEqual(['listener', true]);
  });

  it('queue.approveNext() approves whoever is first now, after any reorder, and says who', () => {
    const host = ctx.join('Host', 'host');
    const [ann, bob] = ['ann', 'bob'].map((n) => ctx.join(n));
    expect(() => ctx.space.queue.approveNext(host)).toThrow(expect.objectContaining({ code: 'conflict', message: 'nobody is waiting to speak' }));
    ctx.space.queue.raise(ann!);
    ctx.space.queue.raise(bob!);
    expect(ctx.space.queue.move(host, bob!, 'up')).toBe(1);
    expect(ctx.space.queue.approveNext(host)).toBe(bob);
    expect([bob!.role, ann!.role]).toEqual(['speaker', 'listener']);
  });

  it('queue.decline() takes the hand down and counts a turn for the wait estimate', () => {
    const host = ctx.join('Host', 'host');
    const [ann, bob, cat] = ['ann', 'bob', 'cat'].map((n) => ctx.join(n));
    for (const m of [ann!, bob!, cat!]) ctx.space.queue.raise(m);
    const waitBefore = ctx.space.queue.hand(cat!.id, Date.now())!;
    expect(waitBefore.position).toBe(3);
    ctx.space.queue.decline(host, ann!);
    const waitAfter = ctx.space.queue.hand(cat!.id, Date.now())!;
    expect(waitAfter.position).toBe(2);
    expect(waitAfter.estimatedWaitMs).toBeLessThan(waitBefore.estimatedWaitMs);
    expect(ann!.role).toBe('listener');
    expect(() => ctx.space.queue.decline(host, ann!)).toThrow('ann has not asked to speak');
    expect(ctx.space.queue.hand(ann!.id, Date.now())).toBeNull();
  });

  it('queue.move() on a hand that is not up is a conflict', () => {
    const host = ctx.join('Host', 'host');
    const ann = ctx.join('ann');
    expect(() => ctx.space.queue.move(host, ann, 'down')).toThrow('ann has not asked to speak');
  });
});
