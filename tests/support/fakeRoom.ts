// RoomClients in Node: real signaling over WebSocket to a real SFU, with mediasoup-client's FakeHandler
// standing in for the browser's WebRTC (no audio flows; Chromium tests cover audio).
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { FakeHandler, testFakeParameters } from 'mediasoup-client';
import WebSocket from 'ws';
import { RoomClient } from '../../src/renderer/room/RoomClient';
import type { SocketLike } from '../../src/renderer/room/SignalingClient';

export function fakeRoom(wsUrl: string, options: { sessionToken?: string } = {}): RoomClient {
  return new RoomClient({
    wsUrl,
    ...options,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    deviceOptions: { handlerFactory: FakeHandler.createFactory(testFakeParameters) },
  });
}

export function fakeMicTrack(): MediaStreamTrack {
  return new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
}

/** Waits until `check` passes, polling; fails with the last error after `timeoutMs`. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
