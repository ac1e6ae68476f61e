// The audio of everyone on a Space's Stage, as it arrives at the SFU, for the server's own use
// (recording the replay, captioning). For each on-stage producer the tap opens a mediasoup consumer on
// a PlainTransport that sends plain RTP to one UDP socket of ours on loopback; packets are parsed and
// delivered per track (one StageTrack per producer) as typed events. The tap follows the Stage as
// producers come and go, re-attaches when the Space moves to a new router after a worker death, and
// closes with the Space. It neither decodes nor stores anything: what to do with the packets is the
// caller's business.
import dgram from 'node:dgram';
import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import { isRtcp, parseRtp } from './rtp.js';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** Room for a few seconds of a full Stage's packets should our event loop stall. */
const RECV_BUFFER_BYTES = 1 << 20;

/** The tap's clock: milliseconds since the epoch, monotonic within the process (never steps back). */
export function tapClock(): number {
  return performance.timeOrigin + performance.now();
}

/** One producer on the Stage, as the Space names it. */
export interface StageProducer {
  producer: ms.Producer;
  memberId: string;
  displayName: string;
}

/** What the tap needs to know of a Space as it changes. */
export type StageSourceEvents = {
  /** A member on the Stage started sending audio. */
  produceradded: [stageProducer: StageProducer];
  /** The Space moved to a new media router (its worker died); its producers are made again there. */
  routerchanged: [router: ms.Router];
  /** The Space ended. */
  ended: [reason: string];
};

/** A Space, as far as the tap is concerned (src/server/Space.ts is one). */
export interface StageSource {
  readonly id: string;
  readonly router: ms.Router;
  readonly status: string;
  stageProducers(): StageProducer[];
  on<K extends keyof StageSourceEvents>(event: K, listener: (...args: StageSourceEvents[K]) => void): () => void;
}

/** One RTP packet of a track, as it arrived. */
export interface TapPacket {
  /** The codec payload (Opus), copied out of the datagram. */
  payload: Buffer;
  sequenceNumber: number;
  /** RTP timestamp, in units of the track's clock rate (48 kHz for Opus). */
  timestamp: number;
  marker: boolean;
  /** When it reached our socket, on `tapClock()`. */
  arrivalMs: number;
  /** The sender's own level and voice-activity flag (ssrc-audio-level), when the sender sets it. */
  audioLevel?: { dBov: number; voice: boolean };
}

/** Why a track ended: its producer closed (the speaker left the stage or dropped), its router
 * closed under it (worker death: the Space makes its producers again on the new router), the Space
 * ended, or the tap was closed. */
export type TrackEndReason = 'producer closed' | 'router closed' | 'space ended' | 'tap closed';

export type StageTrackEvents = {
  packet: [packet: TapPacket];
  /** The producer was paused (the speaker muted): no packets until `resume`. */
  pause: [];
  resume: [];
  /** The track is over; no more events follow. */
  close: [reason: TrackEndReason];
};

export interface TrackCodec {
  mimeType: string;
  clockRate: number;
  channels: number;
  payloadType: number;
}

/** The audio of one producer on the Stage. */
export class StageTrack extends TypedEmitter<StageTrackEvents> {
  readonly producerId: string;
  readonly memberId: string;
  readonly displayName: string;
  readonly codec: TrackCodec;
  /** The SSRC our consumer sends with (not the producer's). */
  readonly ssrc: number;
  /** When the tap started consuming it, on `tapClock()`. */
  readonly openedAt = tapClock();
  /** Packets and payload bytes delivered so far. */
  packets = 0;
  bytes = 0;
  /** Packets the sequence numbers say never arrived (counted forward only). */
  lost = 0;
  #paused: boolean;
  #closed = false;
  /** The highest sequence number seen, or -1 before the first packet. */
  #lastSeq = -1;

  constructor(init: { producerId: string; memberId: string; displayName: string; codec: TrackCodec; ssrc: number; paused: boolean }) {
    super();
    this.producerId = init.producerId;
    this.memberId = init.memberId;
    this.displayName = init.displayName;
    this.codec = init.codec;
    this.ssrc = init.ssrc;
    this.#paused = init.paused;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal The tap hands each parsed packet here. */
  deliver(packet: TapPacket): void {
    if (this.#closed) return;
    if (this.#lastSeq >= 0) {
      const step = (packet.sequenceNumber - this.#lastSeq + 0x10000) & 0xffff;
      if (step === 0 || step >= 0x8000) {
        // A duplicate or a late, reordered packet: still delivered, the counters stay.
        this.safeEmit('packet', packet);
        return;
      }
      this.lost += step - 1;
    }
    this.#lastSeq = packet.sequenceNumber;
    this.packets++;
    this.bytes += packet.payload.length;
    this.safeEmit('packet', packet);
  }

  /** @internal */
  setPaused(paused: boolean): void {
    if (this.#closed || paused === this.#paused) return;
    this.#paused = paused;
    this.safeEmit(paused ? 'pause' : 'resume');
  }

  /** @internal */
  end(reason: TrackEndReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }
}

export type StageTapEvents = {
  /** A producer came on the Stage; listen to its events now, packets follow right after. */
  track: [track: StageTrack];
  /** The tap closed (its Space ended, or close() was called). */
  close: [];
};

export class StageTap extends TypedEmitter<StageTapEvents> {
  readonly #source: StageSource;
  readonly #logger: Logger;
  readonly #socket: dgram.Socket;
  readonly #port: number;
  /** The PlainTransport on each router the Space has used (one at a time, but a move overlaps). */
  readonly #transports = new Map<ms.Router, Promise<ms.PlainTransport>>();
  /** Open tracks by the SSRC their consumer sends with. */
  readonly #bySsrc = new Map<number, StageTrack>();
  /** Each open track's ssrc-audio-level extension id, when the consumer carries it. */
  readonly #audioLevelIds = new Map<number, number | undefined>();
  /** Open tracks by producer id, so a producer is consumed once. */
  readonly #byProducer = new Map<string, StageTrack>();
  /** Producers being set up, so a late `produceradded` and the initial scan do not race. */
  readonly #pending = new Set<string>();
  /** The consumers of open tracks, closed with the tap. */
  readonly #consumers = new Set<ms.Consumer>();
  /** Unsubscribes from the Space's events. */
  readonly #offs: Array<() => void> = [];
  #closed = false;

  private constructor(source: StageSource, logger: Logger, socket: dgram.Socket) {
    super();
    this.#source = source;
    this.#logger = logger;
    this.#socket = socket;
    this.#port = socket.address().port;
    socket.on('message', (datagram) => this.#onDatagram(datagram));
    socket.on('error', (error) => this.#logger.warn('stage tap socket error', { error }));
  }

  /**
   * Opens a tap on a live Space: every producer already on its Stage, and every one that comes later,
   * becomes a track. Listen for `track` before anything else; the first tracks are emitted on the next
   * turn of the event loop at the earliest.
   */
  static async open(source: StageSource, logger: Logger): Promise<StageTap> {
    if (source.status !== 'live') throw new Error(`space ${source.id} has ended; there is no stage to tap`);
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const tap = new StageTap(source, logger.child({ component: 'stage-tap', spaceId: source.id }), socket);
    tap.#offs.push(
      source.on('produceradded', (stageProducer) => tap.#consume(stageProducer)),
      source.on('routerchanged', () => tap.#forgetClosedRouters()),
      source.on('ended', () => tap.close()),
    );
    for (const stageProducer of source.stageProducers()) tap.#consume(stageProducer);
    return tap;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The UDP port on 127.0.0.1 the SFU sends this tap's RTP to. */
  get port(): number {
    return this.#port;
  }

  /** The open tracks, in the order they came. */
  tracks(): StageTrack[] {
    return [...this.#byProducer.values()];
  }

  /** Stops consuming: every track ends with 'tap closed', the transports and the socket close. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#offs) off();
    for (const track of this.#byProducer.values()) track.end('tap closed');
    this.#byProducer.clear();
    this.#bySsrc.clear();
    for (const consumer of this.#consumers) consumer.close();
    this.#consumers.clear();
    for (const transport of this.#transports.values()) {
      transport.then((t) => t.close()).catch(() => undefined);
    }
    this.#transports.clear();
    this.#socket.close();
    this.safeEmit('close');
    this.removeAllListeners();
  }

  #consume(stageProducer: StageProducer): void {
    const { producer } = stageProducer;
    if (this.#closed || producer.closed || this.#byProducer.has(producer.id) || this.#pending.has(producer.id)) return;
    this.#pending.add(producer.id);
    const router = this.#source.router;
    this.#startTrack(router, stageProducer)
      .catch((error: unknown) => {
        // The producer (or its router) went away while we set up: nothing to record of it.
        if (!this.#closed && !producer.closed && !router.closed) this.#logger.error('could not tap a producer', { producerId: producer.id, error });
      })
      .finally(() => this.#pending.delete(producer.id));
  }

  async #startTrack(router: ms.Router, { producer, memberId, displayName }: StageProducer): Promise<void> {
    const transport = await this.#transportFor(router);
    if (this.#closed || producer.closed) return;
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
    if (this.#closed || producer.closed) {
      consumer.close();
      return;
    }
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    const codec = consumer.rtpParameters.codecs[0];
    if (ssrc === undefined || !codec) {
      consumer.close();
      throw new Error('the tap consumer has no SSRC or codec');
    }
    const audioLevelId = consumer.rtpParameters.headerExtensions?.find((h) => h.uri === AUDIO_LEVEL_URI)?.id;
    const track = new StageTrack({
      producerId: producer.id,
      memberId,
      displayName,
      codec: { mimeType: codec.mimeType, clockRate: codec.clockRate, channels: codec.channels ?? 1, payloadType: codec.payloadType },
      ssrc,
      paused: consumer.producerPaused,
    });
    this.#audioLevelIds.set(ssrc, audioLevelId);
    this.#bySsrc.set(ssrc, track);
    this.#byProducer.set(producer.id, track);
    this.#consumers.add(consumer);
    const end = (reason: TrackEndReason) => {
      this.#consumers.delete(consumer);
      if (this.#bySsrc.get(ssrc) === track) {
        this.#bySsrc.delete(ssrc);
        this.#audioLevelIds.delete(ssrc);
      }
      if (this.#byProducer.get(producer.id) === track) this.#byProducer.delete(producer.id);
      track.end(reason);
    };
    consumer.on('producerclose', () => end('producer closed'));
    // A Space that ends closes its router first: say so, rather than blame the router.
    consumer.on('transportclose', () => end(this.#source.status === 'live' ? 'router closed' : 'space ended'));
    consumer.on('producerpause', () => track.setPaused(true));
    consumer.on('producerresume', () => track.setPaused(false));
    this.#logger.info('tapping a stage producer', { producerId: producer.id, memberId, ssrc });
    this.safeEmit('track', track);
    await consumer.resume();
  }

  #transportFor(router: ms.Router): Promise<ms.PlainTransport> {
    let transport = this.#transports.get(router);
    if (!transport) {
      transport = (async () => {
        const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
        await t.connect({ ip: '127.0.0.1', port: this.#port });
        if (this.#closed) t.close();
        return t;
      })();
      this.#transports.set(router, transport);
      router.observer.once('close', () => this.#transports.delete(router));
      // A failed creation is not cached: the next producer tries again.
      transport.catch(() => this.#transports.delete(router));
    }
    return transport;
  }

  #forgetClosedRouters(): void {
    for (const router of this.#transports.keys()) if (router.closed) this.#transports.delete(router);
  }

  #onDatagram(datagram: Buffer): void {
    if (this.#closed || isRtcp(datagram)) return;
    const arrivalMs = tapClock();
    if (datagram.length < 12) return;
    const ssrc = datagram.readUInt32BE(8);
    const track = this.#bySsrc.get(ssrc);
    if (!track) return;
    const rtp = parseRtp(datagram, this.#audioLevelIds.get(ssrc));
    if (!rtp || rtp.payloadType !== track.codec.payloadType) return;
    track.deliver({
      // Copied: the datagram's buffer is not ours to keep.
      payload: Buffer.from(rtp.payload),
      sequenceNumber: rtp.sequenceNumber,
      timestamp: rtp.timestamp,
      marker: rtp.marker,
      arrivalMs,
      ...(rtp.audioLevel ? { audioLevel: rtp.audioLevel } : {}),
    });
  }
}
