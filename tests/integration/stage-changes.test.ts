// The server decides and announces: every change of the Stage goes to everyone in the Space as one
// `stage.changed` event saying who, from what, to what, why and by whom, the moment it happens; approve
// next is decided on the server from the queue as it stands; a client that comes back gets what it
// missed. Through the real path: RoomClients over WebSocket to a real SFU and mediasoup worker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoomClient } from '../../src/renderer/room/RoomClient';
import type { SocketLike } from '../../src/renderer/room/SignalingClient';
import type { StageChange } from '../../src/shared/protocol';
import { eventually, fakeMicTrack } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';
import { FakeHandler, testFakeParameters } from 'mediasoup-client';
import WebSocket from 'ws';

/** What one client heard, in order: Stage changes, and snapshots as the stage they showed. */
function listen(client: RoomClient) {
  const heard: Array<{ kind: 'stage'; change: StageChange } | { kind: 'state'; stage: string[] }> = [];
  client.on('stage', (change) => heard.push({ kind: 'stage', change }));
  client.on('state', (s) => heard.push({ kind: 'state', stage: s.stage.map((m) => `${m.displayName}:${m.role}`) }));
  return {
    heard,
    changes: () => heard.flatMap((h) => (h.kind === 'stage' ? [h.change] : [])),
    /** The changes as [name, from, to, cause, by-name]. */
    said: (nameOf: (id: string | null) => string) =>
      heard.flatMap((h) => (h.kind === 'stage' ? [[h.change.displayName, h.change.from, h.change.to, h.change.cause, nameOf(h.change.by)]] : [])),
  };
}

describe('stage changes, announced by the server', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;

  beforeEach(async () => {
    server = await startTestServer({ maxSpeakers: 2, graceMs: 800 });
  });
  afterEach(async () => {
    f?.close();
    await server.close();
  });

  /** Names people by their member ids as they are now (a client that left forgets its id). */
  function nameOf(fixture: SpaceFixture) {
    const names = new Map<string, string>([[fixture.host.memberId!, 'Host']]);
    for (const [name, client] of Object.entries(fixture.people)) names.set(client.memberId!, name);
    return (id: string | null) => (id === null ? 'nobody' : (names.get(id) ?? `unknown ${id}`));
  }

  it('an approval reaches everyone once, with who approved whom, before the snapshot that shows it', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], listeners: ['ann', 'lee'] });
    const everyone = [f.host, f.people.co!, f.people.ann!, f.people.lee!].map((c) => ({ client: c, ears: listen(c) }));
    await f.people.ann!.raiseHand();
    await f.people.co!.request('queue.approve', { memberId: f.id('ann') });
    for (const { ears } of everyone) {
      await eventually(() => expect(ears.heard.some((h) => h.kind === 'state' && h.stage.includes('ann:speaker'))).toBe(true));
      expect(ears.said(nameOf(f))).toEqual([['ann', 'listener', 'speaker', 'approved', 'co']]);
      const announced = ears.heard.findIndex((h) => h.kind === 'stage');
      const shown = ears.heard.findIndex((h) => h.kind === 'state' && h.stage.includes('ann:speaker'));
      expect(announced).toBeLessThan(shown);
    }
    // One change, one number, the same for everyone.
    const seqs = new Set(everyone.map(({ ears }) => ears.changes()[0]!.seq));
    expect(seqs.size).toBe(1);
  });

  it('approve next takes the first hand as the server sees it, even right after a co-host reordered', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], listeners: ['ann', 'bob', 'cat'] });
    for (const name of ['ann', 'bob', 'cat']) await f.people[name]!.raiseHand();
    await eventually(() => expect(f!.host.snapshot!.host!.queue.map((e) => e.displayName)).toEqual(['ann', 'bob', 'cat']));
    // The co-host moves cat to the front, and the host presses approve next at once, before any
    // snapshot could tell the studio.
    await Promise.all([
      f.people.co!.request('queue.move', { memberId: f.id('cat'), direction: 'up' }).then(() =>
        f!.people.co!.request('queue.move', { memberId: f!.id('cat'), direction: 'up' }),
      ),
    ]);
    expect(f.host.snapshot!.host!.queue.map((e) => e.displayName)).toEqual(['ann', 'bob', 'cat']);
    await expect(f.host.approveNext()).resolves.toEqual({ memberId: f.id('cat'), displayName: 'cat' });
    await eventually(() => expect(f!.people.cat!.role).toBe('speaker'));
    await expect(f.host.approveNext()).resolves.toEqual({ memberId: f.id('ann'), displayName: 'ann' });
    await eventually(() => expect(f!.host.snapshot!.host!.queue.map((e) => e.displayName)).toEqual(['bob']));
  });

  it('approve next says so when nobody is waiting or the stage is full, and changes nothing', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['s1'], listeners: ['ann', 'bob'] });
    const space = server.sfu.space(f.spaceId)!;
    let before = JSON.stringify(space.summary());
    await expect(f.host.approveNext()).rejects.toMatchObject({ code: 'conflict', message: 'nobody is waiting to speak' });
    expect(JSON.stringify(space.summary())).toBe(before);
    await f.people.ann!.raiseHand();
    await f.people.bob!.raiseHand();
    await f.host.approveNext();
    await eventually(() => expect(f!.people.ann!.role).toBe('speaker'));
    before = JSON.stringify(space.summary());
    await expect(f.host.approveNext()).rejects.toMatchObject({ code: 'stage_full', message: expect.stringContaining('the stage is full (2 speakers)') });
    expect(JSON.stringify(space.summary())).toBe(before);
    await expect(f.people.s1!.approveNext()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('says why for every kind of change: invited, stepped down, moved to the audience, promoted, demoted, removed, left', async () => {
    await server.close();
    server = await startTestServer({ maxSpeakers: 3, maxCohosts: 2 });
    f = await buildSpace(server.wsUrl, { speakers: ['sam', 'sue'], listeners: ['ivy', 'lee', 'rex'] });
    const names = nameOf(f);
    const lee = listen(f.people.lee!);
    const { host } = f;
    await host.request('stage.invite', { memberId: f.id('ivy'), as: 'speaker' });
    await eventually(() => expect(f!.people.ivy!.snapshot?.you.invitation).not.toBeNull());
    await f.people.ivy!.request('stage.answer', { accept: true });
    await f.people.sue!.stepDown();
    await host.request('stage.remove', { memberId: f.id('ivy') });
    await host.request('cohost.promote', { memberId: f.id('sam') });
    await host.request('cohost.demote', { memberId: f.id('sam') });
    await f.people.rex!.raiseHand();
    await host.request('queue.approve', { memberId: f.id('rex') });
    await host.request('member.remove', { memberId: f.id('rex') });
    await f.people.sam!.leave();
    await eventually(() => expect(lee.changes()).toHaveLength(8));
    expect(lee.said(names)).toEqual([
      ['ivy', 'listener', 'speaker', 'invited', 'Host'],
      ['sue', 'speaker', 'listener', 'stepped_down', 'sue'],
      ['ivy', 'speaker', 'listener', 'moved_to_audience', 'Host'],
      ['sam', 'speaker', 'cohost', 'promoted', 'Host'],
      ['sam', 'cohost', 'speaker', 'demoted', 'Host'],
      ['rex', 'listener', 'speaker', 'approved', 'Host'],
      ['rex', 'speaker', null, 'removed', 'Host'],
      ['sam', 'speaker', null, 'left', 'sam'],
    ]);
    const seqs = lee.changes().map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // A listener leaving is not a Stage change.
    await f.people.ivy!.leave();
    await new Promise((r) => setTimeout(r, 200));
    expect(lee.changes()).toHaveLength(8);
  });

  it('a co-host demoted when the stage is full goes to the audience, and says so', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], speakers: ['s1'], listeners: ['s2', 'lee'] });
    await f.host.request('stage.invite', { memberId: f.id('s2'), as: 'speaker' });
    await eventually(() => expect(f!.people.s2!.snapshot?.you.invitation).not.toBeNull());
    await f.people.s2!.request('stage.answer', { accept: true });
    await eventually(() => expect(f!.people.lee!.snapshot!.stage.map((m) => m.displayName)).toContain('s2'));
    const lee = listen(f.people.lee!);
    await f.host.request('cohost.demote', { memberId: f.id('co') });
    await eventually(() => expect(lee.said(nameOf(f!))).toEqual([['co', 'cohost', 'listener', 'demoted', 'Host']]));
    await eventually(() => expect(f!.people.co!.producer).toBeUndefined());
  });

  it('handing over the host role is two changes; a host who leaves is succeeded, and one who drops too', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co', 'co2'], listeners: ['lee'] });
    const lee = listen(f.people.lee!);
    const names = nameOf(f);
    await f.host.request('host.transfer', { memberId: f.id('co') });
    await eventually(() => expect(lee.changes()).toHaveLength(2));
    expect(lee.said(names)).toEqual([
      ['co', 'cohost', 'host', 'host_transferred', 'Host'],
      ['Host', 'host', 'cohost', 'host_transferred', 'Host'],
    ]);
    // The new host leaves: the longest-serving co-host (the old host) takes over.
    await f.people.co!.leave();
    await eventually(() => expect(lee.changes()).toHaveLength(4));
    expect(lee.said(names).slice(2)).toEqual([
      ['Host', 'cohost', 'host', 'succession', 'nobody'],
      ['co', 'host', null, 'left', 'co'],
    ]);
    // That host's connection drops for good: co2 takes over when the grace period is over.
    f.host.close();
    await eventually(() => expect(lee.changes()).toHaveLength(6), 5000);
    expect(lee.said(names).slice(4)).toEqual([
      ['co2', 'cohost', 'host', 'succession', 'nobody'],
      ['Host', 'host', null, 'dropped', 'nobody'],
    ]);
    await eventually(() => expect(f!.people.co2!.role).toBe('host'));
  });

  it('a client coming back after a drop hears the changes it missed, once each, in order', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'], listeners: ['ann'] });
    const lee = new RoomClient({
      wsUrl: server.wsUrl,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      deviceOptions: { handlerFactory: FakeHandler.createFactory(testFakeParameters) },
      reconnectDelaysMs: [600],
    });
    f.all.push(lee);
    await lee.connect();
    await lee.join(f.invite, 'lee');
    const ears = listen(lee);
    const back = new Promise<void>((resolve) => lee.once('reconnected', () => resolve()));
    lee.signaling.close();
    await eventually(() => expect(server.sfu.space(f!.spaceId)!.member(lee.memberId!)!.connected).toBe(false));
    await f.host.request('stage.remove', { memberId: f.id('sam') });
    await f.people.ann!.raiseHand();
    await f.host.request('queue.approve', { memberId: f.id('ann') });
    expect(ears.changes()).toEqual([]);
    await back;
    expect(ears.said(nameOf(f))).toEqual([
      ['sam', 'speaker', 'listener', 'moved_to_audience', 'Host'],
      ['ann', 'listener', 'speaker', 'approved', 'Host'],
    ]);
    // Later changes come live, and none is told twice.
    await f.people.ann!.stepDown();
    await eventually(() => expect(ears.changes()).toHaveLength(3));
    expect(ears.changes().map((c) => c.seq)).toEqual([...new Set(ears.changes().map((c) => c.seq))]);
  });

  it('a new speaker’s own client starts its microphone on the announcement; moved back, it stops', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['ann'] });
    const ann = f.people.ann!;
    await ann.setMicrophone(fakeMicTrack());
    const own: string[] = [];
    ann.on('rolechanged', (change) => own.push(`${change.to}:${change.cause}`));
    await ann.raiseHand();
    await f.host.approveNext();
    await eventually(() => expect(ann.producer).toBeDefined());
    expect(ann.role).toBe('speaker');
    await f.host.request('stage.remove', { memberId: ann.memberId! });
    await eventually(() => expect(ann.producer).toBeUndefined());
    expect(own).toEqual(['speaker:approved', 'listener:moved_to_audience']);
  });

  it('who is speaking is not in snapshots: it travels once, in its own event and the join answer', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'] });
    const space = server.sfu.space(f.spaceId)!;
    const snapshot = space.snapshotFor(space.member(f.id('sam'))!);
    for (const m of snapshot.stage) expect(Object.keys(m)).not.toContain('speaking');
    const late = new RoomClient({
      wsUrl: server.wsUrl,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      deviceOptions: { handlerFactory: FakeHandler.createFactory(testFakeParameters) },
    });
    f.all.push(late);
    await late.connect();
    const joined = await late.join(f.invite, 'late');
    expect(joined.speaking).toEqual([]);
    expect(late.speaking.size).toBe(0);
  });
});
