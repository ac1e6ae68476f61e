// Several SFU nodes sharing a real redis-server and one PostgreSQL (issue 15): each registers its
// heartbeat and load; the node that opens a Space is its origin in Redis; a Stage producer on the origin
// is heard on another node through one SRTP + RTX pipe set up over Redis, however many listeners there
// consume it; a node whose heartbeat stops is gone within a few seconds and takes its pipes with it.
// The nodes run in this test's process (each its own server, worker, Redis connections and pool).
import type { types as ms } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { MEDIA_CODECS } from '../../src/server/Sfu';
import type { Cluster } from '../../src/server/cluster/Cluster';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';
import { plainListener, plainSpeaker, RtpRig } from '../support/rtpRig';
import { startTestServer, type TestServer } from '../support/server';
import { hostOnAir } from '../support/hostOnAir';
import { listenTo, wrtcRoom } from '../support/wrtcRoom';

describe('nodes sharing Redis', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let rig: RtpRig;
  const rooms: RoomClient[] = [];

  const clusterOf = (server: TestServer): Cluster => server.sfu.cluster!;

  beforeEach(async () => {
    redis = await startRedis();
    db = await createTestDatabase();
    // One after the other: the first runs the store's migrations.
    a = await startTestServer({ redis: redis.url, nodeId: 'node-a', database: db.url });
    b = await startTestServer({ redis: redis.url, nodeId: 'node-b', database: db.url });
    rig = RtpRig.start();
  });

  afterEach(async () => {
    for (const room of rooms.splice(0)) room.close();
    rig.close();
    await Promise.allSettled([a.close(), b.close()]);
    await redis.stop();
    await db.drop();
  });

  /** A live Space on node A with a host on air: a plain-RTP speaker the rig feeds, on the Stage's router. */
  async function spaceOnA() {
    const created = await a.sfu.createSpace({ title: 'Across nodes', hostName: 'Ada' });
    const host = fakeRoom(a.wsUrl);
    rooms.push(host);
    await host.connect();
    await host.join(created.hostToken);
    const member = created.space.member(host.memberId!)!;
    const speaker = await plainSpeaker(created.space.router, rig);
    await created.space.addProducer(member, speaker.producer);
    return { space: created.space, speaker };
  }

  it('listeners whose WebSockets land on other nodes hear the speaker on the origin, through one pipe per node', async () => {
    const c = await startTestServer({ redis: redis.url, nodeId: 'node-c', database: db.url });
    const cleanups: Array<() => void> = [];
    try {
      const created = await hostOnAir(a, 'Three nodes');
      cleanups.push(created.stop);
      // Two listeners on node B, one on node C: the load balancer put them there.
      const listeners: RoomClient[] = [];
      for (const node of [b, b, c]) {
        const room = wrtcRoom(node.wsUrl);
        rooms.push(room);
        listeners.push(room);
        await room.connect();
        await room.join(created.listenerInvite, `Listener ${listeners.length}`);
      }
      await eventually(() => {
        for (const room of listeners) expect(room.remoteTracks()).toHaveLength(1);
      }, 15_000);
      const ears = listeners.map((room) => listenTo(room.remoteTracks()[0]!.track));
      cleanups.push(...ears.map((ear) => ear.stop));
      await eventually(() => {
        for (const [i, ear] of ears.entries()) expect(ear.loudestDb(), `listener ${i + 1}`).toBeGreaterThan(-30);
      }, 10_000);
      // The origin is the authority: everyone is a member there, and the listener count says so.
      expect(created.space.members()).toHaveLength(4);
      for (const room of listeners) expect(created.space.member(room.memberId!)?.role).toBe('listener');
      // Each edge holds one pipe for the one producer, however many of its listeners hear it.
      expect(clusterOf(b).pipes.pipeCount).toBe(1);
      expect(clusterOf(c).pipes.pipeCount).toBe(1);
      expect(clusterOf(a).pipes.pipedProducers).toBe(2);
      expect(clusterOf(b).relayed).toBe(2);
      // The listeners' media is on their own node: nobody but the host has a transport on the origin.
      for (const room of listeners) expect(created.space.member(room.memberId!)!.transports.size).toBe(0);
      // The Space's state reaches them too: the host ends it and every edge listener hears so.
      const ended = listeners.map((room) => new Promise<void>((resolve) => room.once('ended', () => resolve())));
      created.space.end('the show is over');
      await Promise.all(ended);
    } finally {
      for (const cleanup of cleanups) cleanup();
      await c.close();
    }
  });

  it('every node registers its heartbeat and load, and reads every other’s', async () => {
    const res = await fetch(`${a.httpUrl}/healthz/cluster`);
    expect(res.status).toBe(200);
    await eventually(async () => {
      const status = (await (await fetch(`${a.httpUrl}/healthz/cluster`)).json()) as { redis: string; nodes: Array<{ id: string; workers: number; url: string }> };
      expect(status.redis).toBe('up');
      expect(status.nodes.map((n) => n.id).sort()).toEqual(['node-a', 'node-b']);
      const nodeB = status.nodes.find((n) => n.id === 'node-b')!;
      expect(nodeB.workers).toBe(1);
      expect(nodeB.url).toBe(b.wsUrl);
    }, 5000);
  });

  it('the node that opens a Space is its origin in Redis, and the claim goes when the Space ends', async () => {
    const { space } = await spaceOnA();
    expect(await clusterOf(b).directory.lookup(space.id)).toEqual({ origin: 'node-a', epoch: 1 });
    // Node B cannot make itself the origin of a Space node A holds.
    expect(await clusterOf(b).claim(space.id)).toBe(false);
    await eventually(async () => {
      const info = clusterOf(b).registry.info('node-a');
      expect(info?.origins).toBe(1);
      expect(info?.listeners).toBe(1);
    }, 5000);
    space.end('test over');
    await eventually(async () => expect(await clusterOf(b).directory.lookup(space.id)).toBeUndefined(), 3000);
  });

  it('a Stage producer on the origin is heard on another node through one SRTP and RTX pipe, every packet, mutes and closes following', async () => {
    const { space, speaker } = await spaceOnA();
    const edgeRouter = await b.sfu.pool.createRouter(MEDIA_CODECS);
    const madeOnEdge: ms.Transport[] = [];
    edgeRouter.observer.on('newtransport', (transport) => madeOnEdge.push(transport));
    // Asked for twice at once (two listeners arriving together): one pipe, one producer.
    const [piped, again] = await Promise.all([
      clusterOf(b).pipes.pipeFrom('node-a', space.id, speaker.producer.id, edgeRouter),
      clusterOf(b).pipes.pipeFrom('node-a', space.id, speaker.producer.id, edgeRouter),
    ]);
    expect(again).toBe(piped);
    expect(piped.id).toBe(speaker.producer.id);
    expect(clusterOf(b).pipes.pipeCount).toBe(1);
    expect(clusterOf(a).pipes.pipeCount).toBe(1);
    expect(clusterOf(a).pipes.pipedProducers).toBe(1);
    expect((await edgeRouter.dump()).transportIds).toHaveLength(1);
    // The pipe is encrypted and carries RTX.
    const edgePipe = madeOnEdge[0] as ms.PipeTransport;
    expect(edgePipe.srtpParameters?.keyBase64).toBeTruthy();
    expect(((await edgePipe.dump()) as unknown as { rtx: boolean }).rtx).toBe(true);

    // Two listeners on node B (plain RTP with SRTP) hear every packet the speaker sends on node A.
    const ports = await rig.open(2);
    const listeners = await Promise.all(ports.map((port) => plainListener(edgeRouter, piped.id, port, true)));
    await rig.reset();
    const sent = await rig.send(50);
    await eventually(async () => {
      const report = await rig.report();
      for (const listener of listeners) expect(report.streams.find((s) => s.ssrc === listener.ssrc)?.count ?? 0).toBe(50);
    }, 3000);
    expect(sent.sent).toBe(50);
    // Still one pipe and one pipe consumer on the origin, however many listeners.
    expect(clusterOf(a).pipes.pipedProducers).toBe(1);

    // A mute at the origin reaches the edge's producer; so does the producer closing.
    await speaker.producer.pause();
    await eventually(() => expect(piped.paused).toBe(true), 3000);
    await speaker.producer.resume();
    await eventually(() => expect(piped.paused).toBe(false), 3000);
    speaker.producer.close();
    await eventually(() => expect(piped.closed).toBe(true), 3000);
    for (const listener of listeners) expect(listener.consumer.closed).toBe(true);
    edgeRouter.close();
  });

  it('refuses a pipe for a producer the origin does not have, with a clear error', async () => {
    const { space } = await spaceOnA();
    const edgeRouter = await b.sfu.pool.createRouter(MEDIA_CODECS);
    await expect(clusterOf(b).pipes.pipeFrom('node-a', space.id, 'no-such-producer', edgeRouter)).rejects.toMatchObject({ code: 'not_found' });
    await expect(clusterOf(b).pipes.pipeFrom('node-a', 'no-such-space', 'x', edgeRouter)).rejects.toMatchObject({ code: 'not_found' });
    edgeRouter.close();
  });

  it('a node whose heartbeat stops is gone within a few seconds, and its pipes close on the others', async () => {
    const { space, speaker } = await spaceOnA();
    const edgeRouter = await b.sfu.pool.createRouter(MEDIA_CODECS);
    const piped = await clusterOf(b).pipes.pipeFrom('node-a', space.id, speaker.producer.id, edgeRouter);
    const gone = new Promise<number>((resolve) => clusterOf(b).registry.once('nodegone', () => resolve(Date.now())));
    // Node A stops dead: no goodbye, its heartbeat key just expires (as after a SIGKILL).
    const stoppedAt = Date.now();
    clusterOf(a).registry.close();
    clusterOf(a).bus.close();
    const seenGoneAt = await gone;
    // Expiry 3 s after the last heartbeat (at most 1 s before the stop), read every 0.5 s: under 4 s on
    // a quiet machine; the bound leaves room for timers late by up to 2 s at load 18 on 2 cores.
    expect(seenGoneAt - stoppedAt).toBeGreaterThan(1500);
    expect(seenGoneAt - stoppedAt).toBeLessThan(6000);
    expect(clusterOf(b).registry.isLive('node-a')).toBe(false);
    await eventually(() => expect(piped.closed).toBe(true), 1000);
    expect(clusterOf(b).pipes.pipeCount).toBe(0);
    edgeRouter.close();
  });

  it('Redis going away is seen at once; when it returns, empty, each node registers again and claims its Spaces again', async () => {
    const { space } = await spaceOnA();
    await redis.pause();
    await eventually(() => expect(clusterOf(a).bus.up).toBe(false), 3000);
    const res = (await (await fetch(`${a.httpUrl}/healthz/cluster`)).json()) as { redis: string };
    expect(res.redis).toBe('down');
    // Nobody is declared gone while nobody can tell.
    expect(clusterOf(b).registry.isLive('node-a')).toBe(true);
    await redis.resume();
    await eventually(async () => {
      expect(clusterOf(a).bus.up).toBe(true);
      expect(await clusterOf(b).directory.lookup(space.id)).toEqual({ origin: 'node-a', epoch: 1 });
      expect(clusterOf(b).registry.isLive('node-a')).toBe(true);
    }, 8000);
  });
});
