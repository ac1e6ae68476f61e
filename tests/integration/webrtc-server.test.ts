// One WebRtcServer per worker: every WebRTC client of a worker reaches it on one UDP port. Twenty real
// WebRTC listeners (libwebrtc through @roamhq/wrtc, the real RoomClient) and a host all go through that
// one port, hear the host's tone, and the worker holds no other UDP socket. The old per-transport ports
// (`--rtc-ports range`) stay available and show what the count would be without it.
import type { types as ms } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { WorkerUsage } from '../../src/server/WorkerPool';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { socketsOf } from '../support/sockets';
import { listenTo, toneTrack, wrtcRoom } from '../support/wrtcRoom';

const LISTENERS = 20;

describe('a WebRtcServer per worker', () => {
  let server: TestServer | undefined;
  const rooms: RoomClient[] = [];
  const cleanups: Array<() => void> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const room of rooms.splice(0)) room.close();
    await server?.close();
    server = undefined;
  });

  /** Every WebRTC transport of the Space with the tuple ICE selected. */
  async function selectedTuples(spaceId: string): Promise<Array<ms.TransportTuple | undefined>> {
    const space = server!.sfu.space(spaceId)!;
    const transports = space.members().flatMap((m) => [...m.transports.values()]);
    return Promise.all(transports.map(async (t) => (await t.getStats())[0]?.iceSelectedTuple));
  }

  it(`carries a host and ${LISTENERS} real WebRTC listeners through one UDP port of the worker`, async () => {
    server = await startTestServer({ rtcPort: 0 });
    // What an operator sees: each worker's ports, routers and resource usage (worker.getResourceUsage).
    const health = (await (await fetch(`${server.httpUrl}/healthz/workers`)).json()) as { workers: WorkerUsage[] };
    expect(health.workers).toHaveLength(1);
    const [usage] = health.workers;
    expect(usage).toMatchObject({ pid: server.sfu.pool.workers()[0]!.pid, routers: 0 });
    expect(usage!.cpuMs).toBeGreaterThan(0);
    expect(usage!.maxRssKiB).toBeGreaterThan(1000);
    const ports = usage!.webRtcPorts!;
    const { space, hostToken, listenerInvite } = await server.sfu.createSpace({ title: 'One port', hostName: 'Ada' });

    const host = wrtcRoom(server.wsUrl);
    rooms.push(host);
    await host.connect();
    await host.join(hostToken);
    const tone = toneTrack();
    cleanups.push(tone.stop);
    await host.setMicrophone(tone.track);

    const listeners = Array.from({ length: LISTENERS }, () => wrtcRoom(server!.wsUrl));
    rooms.push(...listeners);
    await Promise.all(listeners.map(async (room, i) => {
      await room.connect();
      await room.join(listenerInvite, `Listener ${i + 1}`);
    }));
    await eventually(() => {
      for (const room of listeners) expect(room.remoteTracks()).toHaveLength(1);
    }, 20_000);

    // Everyone hears the tone (decoded Opus, -12 dBFS sent).
    const ears = listeners.map((room) => listenTo(room.remoteTracks()[0]!.track));
    cleanups.push(...ears.map((ear) => ear.stop));
    await eventually(() => {
      for (const [i, ear] of ears.entries()) expect(ear.loudestDb(), `listener ${i + 1}`).toBeGreaterThan(-30);
    }, 10_000);

    // Every transport's selected pair ends on the worker's one UDP port.
    const tuples = await selectedTuples(space.id);
    expect(tuples).toHaveLength(LISTENERS + 1);
    for (const tuple of tuples) expect(tuple).toMatchObject({ protocol: 'udp', localPort: ports.udp });

    // And the worker process holds exactly that UDP socket, and one TCP listening socket for fallback.
    const worker = server.sfu.pool.workers()[0]!;
    const sockets = socketsOf(worker.pid);
    expect(sockets.udp).toEqual([ports.udp]);
    expect(sockets.tcpListening).toEqual([ports.tcp]);
    expect(sockets.tcpOther).toEqual([]);
  }, 90_000);

  it('with --rtc-ports range each transport binds ports of its own (the old way, still available)', async () => {
    server = await startTestServer({ rtcPorts: 'range', rtcMinPort: 47000, rtcMaxPort: 47999 });
    const { hostToken, listenerInvite } = await server.sfu.createSpace({ title: 'Many ports', hostName: 'Ada' });
    const host = fakeRoom(server.wsUrl);
    rooms.push(host);
    await host.connect();
    await host.join(hostToken);
    await host.setMicrophone(fakeMicTrack());
    for (let i = 0; i < 3; i++) {
      const room = fakeRoom(server.wsUrl);
      rooms.push(room);
      await room.connect();
      await room.join(listenerInvite, `Listener ${i + 1}`);
    }
    await eventually(() => {
      for (const room of rooms.slice(1)) expect(room.remoteTracks()).toHaveLength(1);
    });
    const sockets = socketsOf(server.sfu.pool.workers()[0]!.pid);
    // Host's send transport plus three receive transports: four UDP sockets and four TCP listeners.
    expect(sockets.udp).toHaveLength(4);
    expect(sockets.tcpListening).toHaveLength(4);
    for (const port of [...sockets.udp, ...sockets.tcpListening]) expect(port).toBeGreaterThanOrEqual(47000);
  });
});
