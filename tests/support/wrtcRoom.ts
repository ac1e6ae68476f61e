// RoomClients in Node with real WebRTC: @roamhq/wrtc's RTCPeerConnection (libwebrtc) under
// mediasoup-client's Chrome111 handler, so ICE, DTLS, SRTP and Opus run for real against the SFU.
// A host sends a tone from an RTCAudioSource; listeners read decoded audio from an RTCAudioSink.
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { RoomClient } from '../../src/renderer/room/RoomClient';
import type { SocketLike } from '../../src/renderer/room/SignalingClient';

// mediasoup-client's handler looks these up as globals, as in a browser.
const globals = globalThis as Record<string, unknown>;
for (const name of ['RTCPeerConnection', 'RTCSessionDescription', 'RTCIceCandidate', 'MediaStream', 'MediaStreamTrack', 'RTCRtpSender', 'RTCRtpReceiver', 'RTCRtpTransceiver'] as const) {
  globals[name] ??= (wrtc as unknown as Record<string, unknown>)[name];
}

/** `balance`: a load balancer in front of several nodes, choosing the address of each new connection. */
export function wrtcRoom(wsUrl: string, balance?: () => string): RoomClient {
  return new RoomClient({
    wsUrl,
    createSocket: (url) => new WebSocket(balance ? balance() : url) as unknown as SocketLike,
    deviceOptions: { handlerName: 'Chrome111' },
  });
}

/** A 440 Hz tone at -12 dBFS as a live microphone track, fed 10 ms at a time until `stop()`. */
export function toneTrack(): { track: MediaStreamTrack; stop: () => void } {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const sampleRate = 48_000;
  const frames = sampleRate / 100;
  let n = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(frames);
    for (let i = 0; i < frames; i++, n++) samples[i] = Math.round(0.25 * 32767 * Math.sin((2 * Math.PI * 440 * n) / sampleRate));
    source.onData({ samples, sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: frames });
  }, 10);
  return {
    track: track as unknown as MediaStreamTrack,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** Loudest 10 ms block (RMS, dBFS) a received track delivered since the last call; -Infinity if none. */
export function listenTo(track: MediaStreamTrack): { loudestDb: () => number; stop: () => void } {
  const sink = new wrtc.nonstandard.RTCAudioSink(track as never);
  let loudest = 0;
  sink.ondata = (data: { samples: Int16Array }) => {
    let sum = 0;
    for (const s of data.samples) sum += s * s;
    loudest = Math.max(loudest, Math.sqrt(sum / Math.max(1, data.samples.length)) / 32768);
  };
  return {
    loudestDb: () => {
      const db = 20 * Math.log10(loudest);
      loudest = 0;
      return db;
    },
    stop: () => sink.stop(),
  };
}
