// Fault: the mediasoup worker process dies mid-show. The service notices, starts a replacement, moves
// the Space to a new router, and every client sets its media up again on its own; roles and the queue
// survive, however many workers die at once. (Chromium's audio across the same faults:
// tests/e2e/faults.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace, type SpaceFixture } from '../support/spaceFixture';

describe('a worker dies mid-show', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    f?.close();
    await server.close();
  });

  it('the space moves to a new worker; roles, queue and audio come back within 3 s', async () => {
    f = await buildSpace(server.wsUrl, { cohosts: ['co'], speakers: ['sam'], listeners: ['lee', 'asker'] });
    await f.people.asker!.raiseHand();
    await f.host.request('member.mute', { memberId: f.id('sam') });
    const space = server.sfu.space(f.spaceId)!;
    const before = space.summary();
    const oldRouter = space.router;
    const [worker] = server.sfu.pool.workers();
    const oldProducers = new Set(space.producers().map((p) => p.producerId));

    const killedAt = Date.now();
    process.kill(worker!.pid, 'SIGKILL');

    // Everyone sends again on the new router and the listener hears all three stage members again.
    await eventually(() => {
      expect(space.router).not.toBe(oldRouter);
      const producers = space.producers();
      expect(producers.map((p) => p.memberId).sort()).toEqual([f!.id('host'), f!.id('co'), f!.id('sam')].sort());
      expect(producers.some((p) => oldProducers.has(p.producerId))).toBe(false);
      const heard = new Set(f!.people.lee!.remoteTracks().map((t) => t.producerId));
      for (const p of producers) expect(heard.has(p.producerId)).toBe(true);
    }, 3000);
    const recoveredMs = Date.now() - killedAt;
    expect(recoveredMs).toBeLessThan(3000);

    // Nothing about the show changed: same people, roles, mute, queue.
    const after = space.summary();
    expect(after.status).toBe('live');
    expect(after.members.map((m) => [m.id, m.role, m.muted])).toEqual(before.members.map((m) => [m.id, m.role, m.muted]));
    expect(after.queue).toEqual(before.queue);
    expect(space.producers().find((p) => p.memberId === f!.id('sam'))!.paused).toBe(true);
    expect(server.sfu.pool.size).toBe(1);
    expect(server.sfu.pool.workers()[0]!.pid).not.toBe(worker!.pid);
    expect(server.logs.some((l) => l.msg === 'worker died')).toBe(true);
  });

  it('new spaces open on the replacement worker', async () => {
    const [worker] = server.sfu.pool.workers();
    process.kill(worker!.pid, 'SIGKILL');
    // The replacement, not the dead worker the pool may still list for a moment.
    await eventually(() => {
      expect(server.sfu.pool.size).toBe(1);
      expect(server.sfu.pool.workers()[0]!.pid).not.toBe(worker!.pid);
    });
    f = await buildSpace(server.wsUrl, { listeners: ['lee'] });
    expect(server.sfu.space(f.spaceId)!.status).toBe('live');
  });
});

describe('every worker dies at once', () => {
  let server: TestServer;
  let f: SpaceFixture | undefined;

  beforeEach(async () => {
    server = await startTestServer({ workers: 2 });
  });
  afterEach(async () => {
    f?.close();
    await server.close();
  });

  /** Waits until the Space is on a live router again and the listener hears every stage member anew. */
  async function recovered(spaceId: string, oldProducers: Set<string>): Promise<void> {
    const space = server.sfu.space(spaceId)!;
    await eventually(() => {
      expect(space.router.closed).toBe(false);
      const producers = space.producers();
      expect(producers.map((p) => p.memberId).sort()).toEqual([f!.id('host'), f!.id('sam')].sort());
      expect(producers.some((p) => oldProducers.has(p.producerId))).toBe(false);
      const heard = new Set(f!.people.lee!.remoteTracks().map((t) => t.producerId));
      for (const p of producers) expect(heard.has(p.producerId)).toBe(true);
    }, 3000);
  }

  it('both workers SIGKILLed together: the space stays live, waits for a replacement and moves there', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'], listeners: ['lee'] });
    const space = server.sfu.space(f.spaceId)!;
    const before = space.summary();
    const oldPids = server.sfu.pool.workers().map((w) => w.pid);
    expect(oldPids).toHaveLength(2);
    const oldProducers = new Set(space.producers().map((p) => p.producerId));
    const ended: string[] = [];
    for (const client of f.all) client.on('ended', (reason) => ended.push(reason));

    const killedAt = Date.now();
    for (const pid of oldPids) process.kill(pid, 'SIGKILL');
    await recovered(f.spaceId, oldProducers);
    console.log(`every worker killed: space on a new worker, listener consuming again after ${Date.now() - killedAt} ms`);

    expect(space.status).toBe('live');
    expect(ended).toEqual([]);
    expect(space.summary().members.map((m) => [m.id, m.role])).toEqual(before.members.map((m) => [m.id, m.role]));
    await eventually(() => expect(server.sfu.pool.size).toBe(2));
    for (const worker of server.sfu.pool.workers()) expect(oldPids).not.toContain(worker.pid);
    expect(server.logs.some((l) => l.msg === 'could not rescue a space')).toBe(false);
  });

  it('the worker the space is rescued to dies 27 ms after the first: it moves again', async () => {
    f = await buildSpace(server.wsUrl, { speakers: ['sam'], listeners: ['lee'] });
    const space = server.sfu.space(f.spaceId)!;
    const oldProducers = new Set(space.producers().map((p) => p.producerId));
    // The Space's own worker first, then the only other one: the rescue's first target.
    const own = server.sfu.pool.workerOf(space.router)!;
    const other = server.sfu.pool.workers().find((w) => w !== own)!;
    process.kill(own.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 27));
    process.kill(other.pid, 'SIGKILL');
    await recovered(f.spaceId, oldProducers);
    expect(space.status).toBe('live');
    expect(server.logs.some((l) => l.msg === 'could not rescue a space')).toBe(false);
  });
});

