// A speaker without a browser: a mediasoup PlainTransport producer on a real router, fed with Opus RTP
// packets from a UDP socket in this process. Each packet's payload says which packet it is (its index
// as text), and carries an ssrc-audio-level header extension, so a receiver can check what it got.
import dgram from 'node:dgram';
import type { types as ms } from 'mediasoup';

const OPUS_PT = 100;
const AUDIO_LEVEL_ID = 1;
const SAMPLES_PER_PACKET = 960;

export interface PlainProducer {
  transport: ms.PlainTransport;
  producer: ms.Producer;
  /** Sends `count` packets, `intervalMs` apart (0: as fast as possible); returns their indexes. */
  send(count: number, intervalMs?: number, level?: { dBov: number; voice: boolean }): Promise<number[]>;
  /**
   * Sends real Opus packets on a steady 20 ms grid (by the clock, so it does not drift), with RTP
   * timestamps stepping by each packet's length; `level` per packet (default: loud when large).
   */
  sendOpus(packets: Buffer[], options?: { level?: (packet: Buffer, index: number) => { dBov: number; voice: boolean } }): Promise<void>;
  /** The index the next packet will carry. */
  readonly next: number;
  close(): void;
}

export function payloadOf(index: number): Buffer {
  return Buffer.from(`opus-packet-${index}`);
}

export async function plainProducer(router: ms.Router, ssrc = 0x0abc_def0): Promise<PlainProducer> {
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
      encodings: [{ ssrc }],
      headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: AUDIO_LEVEL_ID }],
    },
  });
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let index = 0;
  let timestamp = 5000;
  const packet = (level: { dBov: number; voice: boolean }, payload: Buffer = payloadOf(index), samples = SAMPLES_PER_PACKET) => {
    const header = Buffer.alloc(12);
    header[0] = 0x90; // version 2, with a header extension
    header[1] = OPUS_PT;
    header.writeUInt16BE((1000 + index) & 0xffff, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    // One-byte extension header: one element (id 1, length 1) padded to a word.
    const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, (AUDIO_LEVEL_ID << 4) | 0, (level.voice ? 0x80 : 0) | level.dBov, 0, 0]);
    index++;
    timestamp += samples;
    return Buffer.concat([header, extension, payload]);
  };
  return {
    transport,
    producer,
    get next() {
      return index;
    },
    async send(count, intervalMs = 20, level = { dBov: 30, voice: true }) {
      const sent: number[] = [];
      for (let i = 0; i < count; i++) {
        sent.push(index);
        socket.send(packet(level), transport.tuple.localPort, '127.0.0.1');
        if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
      }
      return sent;
    },
    async sendOpus(packets, options = {}) {
      const started = performance.now();
      for (let i = 0; i < packets.length; i++) {
        const payload = packets[i]!;
        const level = options.level?.(payload, i) ?? (payload.length > 20 ? { dBov: 10, voice: true } : { dBov: 127, voice: false });
        socket.send(packet(level, payload, SAMPLES_PER_PACKET), transport.tuple.localPort, '127.0.0.1');
        const wait = started + (i + 1) * 20 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    },
    close() {
      socket.close();
      transport.close();
    },
  };
}
