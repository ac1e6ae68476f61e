// One person's audio in a Space: the mediasoup-client device, a receive transport with one consumer per
// producer on the Stage, and, while its owner is on the Stage, a send transport with the microphone's
// producer. Every step runs in one queue, in order, so transports and producers are made once. The
// RoomClient drives it (joining, role changes, reconnection); it asks the server through the protocol.
import { Device, type types as msc } from 'mediasoup-client';
import type { RtpCapabilitiesWire, RtpParametersWire } from '../../shared/media';
import type { ProducerInfo, Reply, RequestInput, RequestType } from '../../shared/protocol';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { RequestError } from './SignalingClient';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  memberId: string;
  displayName: string;
  track: MediaStreamTrack;
  consumer: msc.Consumer;
}

export type StageMediaEvents = {
  /** A Stage member's audio arrived. */
  trackadded: [track: RemoteTrack];
  trackremoved: [info: { consumerId: string; producerId: string }];
  /** The Space moved to a new media router: everything was closed and is being set up again. */
  restarting: [];
};

/** What StageMedia needs from the client that owns it. */
export interface StageMediaOwner {
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<Reply<T>>;
  /** This member's id once joined: their own producer is never consumed. */
  memberId(): string | undefined;
  /** Whether this member may send now (on the Stage). */
  maySend(): boolean;
  /** Set once the client is done: late failures are then expected, not reported. */
  finished(): boolean;
}

export class StageMedia extends TypedEmitter<StageMediaEvents> {
  readonly #owner: StageMediaOwner;
  readonly #deviceOptions: ConstructorParameters<typeof Device>[0];
  #device: Device | undefined;
  /** The router capabilities the device was loaded with. */
  #deviceCaps: string | undefined;
  #sendTransport: msc.Transport | undefined;
  #recvTransport: msc.Transport | undefined;
  #producer: msc.Producer | undefined;
  /** The microphone to send whenever this member is on the Stage. */
  #micTrack: MediaStreamTrack | undefined;
  /** Remote audio being received, by consumer id. */
  readonly #remote = new Map<string, RemoteTrack>();
  /** Serialises media set-up (transports, consumers, producer) so it happens once and in order. */
  #chain: Promise<void> = Promise.resolve();

  constructor(owner: StageMediaOwner, deviceOptions?: ConstructorParameters<typeof Device>[0]) {
    super();
    this.#owner = owner;
    this.#deviceOptions = deviceOptions;
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

  /** Loads the device for a router's capabilities, once per distinct set (a device loads only once). */
  async load(routerRtpCapabilities: RtpCapabilitiesWire): Promise<void> {
    const key = JSON.stringify(routerRtpCapabilities);
    if (this.#device && this.#deviceCaps === key) return;
    const device = new Device(this.#deviceOptions);
    // Our wire schema checks the shape; mediasoup-client's own types are stricter about codec names.
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as msc.RtpCapabilities });
    this.#device = device;
    this.#deviceCaps = key;
  }

  /** Starts hearing a producer on the Stage (queued). */
  consume(info: ProducerInfo): Promise<void> {
    return this.#enqueue(() => this.#consume(info));
  }

  /** Stops hearing a producer that went away. */
  dropProducer(producerId: string): void {
    for (const remote of this.#remote.values()) if (remote.producerId === producerId) this.dropConsumer(remote.consumerId);
  }

  dropConsumer(consumerId: string): void {
    const remote = this.#remote.get(consumerId);
    if (!remote) return;
    this.#remote.delete(consumerId);
    remote.consumer.close();
    this.safeEmit('trackremoved', { consumerId, producerId: remote.producerId });
  }

  /**
   * The microphone to send while on the Stage. Set it before or after coming on stage: it is sent as
   * soon as the role allows, and swapped in place (no new producer) when changed.
   */
  async setMicrophone(track: MediaStreamTrack | undefined): Promise<void> {
    this.#micTrack = track;
    if (this.#producer && track) {
      await this.#producer.replaceTrack({ track });
      return;
    }
    if (track && this.#owner.maySend()) await this.#enqueue(() => this.#produce());
  }

  /** Sends one audio track now (Stage members only; the server refuses others). */
  async startSending(track: MediaStreamTrack): Promise<msc.Producer> {
    this.#micTrack = track;
    await this.#enqueue(() => this.#produce());
    if (!this.#producer) throw new Error('not sending audio');
    return this.#producer;
  }

  /** Came on stage: send the microphone, if there is one (queued). */
  sendWhenReady(): Promise<void> {
    return this.#micTrack ? this.#enqueue(() => this.#produce()) : Promise.resolve();
  }

  /** Left the stage: the server closed our producer and send transport; close our side too. */
  stopSending(): void {
    this.#producer?.close();
    this.#producer = undefined;
    this.#sendTransport?.close();
    this.#sendTransport = undefined;
  }

  /** Mutes or unmutes this member's own producer, on the server first. */
  async setMuted(muted: boolean): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    await this.#owner.request(muted ? 'producer.pause' : 'producer.resume', { producerId: producer.id });
    if (muted) producer.pause();
    else producer.resume();
  }

  /**
   * The server moved the Space to a new media router: rebuild the transports. Others' audio comes back as
   * their producers reappear (`producer.added`); ours is sent again.
   */
  restart(routerRtpCapabilities: RtpCapabilitiesWire): Promise<void> {
    return this.#enqueue(async () => {
      this.close();
      this.safeEmit('restarting');
      await this.load(routerRtpCapabilities);
      // Ready to receive before the others' producers come back, and sending again ourselves.
      await Promise.all([(async () => (this.#recvTransport ??= await this.#createTransport('recv', this.#requireDevice())))(), this.#produce()]);
    });
  }

  /** Waits until every queued step has run. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Closes every transport, producer and consumer (the device stays loaded). */
  close(): void {
    for (const consumerId of [...this.#remote.keys()]) this.dropConsumer(consumerId);
    this.stopSending();
    this.#recvTransport?.close();
    this.#recvTransport = undefined;
  }

  // ---- internals ------------------------------------------------------------------------------------

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(step).catch((error: unknown) => {
      if (!this.#owner.finished()) console.warn('media set-up failed', error);
    });
    return this.#chain;
  }

  #requireDevice(): Device {
    if (!this.#device) throw new Error('join a space first');
    return this.#device;
  }

  async #produce(): Promise<void> {
    const track = this.#micTrack;
    if (!track || this.#producer || this.#owner.finished() || !this.#owner.maySend()) return;
    const device = this.#requireDevice();
    this.#sendTransport ??= await this.#createTransport('send', device);
    this.#producer = await this.#sendTransport.produce({
      track,
      // Speech at 48 kHz: DTX off keeps level meters alive in silence; FEC rides out loss.
      codecOptions: { opusStereo: false, opusDtx: false, opusFec: true },
      stopTracks: false,
    });
  }

  async #createTransport(direction: 'send' | 'recv', device: Device): Promise<msc.Transport> {
    const answer = await this.#owner.request('transport.create', { direction });
    // The answer passed its schema; mediasoup-client's option types are narrower than our wire types.
    const options = answer as unknown as msc.TransportOptions;
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#owner.request('transport.connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        if (kind !== 'audio') {
          errback(new Error('only audio can be sent'));
          return;
        }
        this.#owner
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

  async #consume(info: ProducerInfo): Promise<void> {
    if (info.memberId === this.#owner.memberId() || this.#owner.finished()) return;
    if ([...this.#remote.values()].some((r) => r.producerId === info.producerId)) return;
    const device = this.#requireDevice();
    this.#recvTransport ??= await this.#createTransport('recv', device);
    const answer = await this.#owner.request('consumer.create', {
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
    try {
      await this.#owner.request('consumer.resume', { consumerId: consumer.id });
    } catch (error) {
      // The producer went away while we set up: nothing to hear.
      consumer.close();
      if (error instanceof RequestError && error.code === 'not_found') return;
      throw error;
    }
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
}
