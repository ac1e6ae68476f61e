// Stage: who holds which role, the seats, every way on and off, and the announcements of each change.
// A real mediasoup worker and router; members joined directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spaceContext, type SpaceContext } from '../support/spaceContext';

describe('Stage', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext({ policy: { maxSpeakers: 2, maxCohosts: 1 } }));
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('stage.move() announces who, from, to, why and by whom to everyone at once, numbered', () => {
    const host = ctx.join('Host', 'host');
    const ann = ctx.join('ann');
    const lee = ctx.join('lee');
    ctx.clearPushed();
    ctx.space.stage.move(ann, 'speaker', 'approved', host.id);
    const expected = { seq: 2, memberId: ann.id, displayName: 'ann', from: 'listener', to: 'speaker', cause: 'approved', by: host.id };
    for (const member of [host, ann, lee]) expect(ctx.pushed(member, 'stage.changed')).toEqual([expect.objectContaining(expected)]);
    expect(ctx.space.stage.seq).toBe(2);
    expect(ann.role).toBe('speaker');
  });

  it('stage.entered() announces the host coming in; a listener joining or leaving is no Stage change', () => {
    const host = ctx.join('Host', 'host');
    expect(ctx.pushed(host, 'stage.changed')).toEqual([expect.objectContaining({ memberId: host.id, from: null, to: 'host', cause: 'joined', by: host.id })]);
    const lee = ctx.join('lee');
    ctx.space.membership.leave(lee);
    expect(ctx.pushed(host, 'stage.changed')).toHaveLength(1);
  });

  it('coming on stage clears the hand and the invitation; going back closes the audio and resets the mute', async () => {
    const host = ctx.join('Host', 'host');
    const ann = ctx.join('ann');
    ctx.space.queue.raise(ann);
    ctx.space.stage.invite(host, ann, 'speaker');
    ctx.space.stage.move(ann, 'speaker', 'approved', host.id);
    expect(ctx.space.queue.has(ann.id)).toBe(false);
    expect(ann.invitation).toBeNull();
    const producer = await ctx.produce(ann);
    await ctx.space.stage.setMuted(ann, true);
    expect(producer.paused).toBe(true);
    ctx.space.stage.moveToAudience(host, ann);
    expect(producer.closed).toBe(true);
    expect(ann.muted).toBe(false);
    expect(ctx.pushed(host, 'stage.changed').at(-1)).toMatchObject({ from: 'speaker', to: 'listener', cause: 'moved_to_audience', by: host.id });
  });

  it('stage.assertRoomFor() refuses a seat when the stage is full, saying how many there are', () => {
    const host = ctx.join('Host', 'host');
    const [a, b, c] = ['a', 'b', 'c'].map((n) => ctx.join(n));
    ctx.space.stage.move(a!, 'speaker', 'invited', host.id);
    ctx.space.stage.move(b!, 'speaker', 'invited', host.id);
    expect(() => ctx.space.stage.assertRoomFor('speaker')).toThrow('the stage is full (2 speakers); move someone to the audience first');
    expect(() => ctx.space.stage.invite(host, c!, 'speaker')).toThrow(expect.objectContaining({ code: 'stage_full' }));
    ctx.space.stage.promote(host, a!);
    expect(() => ctx.space.stage.promote(host, b!)).toThrow('there are already 1 co-hosts');
  });

  it('an invitation accepted is announced as invited, by whoever invited; declined, nothing changes', () => {
    const host = ctx.join('Host', 'host');
    const co = ctx.join('co', 'cohost');
    const yes = ctx.join('yes');
    const no = ctx.join('no');
    expect(() => ctx.space.stage.invite(co, yes, 'cohost')).toThrow('only the host invites co-hosts');
    ctx.space.stage.invite(co, yes, 'speaker');
    ctx.space.stage.invite(host, no, 'speaker');
    expect(yes.invitation).toEqual({ as: 'speaker', from: 'co' });
    expect(yes.canRequest).toBe(true);
    ctx.clearPushed();
    ctx.space.stage.answerInvitation(yes, true);
    ctx.space.stage.answerInvitation(no, false);
    expect(ctx.pushed(host, 'stage.changed')).toEqual([expect.objectContaining({ memberId: yes.id, cause: 'invited', by: co.id })]);
    expect(no.role).toBe('listener');
    expect(no.invitation).toBeNull();
    expect(() => ctx.space.stage.answerInvitation(no, true)).toThrow('you have no invitation to answer');
  });

  it('a demoted co-host stays on stage when a speaker seat is free, else goes to the audience', () => {
    const host = ctx.join('Host', 'host');
    const [co, s1, s2] = ['co', 's1', 's2'].map((n) => ctx.join(n));
    ctx.space.stage.move(co!, 'cohost', 'invited', host.id);
    ctx.space.stage.move(s1!, 'speaker', 'invited', host.id);
    ctx.space.stage.demote(host, co!);
    expect(co!.role).toBe('speaker');
    ctx.space.stage.promote(host, co!);
    ctx.space.stage.move(s2!, 'speaker', 'invited', host.id);
    ctx.space.stage.demote(host, co!);
    expect(co!.role).toBe('listener');
    expect(ctx.pushed(host, 'stage.changed').at(-1)).toMatchObject({ from: 'cohost', to: 'listener', cause: 'demoted' });
    expect(() => ctx.space.stage.demote(host, s1!)).toThrow('s1 is not a co-host');
  });

  it('handing over the host role announces both people; it goes only to a co-host', () => {
    const host = ctx.join('Host', 'host');
    const co = ctx.join('co', 'cohost');
    const sam = ctx.join('sam', 'speaker');
    expect(() => ctx.space.stage.transferHost(host, sam)).toThrow('the host role goes to a co-host');
    ctx.clearPushed();
    ctx.space.stage.transferHost(host, co);
    expect(ctx.pushed(sam, 'stage.changed').map((c) => [c.displayName, c.from, c.to, c.cause, c.by])).toEqual([
      ['co', 'cohost', 'host', 'host_transferred', host.id],
      ['Host', 'host', 'cohost', 'host_transferred', host.id],
    ]);
    expect([host.role, co.role]).toEqual(['cohost', 'host']);
  });

  it('stage.members() lists the host, then co-hosts, then speakers in the order they came on', () => {
    const host = ctx.join('Host', 'host');
    const [b, a, c] = ['b', 'a', 'c'].map((n) => ctx.join(n));
    ctx.space.stage.move(b!, 'speaker', 'invited', host.id);
    ctx.space.stage.move(a!, 'speaker', 'invited', host.id);
    ctx.space.stage.move(c!, 'cohost', 'invited', host.id);
    expect(ctx.space.stage.members().map((m) => m.displayName)).toEqual(['Host', 'c', 'b', 'a']);
  });

  it('stage.changesSince() gives what came after a number, and keeps the latest 500', () => {
    const host = ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    const first = ctx.space.stage.seq;
    for (let i = 0; i < 300; i++) {
      ctx.space.stage.promote(host, sam);
      ctx.space.stage.demote(host, sam);
    }
    expect(ctx.space.stage.seq).toBe(first + 600);
    expect(ctx.space.stage.changesSince(first + 598).map((c) => c.cause)).toEqual(['promoted', 'demoted']);
    const kept = ctx.space.stage.changesSince(0);
    expect(kept).toHaveLength(500);
    expect(kept[0]!.seq).toBe(first + 101);
    expect(kept.at(-1)!.seq).toBe(first + 600);
  });
});
