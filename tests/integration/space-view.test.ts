// SpaceView: what each member is sent, and when. A real mediasoup worker and router; members joined
// directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpaceSnapshotSchema } from '../../src/shared/space';
import { STATE_BROADCAST_MS } from '../../src/server/SpaceView';
import { afterBroadcast, spaceContext, type SpaceContext } from '../support/spaceContext';

describe('SpaceView', () => {
  const ctx = {} as SpaceContext;

  beforeEach(async () => {
    Object.assign(ctx, await spaceContext({ policy: { maxSpeakers: 3 } }));
  });
  afterEach(async () => {
    await ctx.close();
  });

  it('view.snapshotFor() shows hosts the queue and talk times, and a listener only their own place', async () => {
    const host = ctx.join('Host', 'host');
    const sam = ctx.join('sam', 'speaker');
    const [ann, lee] = ['ann', 'lee'].map((n) => ctx.join(n));
    await ctx.produce(sam);
    ctx.space.queue.raise(ann!);
    ctx.space.stage.invite(host, lee!, 'speaker');
    const forHost = ctx.space.view.snapshotFor(host);
    expect(SpaceSnapshotSchema.safeParse(forHost).success).toBe(true);
    expect(forHost.stage.map((m) => [m.displayName, m.role, m.live])).toEqual([['Host', 'host', false], ['sam', 'speaker', true]]);
    expect(forHost.host!.queue.map((e) => [e.displayName, e.position])).toEqual([['ann', 1]]);
    expect(forHost.host!.invited).toEqual([{ memberId: lee!.id, displayName: 'lee', as: 'speaker' }]);
    expect(forHost.host!.talkTimeMs).toEqual({});
    expect([forHost.listenerCount, forHost.queueLength]).toEqual([2, 1]);
    const forAnn = ctx.space.view.snapshotFor(ann!);
    expect(forAnn.host).toBeUndefined();
    expect(forAnn.you).toMatchObject({ role: 'listener', canRequest: true, hand: { position: 1 }, invitation: null });
    expect(ctx.space.view.snapshotFor(lee!).you.invitation).toEqual({ as: 'speaker', from: 'Host' });
  });

  it('view.schedule() folds a burst of changes into one snapshot per connected member', async () => {
    const host = ctx.join('Host', 'host');
    const people = ['a', 'b', 'c', 'd'].map((n) => ctx.join(n));
    const away = ctx.join('away');
    ctx.space.membership.disconnect(away, away.attachment);
    await afterBroadcast();
    ctx.clearPushed();
    const started = Date.now();
    for (const m of people) ctx.space.queue.raise(m);
    expect(ctx.pushed(host, 'space.state')).toEqual([]);
    await afterBroadcast();
    expect(ctx.pushed(host, 'space.state')).toHaveLength(1);
    expect(ctx.pushed(host, 'space.state')[0]!.host!.queue).toHaveLength(4);
    expect(ctx.pushed(host, 'space.state')[0]!.serverTime - started).toBeGreaterThanOrEqual(STATE_BROADCAST_MS - 5);
    for (const m of people) expect(ctx.pushed(m, 'space.state')).toHaveLength(1);
    expect(ctx.pushed(away, 'space.state')).toEqual([]);
  });

  it('view.publicView() shows the stage and the count, nothing more', () => {
    ctx.join('Host', 'host');
    ctx.join('lee');
    const seen = ctx.space.view.publicView();
    expect(Object.keys(seen).sort()).toEqual(['listenerCount', 'stage']);
    expect(seen).toMatchObject({ listenerCount: 1, stage: [{ displayName: 'Host', role: 'host' }] });
  });

  it('after the Space ends, every member got a last snapshot and nothing more is scheduled', async () => {
    const host = ctx.join('Host', 'host');
    const lee = ctx.join('lee');
    ctx.space.queue.raise(lee);
    ctx.space.end('done');
    const last = ctx.pushed(lee, 'space.state');
    expect(last.at(-1)).toMatchObject({ status: 'ended' });
    ctx.space.view.schedule();
    await afterBroadcast();
    expect(ctx.pushed(lee, 'space.state')).toHaveLength(last.length);
    expect(ctx.pushed(host, 'space.ended')).toEqual([{ reason: 'done' }]);
  });
});
