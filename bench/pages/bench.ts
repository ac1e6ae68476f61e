// The bench page: the real RoomClient and microphone code in Chromium, driven by the scripts in bench/
// through `window.bench`. One page can be a host (the fake microphone, opened as the studio opens it,
// sent raw, without the studio's console) and any number of listeners.
import { BROWSER_PROCESSING_FOR } from '../../src/shared/console-settings';
import { microphoneConstraints } from '../../src/renderer/audio/engine/devices';
import { RoomClient, type RemoteTrack } from '../../src/renderer/room/RoomClient';

export interface ReceiverStats {
  packetsReceived: number;
  packetsLost: number;
  jitter: number;
  jitterBufferDelay: number;
  jitterBufferTargetDelay: number;
  jitterBufferMinimumDelay: number;
  jitterBufferEmittedCount: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  /** media-playout: the delay the audio output added, summed over samples. */
  totalPlayoutDelay: number;
  totalPlayoutSamples: number;
  /** Round trip on the receiving transport's ICE pair, seconds. */
  recvRoundTrip: number;
}

type StatsDict = Record<string, unknown> & { type: string };

function values(report: RTCStatsReport): StatsDict[] {
  return [...(report as unknown as Map<string, StatsDict>).values()];
}
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function roundTrip(stats: StatsDict[]): number {
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated === true) ?? stats.find((s) => s.type === 'candidate-pair');
  return num(pair?.currentRoundTripTime);
}

const listeners: Array<{ room: RoomClient; element?: HTMLAudioElement }> = [];

/** Plays a remote track, as a listener's page does. */
function play(remote: RemoteTrack): HTMLAudioElement {
  const element = new Audio();
  element.srcObject = new MediaStream([remote.track]);
  void element.play();
  return element;
}

async function joinListener(wsUrl: string, invite: string, name: string) {
  const room = new RoomClient({ wsUrl });
  const entry: { room: RoomClient; element?: HTMLAudioElement } = { room };
  room.on('trackadded', (remote) => (entry.element = play(remote)));
  await room.connect();
  await room.join(invite, name);
  listeners.push(entry);
  return room;
}

const bench = {
  /** Goes live with the fake microphone, opened with the studio's own settings. */
  async host(wsUrl: string) {
    // A host on headphones: no browser processing in the path.
    const mic = await navigator.mediaDevices.getUserMedia(microphoneConstraints(undefined, BROWSER_PROCESSING_FOR.headphones));
    const host = new RoomClient({ wsUrl });
    await host.connect();
    const created = await host.createSpace('Bench', 'Bench host');
    await host.join(created.hostToken);
    await host.startSending(mic.getAudioTracks()[0]!);
    return { spaceId: created.spaceId, invite: created.listenerInvite, listenPath: created.listenPath };
  },

  /** `count` more plain listeners, each its own RoomClient and WebRTC transport. */
  async listeners(wsUrl: string, invite: string, count: number) {
    for (let i = 0; i < count; i++) await joinListener(wsUrl, invite, `Calibration ${listeners.length + 1}`);
    return listeners.length;
  },

  /** Receiver statistics of every listener in this page, in join order. */
  async receiverStats(): Promise<ReceiverStats[]> {
    return Promise.all(
      listeners.map(async ({ room }) => {
        const stats = room.recvTransport ? values(await room.recvTransport.getStats()) : [];
        const inbound = stats.find((s) => s.type === 'inbound-rtp') ?? ({ type: 'none' } as StatsDict);
        const playout = stats.find((s) => s.type === 'media-playout') ?? ({ type: 'none' } as StatsDict);
        return {
          packetsReceived: num(inbound.packetsReceived),
          packetsLost: num(inbound.packetsLost),
          jitter: num(inbound.jitter),
          jitterBufferDelay: num(inbound.jitterBufferDelay),
          jitterBufferTargetDelay: num(inbound.jitterBufferTargetDelay),
          jitterBufferMinimumDelay: num(inbound.jitterBufferMinimumDelay),
          jitterBufferEmittedCount: num(inbound.jitterBufferEmittedCount),
          totalSamplesReceived: num(inbound.totalSamplesReceived),
          concealedSamples: num(inbound.concealedSamples),
          totalPlayoutDelay: num(playout.totalPlayoutDelay),
          totalPlayoutSamples: num(playout.totalSamplesCount),
          recvRoundTrip: roundTrip(stats),
        };
      }),
    );
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
