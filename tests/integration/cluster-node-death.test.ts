// An edge node dies (SIGKILL) under a listener (issue 15): node C runs as its own SFU service process
// (the built out/main/sfu.js) beside nodes A (the Space's origin) and B, all sharing a real
// redis-server and PostgreSQL. A real WebRTC listener reached node C through a load balancer; C is
// killed; the client's usual resume goes through the balancer to node B, which relays it to the origin,
// and the listener hears the host's tone again within 3 s, as the same member.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { eventually } from '../support/fakeRoom';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startRedis, type TestRedis } from '../support/redis';
import { startTestServer, type TestServer } from '../support/server';
import { hostOnAir } from '../support/hostOnAir';
import { listenTo, wrtcRoom } from '../support/wrtcRoom';

const CLI = join(import.meta.dirname, '..', '..', 'out', 'main', 'sfu.js');

function startNodeProcess(nodeId: string, redisUrl: string, databaseUrl: string): Promise<{ child: ChildProcess; wsUrl: string }> {
  const child = spawn(
    process.execPath,
    [CLI, '--port', '0', '--workers', '1', '--rtc-port', '0', '--node-id', nodeId, '--redis', redisUrl, '--database', databaseUrl, '--grace-ms', '10000'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"msg":"listening".*?"httpUrl":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(buffered);
      if (match) resolve({ child, wsUrl: `ws://127.0.0.1:${match[1]}/ws` });
    });
    child.once('exit', (code) => reject(new Error(`node ${nodeId} exited with ${code}: ${buffered.slice(-2000)}`)));
  });
}

describe('an edge node dies', () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let c: ChildProcess | undefined;
  const rooms: RoomClient[] = [];
  const cleanups: Array<() => void> = [];

  beforeEach(async () => {
    redis = await startRedis();
    db = await createTestDatabase();
    a = await startTestServer({ redis: redis.url, nodeId: 'node-a', database: db.url, graceMs: 10_000 });
    b = await startTestServer({ redis: redis.url, nodeId: 'node-b', database: db.url, graceMs: 10_000 });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const room of rooms.splice(0)) room.close();
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.allSettled([a.close(), b.close()]);
    await redis.stop();
    await db.drop();
  });

  it('its listener hears the stage again within 3 s through another node, as the same member', async () => {
    const nodeC = await startNodeProcess('node-c', redis.url, db.url);
    c = nodeC.child;
    const created = await hostOnAir(a, 'Edge death');
    cleanups.push(created.stop);

    // The balancer sends new connections to node C while it lives, then to node B.
    let cAlive = true;
    const listener = wrtcRoom(nodeC.wsUrl, () => (cAlive ? nodeC.wsUrl : b.wsUrl));
    rooms.push(listener);
    await listener.connect();
    await listener.join(created.listenerInvite, 'Edge listener');
    const memberId = listener.memberId;
    await eventually(() => expect(listener.remoteTracks()).toHaveLength(1), 15_000);
    const firstTrack = listener.remoteTracks()[0]!;
    const ear = listenTo(firstTrack.track);
    cleanups.push(ear.stop);
    await eventually(() => expect(ear.loudestDb()).toBeGreaterThan(-30), 10_000);
    expect(created.space.member(memberId!)!.transports.size).toBe(0); // its media is on node C

    cAlive = false;
    const killedAt = Date.now();
    c.kill('SIGKILL');
    // A new track on node B's router, playing the host's tone again.
    let again: ReturnType<typeof listenTo> | undefined;
    await eventually(() => {
      const track = listener.remoteTracks()[0];
      expect(track && track !== firstTrack).toBe(true);
      again ??= listenTo(track!.track);
      expect(again.loudestDb()).toBeGreaterThan(-30);
    }, 8000);
    const heardAgainMs = Date.now() - killedAt;
    cleanups.push(() => again?.stop());
    expect(heardAgainMs).toBeLessThan(3000);
    // The same member, now relayed by node B, which pipes the host's producer once.
    expect(listener.memberId).toBe(memberId);
    expect(b.sfu.cluster!.relayed).toBe(1);
    expect(b.sfu.cluster!.pipes.pipeCount).toBe(1);
    expect(created.space.member(memberId!)?.role).toBe('listener');
    // Every other node sees node C gone once its heartbeat expires, and drops the pipe it had to it.
    await eventually(() => expect(a.sfu.cluster!.registry.isLive('node-c')).toBe(false), 6000);
    await eventually(() => expect(a.sfu.cluster!.pipes.pipedProducers).toBe(1), 2000);
  });
});
