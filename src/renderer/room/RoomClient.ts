// The room client: one person's connection to a Space. It joins with a token, hears everyone on the
// Stage (one consumer per producer), and, for people on the Stage, sends one microphone track.
// A plain class with typed events; React renders its state, and Node tests drive it directly.
import { Device, types as msc } from 'mediasoup-client';
import type { RtpCapabilitiesWire, RtpParametersWire } from '../../shared/media';
import type { JoinedSpace, ProducerInfo, ResponseMap } from '../../shared/protocol';
import type { Role } from '../../shared/roles';
import type { SpaceSnapshot } from '../../shared/space';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { SignalingClient, type SocketFactory } from './SignalingClient';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  memberId: string;
  displayName: string;
  track: MediaStreamTrack;
  consumer: msc.Consumer;
}

export type RoomEvents = {
  /** The Space's public state changed. */
  state: [snapshot: SpaceSnapshot];
  /** A Stage member's audio arrived. */
  trackadded: [track: RemoteTrack];
  trackremoved: [info: { consumerId: string; producerId: string }];
  /** The Space ended (host ended it, or the host left). */
  ended: [reason: string];
  /** The signaling connection dropped. */
  disconnected: [reason: string];
};

export interface RoomClientOptions {
  wsUrl: string;
  /** For Node: a WebSocket factory (browsers use their own). */
  createSocket?: SocketFactory;
  /** For Node: mediasoup-client handler options (FakeHandler, or Chrome111 with wrtc). */
  deviceOptions?: ConstructorParameters<typeof Device>[0];
}

export class RoomClient extends TypedEmitter<RoomEvents> {
  readonly signaling: SignalingClient;
  readonly #deviceOptions: RoomClientOptions['deviceOptions'];
  #device: Device | undefined;
  #joined: JoinedSpace | undefined;
  #snapshot: SpaceSnapshot | undefined;
  #sendTransport: msc.Transport | undefined;
  #recvTransport: msc.Transport | undefined;
  #producer: msc.Producer | undefined;
  /** Remote audio being received, by consumer id. */
  readonly #remote = new Map<string, RemoteTrack>();
  /** Serialises consumer set-up so transport creation happens once. */
  #consumeChain: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(options: RoomClientOptions) {
    super();
    this.signaling = new SignalingClient(options.wsUrl, options.createSocket);
    this.#deviceOptions = options.deviceOptions;
    this.signaling.on('space.state', (snapshot) => {
      this.#snapshot = snapshot;
      this.safeEmit('state', snapshot);
    });
    this.signaling.on('producer.added', (info) => this.#enqueueConsume(info));
    this.signaling.on('consumer.closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    this.signaling.on('producer.removed', ({ producerId }) => {
      for (const remote of this.#remote.values()) if (remote.producerId === producerId) this.#dropConsumer(remote.consumerId);
    });
    this.signaling.on('space.ended', ({ reason }) => {
      this.#ended = true;
      this.#closeMedia();
      this.safeEmit('ended', reason);
    });
    this.signaling.on('disconnected', ({ reason }) => {
      if (!this.#ended) this.safeEmit('disconnected', reason || 'the connection to the server closed');
    });
  }

  get snapshot(): SpaceSnapshot | undefined {
    return this.#snapshot;
  }
  get role(): Role | undefined {
    return this.#joined?.role;
  }
  get memberId(): string | undefined {
    return this.#joined?.memberId;
  }
  get producer(): msc.Producer | undefined {
    return this.#producer;
  }
  get recvTransport(): msc.Transport | undefined {
    return this.#recvTransport;
  }
  remoteTracks(): RemoteTrack[] {
    return [...this.#remote.values()];
  }

  async connect(): Promise<void> {
    await this.signaling.connect();
  }

  createSpace(title: string, hostName: string, studioKey?: string): Promise<ResponseMap['space.create']> {
    return this.signaling.request('space.create', { title, hostName, studioKey });
  }

  /** Joins the Space the token admits to and starts hearing everyone on the Stage. */
  async join(token: string, displayName?: string): Promise<JoinedSpace> {
    const joined = await this.signaling.request('space.join', { token, displayName });
    this.#joined = joined;
    this.#snapshot = joined.snapshot;
    this.#device = new Device(this.#deviceOptions);
    await this.#device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as msc.RtpCapabilities });
    this.safeEmit('state', joined.snapshot);
    for (const producer of joined.producers) this.#enqueueConsume(producer);
    await this.#consumeChain;
    return joined;
  }

  /** Sends one audio track to the Space (Stage members only; the server refuses others). */
  async startSending(track: MediaStreamTrack): Promise<msc.Producer> {
    const device = this.#requireDevice();
    if (this.#producer) throw new Error('already sending audio');
    this.#sendTransport ??= await this.#createTransport('send', device);
    this.#producer = await this.#sendTransport.produce({
      track,
      // Speech at 48 kHz: DTX off keeps level meters alive in silence; FEC rides out loss.
      codecOptions: { opusStereo: false, opusDtx: false, opusFec: true },
      stopTracks: false,
    });
    return this.#producer;
  }

  /** Swaps the microphone without leaving the Stage or recreating the producer. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    if (!this.#producer) throw new Error('not sending audio');
    await this.#producer.replaceTrack({ track });
  }

  async setMuted(muted: boolean): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    await this.signaling.request(muted ? 'producer.pause' : 'producer.resume', { producerId: producer.id });
    if (muted) producer.pause();
    else producer.resume();
  }

  async leave(): Promise<void> {
    if (!this.#joined || this.#ended) return;
    await this.signaling.request('space.leave', {}).catch(() => undefined);
    this.#closeMedia();
    this.#joined = undefined;
  }

  async endSpace(): Promise<void> {
    await this.signaling.request('space.end', {});
  }

  close(): void {
    this.#closeMedia();
    this.signaling.close();
  }

  #requireDevice(): Device {
    if (!this.#device) throw new Error('join a space first');
    return this.#device;
  }

  async #createTransport(direction: 'send' | 'recv', device: Device): Promise<msc.Transport> {
    const options = await this.signaling.request('transport.create', { direction });
    const transport =
      direction === 'send'
        ? device.createSendTransport(options as unknown as msc.TransportOptions)
        : device.createRecvTransport(options as unknown as msc.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request('transport.connect', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        if (kind !== 'audio') {
          errback(new Error('only audio can be sent'));
          return;
        }
        this.signaling
          .request('producer.create', {
            transportId: transport.id,
            kind,
            // mediasoup-client's types are wider than our wire schema; the server validates both.
            rtpParameters: rtpParameters as unknown as RtpParametersWire,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    return transport;
  }

  #enqueueConsume(info: ProducerInfo): void {
    if (info.memberId === this.#joined?.memberId) return;
    this.#consumeChain = this.#consumeChain
      .then(() => this.#consume(info))
      .catch((error: unknown) => console.warn(`could not receive ${info.displayName}`, error));
  }

  async #consume(info: ProducerInfo): Promise<void> {
    const device = this.#requireDevice();
    if (this.#ended) return;
    this.#recvTransport ??= await this.#createTransport('recv', device);
    const answer = await this.signaling.request('consumer.create', {
      transportId: this.#recvTransport.id,
      producerId: info.producerId,
      rtpCapabilities: device.rtpCapabilities as unknown as RtpCapabilitiesWire,
    });
    const consumer = await this.#recvTransport.consume({
      id: answer.consumerId,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as msc.RtpParameters,
    });
    await this.signaling.request('consumer.resume', { consumerId: consumer.id });
    const remote: RemoteTrack = {
      consumerId: consumer.id,
      producerId: info.producerId,
      memberId: info.memberId,
      displayName: info.displayName,
      track: consumer.track,
      consumer,
    };
    this.#remote.set(consumer.id, remote);
    this.safeEmit('trackadded', remote);
  }

  #dropConsumer(consumerId: string): void {
    const remote = this.#remote.get(consumerId);
    if (!remote) return;
    this.#remote.delete(consumerId);
    remote.consumer.close();
    this.safeEmit('trackremoved', { consumerId, producerId: remote.producerId });
  }

  #closeMedia(): void {
    for (const remote of this.#remote.values()) remote.consumer.close();
    this.#remote.clear();
    this.#producer?.close();
    this.#producer = undefined;
    this.#sendTransport?.close();
    this.#sendTransport = undefined;
    this.#recvTransport?.close();
    this.#recvTransport = undefined;
  }
}
