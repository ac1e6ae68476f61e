// Membership: who is in a Space. Joining (bans and block lists at the door), the grace period of a
// dropped connection and resuming within it, leaving, and the host's succession. A real mediasoup
// worker and router; members joined directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Member } from '../../src/server/Member';
import { eventually } from '../support/fakeRoom';
import { spaceContext, type SpaceContext } from '../support/spaceContext';

describe('Membership', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext({ graceMs: 200 }));
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('membership.join() admits people with the role their token gave, and refuses a second host', () => {
    const host = ctx.join('Host', 'host');
    const lee = ctx.join('lee');
    expect(ctx.space.members().map((m) => [m.displayName, m.role])).toEqual([['Host', 'host'], ['lee', 'listener']]);
    expect(host.stageSince).toBeGreaterThan(0);
    expect(lee.stageSince).toBe(0);
    expect(() => ctx.join('Host again', 'host')).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(ctx.space.members()).toHaveLength(2);
  });

  it('membership.join() keeps out the banned and those on the host’s block list', () => {
    ctx.join('Host', 'host');
    ctx.space.membership.ban('eve');
    expect(() => ctx.join('Eve', 'listener', { userId: 'eve' })).toThrow(expect.objectContaining({ code: 'banned', message: 'you were removed from this space' }));
    ctx.store.block('Host', { userId: 'mallory', displayName: 'Mallory' });
    expect(() => ctx.join('Mallory', 'listener', { userId: 'mallory' })).toThrow('the host has blocked you');
    expect(ctx.space.members()).toHaveLength(1);
  });

  it('a dropped member keeps their place for the grace period and comes back with it', async () => {
    ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    await ctx.space.stage.setMuted(sam, true);
    ctx.space.membership.disconnect(sam, sam.attachment);
    expect(sam.connected).toBe(false);
    expect(ctx.space.member(sam.id)).toBe(sam);
    const pushedAgain: string[] = [];
    const attachment = ctx.space.membership.resume(sam, (event) => pushedAgain.push(event));
    expect(attachment).toBe(2);
    expect([sam.connected, sam.role, sam.muted]).toEqual([true, 'speaker', true]);
    // The grace timer was cancelled: still here well after it would have run out.
    await new Promise((r) => setTimeout(r, 300));
    expect(ctx.space.member(sam.id)).toBe(sam);
  });

  it('a stale connection closing late cannot detach a member who already resumed', () => {
    const lee = ctx.join('lee');
    const first = lee.attachment;
    ctx.space.membership.resume(lee, () => undefined);
    ctx.space.membership.disconnect(lee, first);
    expect(lee.connected).toBe(true);
  });

  it('a member who does not come back in time is gone; on stage, that is announced as dropped', async () => {
    const host = ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    const lee = ctx.join('lee');
    const left: Member[] = [];
    ctx.space.on('memberleft', (m) => left.push(m));
    ctx.space.membership.disconnect(sam, sam.attachment);
    ctx.space.membership.disconnect(lee, lee.attachment);
    await eventually(() => expect(ctx.space.members()).toEqual([host]), 2000);
    expect(left.map((m) => m.displayName).sort()).toEqual(['lee', 'sam']);
    expect(sam.closed).toBe(true);
    expect(ctx.pushed(host, 'stage.changed').at(-1)).toMatchObject({ memberId: sam.id, from: 'speaker', to: null, cause: 'dropped', by: null });
  });

  it('the host away shows until they return; a host who leaves hands over to the longest-serving co-host', async () => {
    const host = ctx.join('Host', 'host');
    const first = ctx.join('first', 'cohost');
    await new Promise((r) => setTimeout(r, 5));
    const second = ctx.join('second', 'cohost');
    ctx.space.membership.disconnect(host, host.attachment);
    expect(ctx.space.membership.hostAwayUntil).toBeGreaterThan(Date.now());
    ctx.space.membership.resume(host, () => undefined);
    expect(ctx.space.membership.hostAwayUntil).toBeNull();
    ctx.clearPushed();
    ctx.space.membership.leave(host);
    expect([first.role, second.role]).toEqual(['host', 'cohost']);
    expect(ctx.pushed(second, 'stage.changed').map((c) => [c.displayName, c.from, c.to, c.cause, c.by])).toEqual([
      ['first', 'cohost', 'host', 'succession', null],
      ['Host', 'host', null, 'left', host.id],
    ]);
    expect(ctx.space.status).toBe('live');
  });

  it('a connected co-host is preferred as successor over one who is away', () => {
    const host = ctx.join('Host', 'host');
    const away = ctx.join('away', 'cohost');
    const here = ctx.join('here', 'cohost');
    ctx.space.membership.disconnect(away, away.attachment);
    ctx.space.membership.leave(host);
    expect([away.role, here.role]).toEqual(['cohost', 'host']);
  });

  it('a host who leaves with no co-host ends the Space, telling everyone why', () => {
    const host = ctx.join('Host', 'host');
    const lee = ctx.join('lee');
    ctx.space.membership.leave(host);
    expect(ctx.space.status).toBe('ended');
    expect(ctx.pushed(lee, 'space.ended')).toEqual([{ reason: 'the host left' }]);
    expect(lee.closed).toBe(true);
    expect(ctx.space.router.closed).toBe(true);
  });

  it('membership.remove() takes the hand down and closes the member', () => {
    ctx.join('Host', 'host');
    const lee = ctx.join('lee');
    ctx.space.queue.raise(lee);
    ctx.space.membership.remove(lee, 'left', 'left', lee.id);
    expect(ctx.space.queue.has(lee.id)).toBe(false);
    expect(lee.closed).toBe(true);
    expect(ctx.space.member(lee.id)).toBeUndefined();
  });

  it('membership.findListeners() finds connected listeners by name, with their hands and a total', () => {
    ctx.join('Host', 'host');
    const anna = ctx.join('Anna');
    ctx.join('Hannah');
    const away = ctx.join('Annabel');
    ctx.join('Bob');
    ctx.space.queue.raise(anna);
    ctx.space.membership.disconnect(away, away.attachment);
    expect(ctx.space.membership.findListeners(' ANN', 1)).toEqual({ total: 2, listeners: [{ memberId: anna.id, displayName: 'Anna', handRaised: true }] });
    expect(ctx.space.membership.findListeners('', 10).total).toBe(3);
  });
});
