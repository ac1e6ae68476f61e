// The probe: an init script the latency benchmarks add to every page they open, the studio's and the bare
// mediasoup page's alike, so both are measured the same way and neither page's code is touched. It taps
// audio where it crosses the page's edges:
//   mouth  every microphone track getUserMedia returns,
//   sent   every track the page hands an RTCPeerConnection to send,
//   ear    every track an RTCPeerConnection receives.
// A tap reads the track's frames with MediaStreamTrackProcessor. Chromium stamps each AudioData with the
// time it was captured (a microphone) or handed on for playout (a received track), on the page's
// performance clock, so neither a Web Audio FIFO nor main-thread scheduling enters the figures. Onsets
// (the first sample above a threshold after a quiet stretch) leave as epoch milliseconds
// (timeOrigin + timestamp), which compare across the pages of one machine.
export type TapName = 'mouth' | 'sent' | 'ear';

export interface ProbeOptions {
  /** Onset threshold, linear (0.05 is -26 dBFS). */
  threshold: number;
  /** Quiet needed before a rise counts as a new onset, ms. */
  quietMs: number;
}

/** What getStats() says about one RTCPeerConnection's audio, trimmed to what the benches read. */
export interface PeerStats {
  at: number;
  inbound?: {
    packetsReceived: number;
    packetsLost: number;
    jitter: number;
    jitterBufferDelay: number;
    jitterBufferTargetDelay: number;
    jitterBufferMinimumDelay: number;
    jitterBufferEmittedCount: number;
    totalSamplesReceived: number;
    concealedSamples: number;
    insertedSamplesForDeceleration: number;
    removedSamplesForAcceleration: number;
  };
  outbound?: { packetsSent: number; bytesSent: number; timestamp: number };
  /** Round trip of the ICE pair in use, seconds. */
  roundTrip?: number;
  /** media-playout: delay the output added, summed over samples. */
  playout?: { totalPlayoutDelay: number; totalSamplesCount: number };
  codec?: { mimeType: string; channels: number; sdpFmtpLine: string };
  /** The receivers' jitterBufferTarget setting (ms; null when unset). */
  jitterBufferTargets: Array<number | null>;
}

interface Tap {
  /** Usually one name; a microphone sent as it is is both 'mouth' and 'sent'. */
  names: Set<TapName>;
  track: MediaStreamTrack;
  onsets: number[];
  channels: number;
  /** Timestamps (epoch ms) of the latest frames, to see how evenly the track delivers. */
  frames: number[];
}

declare global {
  interface Window {
    hostlineProbe: typeof probe;
    hostlineProbeOptions?: Partial<ProbeOptions>;
  }
}

const options: ProbeOptions = { threshold: 0.05, quietMs: 100, ...window.hostlineProbeOptions };
const taps: Tap[] = [];
const peers: RTCPeerConnection[] = [];

function tap(name: TapName, track: MediaStreamTrack): void {
  if (track.kind !== 'audio') return;
  const existing = taps.find((t) => t.track === track);
  if (existing) {
    existing.names.add(name);
    return;
  }
  const entry: Tap = { names: new Set([name]), track, onsets: [], channels: 0, frames: [] };
  taps.push(entry);
  // Room for a second of audio, so a busy main thread delays reading but never loses frames.
  const reader = new MediaStreamTrackProcessor({ track, maxBufferSize: 100 }).readable.getReader();
  // Starting quiet: the first sound a tap hears is an onset (the join bench times exactly that).
  let quiet = Infinity;
  let samples = new Float32Array(0);
  void (async () => {
    for (;;) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) return;
      try {
        entry.channels = frame.numberOfChannels;
        entry.frames.push(performance.timeOrigin + frame.timestamp / 1000);
        if (entry.frames.length > 1000) entry.frames.splice(0, 500);
        if (samples.length < frame.numberOfFrames) samples = new Float32Array(frame.numberOfFrames);
        const channel = samples.subarray(0, frame.numberOfFrames);
        frame.copyTo(channel, { planeIndex: 0, format: 'f32-planar' });
        const quietFrames = (options.quietMs / 1000) * frame.sampleRate;
        for (let i = 0; i < channel.length; i++) {
          if (Math.abs(channel[i]!) > options.threshold) {
            if (quiet >= quietFrames) entry.onsets.push(performance.timeOrigin + frame.timestamp / 1000 + (1000 * i) / frame.sampleRate);
            quiet = 0;
          } else quiet++;
        }
      } finally {
        frame.close();
      }
    }
  })();
}

const getUserMedia = MediaDevices.prototype.getUserMedia;
MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
  const stream = await getUserMedia.call(this, constraints);
  for (const track of stream.getAudioTracks()) tap('mouth', track);
  return stream;
};

const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    peers.push(this);
    this.addEventListener('track', (event) => tap('ear', event.track));
  }
} as typeof RTCPeerConnection;

const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
RTCPeerConnection.prototype.addTransceiver = function (this: RTCPeerConnection, trackOrKind: MediaStreamTrack | string, init?: RTCRtpTransceiverInit) {
  if (typeof trackOrKind !== 'string') tap('sent', trackOrKind);
  return addTransceiver.call(this, trackOrKind, init);
};
const addTrack = RTCPeerConnection.prototype.addTrack;
RTCPeerConnection.prototype.addTrack = function (this: RTCPeerConnection, track: MediaStreamTrack, ...streams: MediaStream[]) {
  tap('sent', track);
  return addTrack.call(this, track, ...streams);
};
const replaceTrack = RTCRtpSender.prototype.replaceTrack;
RTCRtpSender.prototype.replaceTrack = function (this: RTCRtpSender, track: MediaStreamTrack | null) {
  if (track) tap('sent', track);
  return replaceTrack.call(this, track);
};

type StatsEntry = Record<string, unknown> & { type: string; kind?: string };
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

async function peerStats(pc: RTCPeerConnection): Promise<PeerStats> {
  const all = [...((await pc.getStats()) as unknown as Map<string, StatsEntry>).values()];
  const inbound = all.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  const outbound = all.find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
  const pair = all.find((s) => s.type === 'candidate-pair' && s.nominated === true) ?? all.find((s) => s.type === 'candidate-pair');
  const playout = all.find((s) => s.type === 'media-playout');
  const codecId = (inbound ?? outbound)?.codecId;
  const codec = all.find((s) => s.type === 'codec' && s.id === codecId);
  return {
    at: performance.timeOrigin + performance.now(),
    inbound: inbound && {
      packetsReceived: num(inbound.packetsReceived),
      packetsLost: num(inbound.packetsLost),
      jitter: num(inbound.jitter),
      jitterBufferDelay: num(inbound.jitterBufferDelay),
      jitterBufferTargetDelay: num(inbound.jitterBufferTargetDelay),
      jitterBufferMinimumDelay: num(inbound.jitterBufferMinimumDelay),
      jitterBufferEmittedCount: num(inbound.jitterBufferEmittedCount),
      totalSamplesReceived: num(inbound.totalSamplesReceived),
      concealedSamples: num(inbound.concealedSamples),
      insertedSamplesForDeceleration: num(inbound.insertedSamplesForDeceleration),
      removedSamplesForAcceleration: num(inbound.removedSamplesForAcceleration),
    },
    outbound: outbound && { packetsSent: num(outbound.packetsSent), bytesSent: num(outbound.bytesSent), timestamp: num(outbound.timestamp) },
    roundTrip: pair ? num(pair.currentRoundTripTime) : undefined,
    playout: playout && { totalPlayoutDelay: num(playout.totalPlayoutDelay), totalSamplesCount: num(playout.totalSamplesCount) },
    codec: codec && { mimeType: String(codec.mimeType), channels: num(codec.channels), sdpFmtpLine: String(codec.sdpFmtpLine ?? '') },
    jitterBufferTargets: pc.getReceivers().map((r) => (r as RTCRtpReceiver & { jitterBufferTarget?: number | null }).jitterBufferTarget ?? null),
  };
}

const probe = {
  /** Onsets (epoch ms) per tap name, from the taps whose tracks are still live. */
  onsets(): Partial<Record<TapName, number[]>> {
    const out: Partial<Record<TapName, number[]>> = {};
    for (const t of taps) if (t.track.readyState === 'live') for (const name of t.names) (out[name] ??= []).push(...t.onsets);
    for (const list of Object.values(out)) list.sort((a, b) => a - b);
    return out;
  },
  /** Forgets the onsets heard so far (after the jitter buffer has settled). */
  clear(): void {
    for (const t of taps) t.onsets.length = 0;
  },
  /** Frame timestamps (epoch ms) of the live taps, by name, the latest few hundred. */
  frames(): Partial<Record<TapName, number[]>> {
    return Object.fromEntries(taps.filter((t) => t.track.readyState === 'live').flatMap((t) => [...t.names].map((name) => [name, [...t.frames]])));
  },
  /** Channel counts of the live taps, by name. */
  channels(): Partial<Record<TapName, number>> {
    return Object.fromEntries(taps.filter((t) => t.track.readyState === 'live').flatMap((t) => [...t.names].map((name) => [name, t.channels])));
  },
  /** getStats() of every open peer connection of this page. */
  stats(): Promise<PeerStats[]> {
    return Promise.all(peers.filter((pc) => pc.connectionState !== 'closed').map(peerStats));
  },
  /** Epoch ms now, on the same clock as the onsets. */
  now(): number {
    return performance.timeOrigin + performance.now();
  },
};

window.hostlineProbe = probe;
