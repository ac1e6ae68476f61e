// Plain RTP around a real mediasoup router, for tests and benchmarks that need audio to flow without a
// browser: a PlainTransport producer fed with Opus-shaped packets at 50 a second, and PlainTransport
// consumers (the cheapest possible listeners) whose packets are counted. Sending and counting happen in
// a child process (rtp-rig.mjs) so the process that runs mediasoup's Node side cannot skew them.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { types as ms } from 'mediasoup';

export interface StreamCount {
  ssrc: number;
  /** RTP packets that arrived. */
  count: number;
  /** Sequence numbers skipped between arrivals (packets lost on the way). */
  seqGaps: number;
  /** The longest wait between two arrivals, milliseconds. */
  maxGapMs: number;
  /** When the latest packet arrived: epoch milliseconds (performance.timeOrigin + now()). */
  lastArrivalMs: number;
}

export interface RigReport {
  streams: StreamCount[];
  /** The kernel's UDP counters: datagrams dropped because a receiving socket's buffer was full. */
  udp: { rcvbufErrors: number; inErrors: number; countingSocketDrops: number };
  /** The rig process's own CPU use, microseconds (process.cpuUsage()). */
  cpu: { user: number; system: number };
}

export interface SendResult {
  sent: number;
  /** The longest gap between two sends: how steady the source itself was. */
  maxSendGapMs: number;
  /** When the last packet left: epoch milliseconds, on the same clock as `StreamCount.lastArrivalMs`. */
  lastSentMs: number;
}

const OPUS_PT = 100;

export class RtpRig {
  readonly #child: ChildProcess;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (raw) => {
      const message = raw as { id: number; ok: boolean; result?: unknown; error?: string };
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(message.error));
    });
    child.on('exit', () => {
      for (const pending of this.#pending.values()) pending.reject(new Error('the RTP rig exited'));
      this.#pending.clear();
    });
  }

  static start(): RtpRig {
    return new RtpRig(fork(join(import.meta.dirname, 'rtp-rig.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, cmd, ...args });
    });
  }

  /** Opens `count` receiving UDP sockets (4 MiB buffers) on 127.0.0.1 and returns their ports. */
  async open(count: number): Promise<number[]> {
    return (await this.#call<{ ports: number[] }>('open', { count })).ports;
  }

  /** Opens `count` sockets that receive and never read (in a helper process): listeners not counted. */
  async sinks(count: number): Promise<number[]> {
    return (await this.#call<{ ports: number[] }>('sinks', { count })).ports;
  }

  /** Where the packets go: a PlainTransport producer's port, with the SSRC it expects. */
  source(port: number, ssrc: number): Promise<void> {
    return this.#call('source', { port, ssrc, payloadType: OPUS_PT });
  }

  /** Sends exactly `count` packets on a 20 ms grid and resolves when the last one is out. */
  send(count: number): Promise<SendResult> {
    return this.#call('send', { count });
  }

  /** Sends until stop(). */
  start(): Promise<void> {
    return this.#call('start');
  }

  stop(): Promise<SendResult> {
    return this.#call('stop');
  }

  /** Forgets every count so far. */
  reset(): Promise<void> {
    return this.#call('reset');
  }

  report(): Promise<RigReport> {
    return this.#call('report');
  }

  close(): void {
    if (this.#child.connected) this.#child.disconnect();
    this.#child.kill();
  }
}

/** A PlainTransport producer on `router` fed by the rig: stands in for a speaker's microphone. */
export async function plainSpeaker(router: ms.Router, rig: RtpRig, ssrc = 0x1234_5678) {
  // comedia: the worker learns where the rig sends from with the first packet.
  const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
      encodings: [{ ssrc }],
    },
  });
  await rig.source(transport.tuple.localPort, ssrc);
  return { transport, producer, ssrc };
}

/**
 * A PlainTransport consumer of `producerId` that delivers to 127.0.0.1:`port`: a listener with no ICE,
 * no DTLS and no decoding. With `srtp` the worker encrypts every packet for it, as it must for a WebRTC
 * listener, so its cost per packet is close to a real one's.
 */
export async function plainListener(router: ms.Router, producerId: string, port: number, srtp: boolean) {
  const transport = await router.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: false,
    enableSrtp: srtp,
    srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
  });
  await transport.connect({
    ip: '127.0.0.1',
    port,
    // The keys the worker would decrypt our RTCP with; we send none, but SRTP needs them set.
    srtpParameters: srtp ? { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } : undefined,
  });
  const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities });
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error('the consumer has no SSRC');
  return { transport, consumer, ssrc };
}
