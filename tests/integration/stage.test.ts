// The speaker queue and the Stage through the real path: raised hands, positions and waits, approval,
// invitations, the request policy, capacity, stepping down and being moved back to the audience.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

describe('the speaker queue and the stage', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;

  beforeEach(async () => {
    server = await startTestServer({ maxSpeakers: 2 });
  });
  afterEach(async () => {
    f?.close();
    await server.close();
  });

  it('keeps hands in order; each asker sees their position and wait, hosts see the queue with times', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['ann', 'bob', 'cat'] });
    const { ann, bob, cat } = f.people as Record<string, NonNullable<SpaceFixture['people'][string]>>;
    expect(await ann!.raiseHand()).toEqual({ position: 1 });
    expect(await bob!.raiseHand()).toEqual({ position: 2 });
    expect(await cat!.raiseHand()).toEqual({ position: 3 });
    await eventually(() => {
      expect(cat!.snapshot!.you.hand).toMatchObject({ position: 3, estimatedWaitMs: expect.any(Number) });
      expect(cat!.snapshot!.you.hand!.estimatedWaitMs).toBeGreaterThan(bob!.snapshot!.you.hand!.estimatedWaitMs);
      expect(f!.host.snapshot!.host!.queue.map((e) => [e.displayName, e.position])).toEqual([['ann', 1], ['bob', 2], ['cat', 3]]);
    });
    // Listeners never see the queue itself, only their own place and the count.
    expect(ann!.snapshot!.host).toBeUndefined();
    expect(ann!.snapshot!.queueLength).toBe(3);
    // Hosts reorder; positions follow.
    await f.host.request('queue.move', { memberId: f.id('cat'), direction: 'up' });
    await eventually(() => expect(cat!.snapshot!.you.hand!.position).toBe(2));
    await eventually(() => expect(bob!.snapshot!.you.hand!.position).toBe(3));
    // Lowering a hand closes the gap.
    await ann!.lowerHand();
    await eventually(() => expect(cat!.snapshot!.you.hand!.position).toBe(1));
    expect((await f.host.request('queue.move', { memberId: f.id('bob'), direction: 'up' })).position).toBe(1);
  });

  it('a raised hand carries its mic check, rated by the server and shown to hosts only', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['ann', 'bob'] });
    const ann = f.people.ann!;
    const figures = { peakDb: -3, speechDb: -18, noiseFloorDb: -62, clippedShare: 0, durationMs: 3000 };
    await expect(ann.request('queue.micCheck', figures)).rejects.toMatchObject({ code: 'conflict' });
    await ann.raiseHand();
    // A page that claims a verdict cannot: only figures are accepted, and the server rates them.
    await expect(ann.request('queue.micCheck', { ...figures, quality: 'good' } as never)).rejects.toMatchObject({ code: 'invalid_payload' });
    expect(await ann.request('queue.micCheck', { ...figures, clippedShare: 0.2 })).toMatchObject({ quality: 'clipping' });
    expect(await ann.request('queue.micCheck', figures)).toMatchObject({ quality: 'good' });
    await eventually(() => expect(f!.host.snapshot!.host!.queue[0]!.micCheck).toMatchObject({ quality: 'good', speechDb: -18 }));
    expect(f.people.bob!.snapshot!.host).toBeUndefined();
  });

  it('approving brings the asker on stage sending audio that the others receive; declining clears the hand', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['ann', 'bob', 'audience'] });
    const ann = f.people.ann!;
    await ann.setMicrophone(fakeMicTrack());
    await ann.raiseHand();
    await f.people.bob!.raiseHand();
    await f.host.request('queue.approve', { memberId: f.id('ann') });
    await eventually(() => expect(ann.role).toBe('speaker'));
    await eventually(() => expect(ann.producer).toBeDefined());
    await eventually(() => expect(f!.people.audience!.remoteTracks().map((t) => t.displayName).sort()).toEqual(['Host', 'ann']));
    await eventually(() => expect(f!.host.snapshot!.stage.map((m) => [m.displayName, m.role, m.live])).toEqual([['Host', 'host', true], ['ann', 'speaker', true]]));
    await f.host.request('queue.decline', { memberId: f.id('bob') });
    await eventually(() => expect(f!.people.bob!.snapshot!.you.hand).toBeNull());
    expect(f.people.bob!.role).toBe('listener');
    await expect(f.host.request('queue.approve', { memberId: f.id('bob') })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses approval when the stage is full, with the reason, and changes nothing', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['s1', 's2'], listeners: ['ann'] });
    await f.people.ann!.raiseHand();
    const space = server.sfu.space(f.spaceId)!;
    const before = JSON.stringify(space.summary());
    await expect(f.host.request('queue.approve', { memberId: f.id('ann') })).rejects.toMatchObject({
      code: 'stage_full',
      message: expect.stringContaining('the stage is full (2 speakers)'),
    });
    await expect(f.host.request('stage.invite', { memberId: f.id('ann'), as: 'speaker' })).rejects.toMatchObject({ code: 'stage_full' });
    expect(JSON.stringify(space.summary())).toBe(before);
    // Moving a speaker to the audience makes room.
    await f.host.request('stage.remove', { memberId: f.id('s1') });
    await f.host.request('queue.approve', { memberId: f.id('ann') });
    await eventually(() => expect(f!.people.ann!.role).toBe('speaker'));
  });

  it('moving a speaker back to the audience closes their producer and the listeners’ consumers of it', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'], listeners: ['lee'] });
    const sam = f.people.sam!;
    const producerId = sam.producer!.id;
    await eventually(() => expect(f!.people.lee!.remoteTracks().some((t) => t.producerId === producerId)).toBe(true));
    const serverProducer = server.sfu.space(f.spaceId)!.member(f.id('sam'))!.producers.get(producerId)!;
    await f.host.request('stage.remove', { memberId: f.id('sam') });
    await eventually(() => expect(sam.role).toBe('listener'));
    await eventually(() => expect(serverProducer.closed).toBe(true));
    await eventually(() => expect(f!.people.lee!.remoteTracks().some((t) => t.producerId === producerId)).toBe(false));
    expect(sam.producer).toBeUndefined();
    // Back in the audience they may ask again; approved, they send again.
    await sam.raiseHand();
    await f.host.request('queue.approve', { memberId: f.id('sam') });
    await eventually(() => expect(sam.producer).toBeDefined());
  });

  it('a speaker steps down on their own; the host cannot step down', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'] });
    await f.people.sam!.stepDown();
    await eventually(() => expect(f!.host.snapshot!.stage.map((m) => m.displayName)).toEqual(['Host']));
    await expect(f.host.stepDown()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('an invitation can be accepted or declined by the listener', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['yes', 'no'] });
    await f.host.request('stage.invite', { memberId: f.id('yes'), as: 'speaker' });
    await f.host.request('stage.invite', { memberId: f.id('no'), as: 'speaker' });
    await eventually(() => expect(f!.host.snapshot!.host!.invited.map((i) => i.displayName).sort()).toEqual(['no', 'yes']));
    await eventually(() => expect(f!.people.no!.snapshot!.you.invitation).toEqual({ as: 'speaker', from: 'Host' }));
    await f.people.yes!.request('stage.answer', { accept: true });
    await f.people.no!.request('stage.answer', { accept: false });
    await eventually(() => expect(f!.people.yes!.role).toBe('speaker'));
    await eventually(() => expect(f!.people.no!.snapshot!.you.invitation).toBeNull());
    expect(f.people.no!.role).toBe('listener');
    await expect(f.people.no!.request('stage.answer', { accept: true })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('with "only invited", a plain listener cannot ask but the holder of a speaker invite link can', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['plain'] });
    await f.host.request('space.settings', { requestPolicy: 'invited' });
    await eventually(() => expect(f!.people.plain!.snapshot!.you.canRequest).toBe(false));
    await expect(f.people.plain!.raiseHand()).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('invited') });
    const { invite } = await f.host.request('space.invite', { canRequest: true });
    const guest = fakeRoom(server.wsUrl);
    f.all.push(guest);
    await guest.connect();
    await guest.join(invite, 'Guest');
    expect(guest.snapshot!.you.canRequest).toBe(true);
    await expect(guest.raiseHand()).resolves.toEqual({ position: 1 });
  });

  it('the host promotes a speaker to co-host (at most two) and demotes them again', async () => {
    await server.close();
    server = await startTestServer({ maxSpeakers: 3, maxCohosts: 2 });
    f = await buildSpace(server.wsUrl, { cohosts: ['c1', 'c2'], speakers: ['s'] });
    await expect(f.host.request('cohost.promote', { memberId: f.id('s') })).rejects.toMatchObject({ code: 'stage_full', message: 'there are already 2 co-hosts' });
    await f.host.request('cohost.demote', { memberId: f.id('c1') });
    await eventually(() => expect(f!.people.c1!.role).toBe('speaker'));
    await f.host.request('cohost.promote', { memberId: f.id('s') });
    await eventually(() => expect(f!.host.snapshot!.stage.map((m) => [m.displayName, m.role])).toEqual([
      ['Host', 'host'],
      ['c2', 'cohost'],
      ['s', 'cohost'],
      ['c1', 'speaker'],
    ]));
  });
});
