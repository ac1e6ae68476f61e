// One Space over every worker of the node (issue 15): the Stage's producers stay on the Space's router,
// and each new listener goes to the least loaded worker, on a router of the Space there fed through one
// pipe per producer. Real WebRTC listeners (libwebrtc through @roamhq/wrtc, the real RoomClient) hear a
// host's tone wherever they were placed, and a listener worker dying only rebuilds its own listeners.
import type { types as ms } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { Space } from '../../src/server/Space';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { listenTo, toneTrack, wrtcRoom } from '../support/wrtcRoom';

const LISTENERS = 6;

describe('a Space over several workers', () => {
  let server: TestServer;
  let space: Space;
  let host: RoomClient;
  let listeners: RoomClient[];
  const cleanups: Array<() => void> = [];

  /** The worker (pid) each listener's receive transport runs on. */
  function placement(): number[] {
    return listeners.map((room) => {
      const member = space.member(room.memberId!)!;
      const [transport] = [...member.transports.values()];
      const router = transport!.appData.router as ms.Router;
      return server.sfu.pool.workerOf(router)!.pid;
    });
  }

  /** Everyone hears the host's tone (decoded Opus, sent at -12 dBFS). */
  async function everyoneHears(timeoutMs: number) {
    const ears = listeners.map((room) => listenTo(room.remoteTracks()[0]!.track));
    cleanups.push(...ears.map((ear) => ear.stop));
    await eventually(() => {
      for (const [i, ear] of ears.entries()) expect(ear.loudestDb(), `listener ${i + 1}`).toBeGreaterThan(-30);
    }, timeoutMs);
  }

  beforeEach(async () => {
    server = await startTestServer({ workers: 2 });
    const created = await server.sfu.createSpace({ title: 'Two workers', hostName: 'Ada' });
    space = created.space;
    host = wrtcRoom(server.wsUrl);
    await host.connect();
    await host.join(created.hostToken);
    const tone = toneTrack();
    cleanups.push(tone.stop);
    await host.setMicrophone(tone.track);
    await eventually(() => expect(space.producers()).toHaveLength(1), 10_000);
    listeners = [];
    for (let i = 0; i < LISTENERS; i++) {
      const room = wrtcRoom(server.wsUrl);
      listeners.push(room);
      await room.connect();
      await room.join(created.listenerInvite, `Listener ${i + 1}`);
    }
    await eventually(() => {
      for (const room of listeners) expect(room.remoteTracks()).toHaveLength(1);
    }, 20_000);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const room of [host, ...listeners]) room?.close();
    await server.close();
  });

  it('places listeners on every worker and each hears the host through one pipe per producer and router', async () => {
    const stageWorker = server.sfu.pool.workerOf(space.router)!.pid;
    const pids = placement();
    // Both workers carry listeners; the one without the Stage gets them through a pipe.
    expect(new Set(pids)).toEqual(new Set(server.sfu.pool.workers().map((w) => w.pid)));
    const elsewhere = pids.filter((pid) => pid !== stageWorker).length;
    expect(elsewhere).toBeGreaterThanOrEqual(LISTENERS / 2 - 1);
    // One listener router on the other worker, one pipe for the one producer, however many listeners.
    expect(space.routers.routers()).toHaveLength(2);
    expect(space.routers.pipeCount).toBe(1);
    // The host's own transport is on the Stage's router.
    const hostMember = space.member(host.memberId!)!;
    for (const transport of hostMember.transports.values()) expect(transport.appData.router).toBe(space.router);
    await everyoneHears(10_000);
    // The pool counts the load it balances on.
    const load = server.sfu.pool.load();
    expect(load.workers).toBe(2);
    expect(load.consumers).toBeGreaterThanOrEqual(LISTENERS + 1);
  });

  it('a listener worker dies: its listeners hear the host again within 3 s, the Space and everyone else stay put', async () => {
    const stageWorker = server.sfu.pool.workerOf(space.router)!;
    const listenerWorker = server.sfu.pool.workers().find((w) => w !== stageWorker)!;
    const onIt = listeners.filter((_, i) => placement()[i] === listenerWorker.pid);
    const untouched = listeners.filter((room) => !onIt.includes(room));
    expect(onIt.length).toBeGreaterThan(0);
    const restarted = new Set<RoomClient>();
    for (const room of listeners) room.on('mediarestart', () => restarted.add(room));
    const router = space.router;
    const stageConsumers = untouched.map((room) => [...space.member(room.memberId!)!.consumers.keys()]);

    const killedAt = Date.now();
    process.kill(listenerWorker.pid, 'SIGKILL');
    await eventually(() => {
      for (const room of onIt) {
        expect(restarted.has(room)).toBe(true);
        expect(room.remoteTracks()).toHaveLength(1);
        const member = space.member(room.memberId!)!;
        expect([...member.consumers.values()].some((c) => !c.closed && !c.paused)).toBe(true);
      }
    }, 3000);
    const recoveredMs = Date.now() - killedAt;
    expect(recoveredMs).toBeLessThan(3000);
    await everyoneHears(5000);
    // The Stage never moved; listeners on the Stage's worker kept their consumers.
    expect(space.router).toBe(router);
    expect(space.status).toBe('live');
    for (const room of untouched) expect(restarted.has(room)).toBe(false);
    expect(untouched.map((room) => [...space.member(room.memberId!)!.consumers.keys()])).toEqual(stageConsumers);
    expect(server.logs.some((l) => l.msg === 'a listener’s media is set up again after their router died')).toBe(true);
  });
});
