// The bench page: the real RoomClient and microphone code in Chromium, driven by the scripts in bench/
// through `window.bench`. One page can be a host (the fake microphone, opened as the studio opens it),
// any number of listeners, and the taps that time sounds on a shared AudioContext clock.
import { BROWSER_PROCESSING_FOR } from '../../src/shared/console-settings';
import { microphoneConstraints } from '../../src/renderer/audio/engine/devices';
import { RoomClient, type RemoteTrack } from '../../src/renderer/room/RoomClient';
import onsetWorkletUrl from './onset.worklet.ts?worker&url';

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

export interface SenderStats {
  /** Round trip on the sending transport's ICE pair, seconds. */
  sendRoundTrip: number;
  /** What the SFU reported back about the sent stream (remote-inbound-rtp). */
  remoteRoundTrip: number;
  packetsSent: number;
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
let context: AudioContext | undefined;
let host: RoomClient | undefined;
const onsets: Record<string, number[]> = {};

async function audioContext(): Promise<AudioContext> {
  if (!context) {
    context = new AudioContext({ sampleRate: 48000 });
    await context.audioWorklet.addModule(onsetWorkletUrl);
  }
  // Made before getUserMedia, or without a gesture, it starts suspended.
  await context.resume();
  return context;
}

/** Records the onsets of a stream on the shared clock, under `name`. */
async function tap(name: string, stream: MediaStream, threshold: number): Promise<void> {
  const ctx = await audioContext();
  const list: number[] = (onsets[name] = []);
  const node = new AudioWorkletNode(ctx, 'bench-onset', { processorOptions: { threshold, quietMs: 100 } });
  node.port.onmessage = (event: MessageEvent<{ frame: number }>) => list.push(event.data.frame / ctx.sampleRate);
  ctx.createMediaStreamSource(stream).connect(node);
  const sink = ctx.createGain();
  sink.gain.value = 0;
  node.connect(sink).connect(ctx.destination);
}

/** Plays a remote track: Chromium feeds remote WebRTC audio to Web Audio only while an element plays it. */
function play(remote: RemoteTrack): { element: HTMLAudioElement; stream: MediaStream } {
  const stream = new MediaStream([remote.track]);
  const element = new Audio();
  element.srcObject = stream;
  void element.play();
  return { element, stream };
}

async function joinListener(wsUrl: string, invite: string, name: string, onTrack?: (remote: RemoteTrack) => void) {
  const room = new RoomClient({ wsUrl });
  const entry: { room: RoomClient; element?: HTMLAudioElement } = { room };
  room.on('trackadded', (remote) => {
    entry.element = play(remote).element;
    onTrack?.(remote);
  });
  await room.connect();
  await room.join(invite, name);
  listeners.push(entry);
  return room;
}

const bench = {
  /** Goes live with the fake microphone, opened with the studio's own settings. */
  async host(wsUrl: string, options: { mouthTapThreshold?: number } = {}) {
    // A host on headphones: no browser processing in the path.
    const mic = await navigator.mediaDevices.getUserMedia(microphoneConstraints(undefined, BROWSER_PROCESSING_FOR.headphones));
    if (options.mouthTapThreshold !== undefined) await tap('mouth', mic, options.mouthTapThreshold);
    host = new RoomClient({ wsUrl });
    await host.connect();
    const created = await host.createSpace('Bench', 'Bench host');
    await host.join(created.hostToken);
    await host.startSending(mic.getAudioTracks()[0]!);
    return { spaceId: created.spaceId, invite: created.listenerInvite, listenPath: created.listenPath };
  },

  /** A listener in this page whose received audio is tapped for onsets under 'ear'. */
  async ear(wsUrl: string, invite: string, threshold: number) {
    let resolveTrack!: () => void;
    const tracked = new Promise<void>((resolve) => (resolveTrack = resolve));
    await joinListener(wsUrl, invite, 'Ear', (remote) => {
      void tap('ear', play(remote).stream, threshold).then(resolveTrack);
    });
    await tracked;
  },

  /** `count` more plain listeners, each its own RoomClient and WebRTC transport. */
  async listeners(wsUrl: string, invite: string, count: number) {
    for (let i = 0; i < count; i++) await joinListener(wsUrl, invite, `Calibration ${listeners.length + 1}`);
    return listeners.length;
  },

  onsets(): Record<string, number[]> {
    return structuredClone(onsets);
  },

  clearOnsets(): void {
    for (const list of Object.values(onsets)) list.length = 0;
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

  async senderStats(): Promise<SenderStats> {
    const producer = host?.producer;
    const stats = producer ? values(await producer.getStats()) : [];
    const remote = stats.find((s) => s.type === 'remote-inbound-rtp');
    const outbound = stats.find((s) => s.type === 'outbound-rtp');
    return { sendRoundTrip: roundTrip(stats), remoteRoundTrip: num(remote?.roundTripTime), packetsSent: num(outbound?.packetsSent) };
  },

  audioLatency() {
    return { baseLatency: context?.baseLatency ?? 0, outputLatency: context?.outputLatency ?? 0 };
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
