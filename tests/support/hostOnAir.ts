// A live Space with its host on air: a real WebRTC host (RoomClient over libwebrtc) sending a tone, for
// tests whose listeners must hear something.
import { expect } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { RunningServer } from '../../src/server/server';
import { eventually } from './fakeRoom';
import { toneTrack, wrtcRoom } from './wrtcRoom';

export async function hostOnAir(server: RunningServer, title: string) {
  const created = await server.sfu.createSpace({ title, hostName: 'Ada' });
  const host: RoomClient = wrtcRoom(server.wsUrl);
  await host.connect();
  await host.join(created.hostToken);
  const tone = toneTrack();
  await host.setMicrophone(tone.track);
  await eventually(() => expect(created.space.producers()).toHaveLength(1), 10_000);
  return {
    ...created,
    host,
    stop() {
      tone.stop();
      host.close();
    },
  };
}
