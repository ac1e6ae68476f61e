// Dropped connections: a client comes back on its own within the grace period with the same role,
// queue position and stage place, and its audio flows again; a host who does not come back is
// succeeded by a co-host, or the space ends and says why.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

describe('dropped connections', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;

  beforeEach(async () => {
    server = await startTestServer({ graceMs: 1500 });
  });
  afterEach(async () => {
    f?.close();
    await server.close();
  });

  it('a speaker who drops comes back as the same speaker, still muted, and listeners hear them again', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam', 'sue'], listeners: ['lee'] });
    const sam = f.people.sam!;
    await sam.setMuted(true);
    const stageOrder = () => f!.host.snapshot!.stage.map((m) => m.displayName);
    await eventually(() => expect(stageOrder()).toEqual(['Host', 'sam', 'sue']));
    const firstProducer = sam.producer!.id;
    const events: string[] = [];
    sam.on('reconnecting', () => events.push('reconnecting'));
    sam.on('reconnected', () => events.push('reconnected'));
    sam.signaling.close();
    // While away: still on stage, shown as reconnecting, their audio gone.
    await eventually(() => expect(f!.host.snapshot!.stage.find((m) => m.displayName === 'sam')?.connected).toBe(false));
    await eventually(() => expect(events).toEqual(['reconnecting', 'reconnected']));
    expect(sam.memberId).toBe(f.id('sam'));
    expect(sam.role).toBe('speaker');
    await eventually(() => expect(sam.producer).toBeDefined());
    expect(sam.producer!.id).not.toBe(firstProducer);
    await eventually(() => expect(stageOrder()).toEqual(['Host', 'sam', 'sue']));
    await eventually(() => expect(f!.host.snapshot!.stage.find((m) => m.displayName === 'sam')).toMatchObject({ connected: true, live: true, muted: true }));
    const serverProducer = server.sfu.space(f.spaceId)!.member(f.id('sam'))!.producers.get(sam.producer!.id)!;
    expect(serverProducer.paused).toBe(true);
    await eventually(() => expect(f!.people.lee!.remoteTracks().map((t) => t.producerId)).toContain(sam.producer!.id));
  });

  it('a listener who drops keeps their place in the queue, and hears the stage again', async () => {
    f = await buildSpace(server.wsUrl, { listeners: ['first', 'second', 'third'] });
    for (const name of ['first', 'second', 'third']) await f.people[name]!.raiseHand();
    const second = f.people.second!;
    second.signaling.close();
    await eventually(() => expect(second.snapshot!.you.hand?.position).toBe(2), 5000);
    await eventually(() => expect(second.remoteTracks().map((t) => t.displayName)).toEqual(['Host']));
    expect(f.host.snapshot!.host!.queue.map((e) => e.displayName)).toEqual(['first', 'second', 'third']);
  });

  it('a host who drops and returns within the grace period is still the host', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], listeners: ['lee'] });
    const seenAway: Array<number | null> = [];
    f.people.lee!.on('state', (s) => seenAway.push(s.hostAwayUntil));
    const back = new Promise<void>((resolve) => f!.host.once('reconnected', () => resolve()));
    f.host.signaling.close();
    await eventually(() => expect(seenAway.some((v) => typeof v === 'number')).toBe(true));
    await back;
    await eventually(() => expect(f!.host.snapshot!.hostAwayUntil).toBeNull());
    await eventually(() => expect(f!.host.producer).toBeDefined());
    expect(f.host.role).toBe('host');
    expect(f.people.co!.role).toBe('cohost');
    await eventually(() => expect(f!.people.lee!.remoteTracks().map((t) => t.producerId)).toContain(f!.host.producer!.id));
    await eventually(() => expect(f!.people.lee!.snapshot!.hostAwayUntil).toBeNull());
  });

  it('a host who does not come back is succeeded by the co-host once the grace period passes', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], listeners: ['lee'] });
    f.host.close();
    await eventually(() => expect(f!.people.lee!.snapshot!.hostAwayUntil).toEqual(expect.any(Number)));
    // During the grace period the co-host is still a co-host.
    expect(f.people.co!.role).toBe('cohost');
    await eventually(() => expect(f!.people.co!.role).toBe('host'), 5000);
    await eventually(() => expect(f!.people.lee!.snapshot!.stage.map((m) => [m.displayName, m.role])).toEqual([['co', 'host']]));
    expect(f.people.lee!.snapshot!.status).toBe('live');
    // The new host has the host's powers, ending the space included.
    await f.people.co!.endSpace();
    await eventually(() => expect(f!.people.lee!.snapshot!.status).toBe('ended'));
  });

  it('a host who leaves on purpose hands over to the co-host at once', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'] });
    await f.host.leave();
    await eventually(() => expect(f!.people.co!.role).toBe('host'));
  });

  it('coming back after the grace period fails clearly', async () => {
    await server.close();
    server = await startTestServer({ graceMs: 100 });
    f = await buildSpace(server.wsUrl, { listeners: ['late'] });
    const late = f.people.late!;
    const reasons: string[] = [];
    late.on('disconnected', (r) => reasons.push(r));
    // Hold the reconnection back until the grace period is over.
    (late as unknown as { signaling: { connect(): Promise<void> } }).signaling.connect = async function (this: unknown) {
      await new Promise((r) => setTimeout(r, 400));
      return Object.getPrototypeOf(late.signaling).connect.call(late.signaling);
    };
    late.signaling.close();
    await eventually(() => expect(reasons).toEqual([expect.stringContaining('could not resume')]), 8000);
  });
});
