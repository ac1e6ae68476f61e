// A microphone's encoder for tests and benchmarks without a browser: the system's libopus (through
// koffi) encodes 48 kHz samples into 20 ms Opus packets, each with the RFC 6464 audio level Chromium
// puts on its packets (what mediasoup's audio level observer and the caption gate read), and an RTP
// sender paces them to a PlainTransport producer in real time.
import { createRequire } from 'node:module';
import { createSocket } from 'node:dgram';
import type { types as ms } from 'mediasoup';

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const AUDIO_LEVEL_ID = 1;
const OPUS_PT = 100;
const FRAME = 960;

export interface EncodedPacket {
  payload: Buffer;
  /** dBov, 0 loudest to -127. */
  level: number;
}

/** Encodes mono 48 kHz samples as 20 ms Opus packets (VoIP mode, 32 kbit/s, as a browser would). */
export function encodeOpus(samples: Float32Array): EncodedPacket[] {
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const lib = koffi.load('libopus.so.0');
  const create = lib.func('void *opus_encoder_create(int32_t fs, int channels, int application, _Out_ int *error)');
  const encode = lib.func('int opus_encode(void *st, const int16_t *pcm, int frame_size, _Out_ uint8_t *data, int32_t max)');
  const destroy = lib.func('void opus_encoder_destroy(void *st)');
  const error = [0];
  const encoder = create(48000, 1, 2048 /* OPUS_APPLICATION_VOIP */, error);
  if (!encoder || error[0] !== 0) throw new Error(`opus_encoder_create failed (${error[0]})`);
  const out: EncodedPacket[] = [];
  const pcm = new Int16Array(FRAME);
  const data = new Uint8Array(1500);
  for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
    let sum = 0;
    for (let i = 0; i < FRAME; i++) {
      const s = Math.max(-1, Math.min(1, samples[at + i]!));
      pcm[i] = Math.round(s * 32767);
      sum += s * s;
    }
    const n = encode(encoder, pcm, FRAME, data, data.length) as number;
    if (n < 0) throw new Error(`opus_encode failed (${n})`);
    const rms = Math.sqrt(sum / FRAME);
    const level = rms > 0 ? Math.max(-127, Math.min(0, Math.round(20 * Math.log10(rms)))) : -127;
    out.push({ payload: Buffer.from(data.subarray(0, n)), level });
  }
  destroy(encoder);
  return out;
}

/** One RTP packet with the one-byte header extension carrying the audio level. */
export function rtpPacket(p: { seq: number; timestamp: number; ssrc: number; level: number; payload: Buffer }): Buffer {
  const header = Buffer.alloc(12 + 8);
  header[0] = 0x90; // version 2, extension bit
  header[1] = OPUS_PT;
  header.writeUInt16BE(p.seq & 0xffff, 2);
  header.writeUInt32BE(p.timestamp >>> 0, 4);
  header.writeUInt32BE(p.ssrc >>> 0, 8);
  header.writeUInt16BE(0xbede, 12);
  header.writeUInt16BE(1, 14); // one 32-bit word of extensions
  header[16] = (AUDIO_LEVEL_ID << 4) | 0; // id, length - 1
  header[17] = (p.level < -30 ? 0 : 0x80) | Math.min(127, -p.level); // voice bit, level
  return Buffer.concat([header, p.payload]);
}

/** A PlainTransport producer with the audio level extension, as a WebRTC microphone would offer. */
export async function plainMicrophone(router: ms.Router, ssrc: number) {
  const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_ID }],
      encodings: [{ ssrc }],
    },
  });
  return { transport, producer, port: transport.tuple.localPort };
}

/**
 * Sends the packets to 127.0.0.1:`port` at 20 ms intervals (on a steady clock, catching up after a
 * late timer), and resolves when the last one is out. `onSent(i, at)` sees each send.
 */
export async function sendPaced(port: number, ssrc: number, packets: EncodedPacket[], onSent?: (index: number, at: number) => void): Promise<void> {
  const socket = createSocket('udp4');
  const began = performance.now();
  let seq = Math.floor(Math.random() * 60000);
  let timestamp = Math.floor(Math.random() * 2 ** 31);
  try {
    for (let i = 0; i < packets.length; i++) {
      const due = began + i * 20;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = packets[i]!;
      const datagram = rtpPacket({ seq: seq++, timestamp, ssrc, level: p.level, payload: p.payload });
      // The last one must be out before the socket closes (a send still queued at close is dropped).
      if (i === packets.length - 1) await new Promise<void>((resolve) => socket.send(datagram, port, '127.0.0.1', () => resolve()));
      else socket.send(datagram, port, '127.0.0.1');
      timestamp += FRAME;
      onSent?.(i, Date.now());
    }
  } finally {
    socket.close();
  }
}
