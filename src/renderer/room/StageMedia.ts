// One person's audio in a Space: the mediasoup-client device, a receive transport with one consumer per
// producer on the Stage, and, while its owner is on the Stage, a send transport with the microphone's
// producer. Every step runs in one queue, in order, so transports and producers are made once. The
// RoomClient drives it (joining, role changes, reconnection); it asks the server through the protocol.
import { Device, type types as msc } from 'mediasoup-client';
import type { RtpCapabilitiesWire, RtpParametersWire, TransportOptionsWire } from '../../shared/media';
import type { JoinedSpace, ProducerInfo, Reply, RequestInput, RequestType } from '../../shared/protocol';
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

/**
 * How a Stage member's audio is encoded. Opus's channels and packet length are negotiated when the
 * producer is made, so a change while sending makes a new one.
 */
export interface SendProfile {
  /** Music mode: stereo at 128 kbps (else mono speech). */
  music: boolean;
  /** 10 ms packets instead of 20: about 10 ms sooner to every listener, twice the packets through the SFU. */
  lowLatency: boolean;
}

function codecOptions({ music, lowLatency }: SendProfile): msc.ProducerCodecOptions {
  // DTX off keeps level meters alive in silence; FEC rides out loss.
  const base: msc.ProducerCodecOptions = music
    ? { opusStereo: true, opusDtx: false, opusFec: true, opusMaxAverageBitrate: 128_000 }
    : { opusStereo: false, opusDtx: false, opusFec: true };
  return lowLatency ? { ...base, opusPtime: 10 } : base;
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
  #sendProfile: SendProfile = { music: false, lowLatency: false };
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

  /** What a join may ask for once the device is loaded (after a preview): the receiving media, ready. */
  hearRequest(): { rtpCapabilities: RtpCapabilitiesWire } | undefined {
    return this.#device && { rtpCapabilities: this.#device.rtpCapabilities as unknown as RtpCapabilitiesWire };
  }

  /** The join answer's receiving media (asked for with `hear`): the transport and consumers, already playing. */
  hear(hearing: NonNullable<JoinedSpace['hearing']>): Promise<void> {
    return this.#enqueue(async () => {
      this.#recvTransport ??= this.#transportFrom('recv', hearing.transport, this.#requireDevice());
      for (const { memberId, displayName, ...answer } of hearing.consumers) {
        this.#addRemote(await this.#receive(answer), { producerId: answer.producerId, memberId, displayName });
      }
    });
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

  /**
   * How what this member sends is encoded (see SendProfile). While sending, a change makes a new producer;
   * listeners re-consume it, with a gap of a few hundred milliseconds.
   */
  setSendProfile(profile: SendProfile): Promise<void> {
    if (profile.music === this.#sendProfile.music && profile.lowLatency === this.#sendProfile.lowLatency) return Promise.resolve();
    this.#sendProfile = { ...profile };
    return this.#enqueue(async () => {
      const producer = this.#producer;
      if (!producer) return;
      this.#producer = undefined;
      producer.close();
      await this.#owner.request('producer.close', { producerId: producer.id }).catch(() => undefined);
      await this.#produce();
    });
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
    this.#producer = await this.#sendTransport.produce({ track, codecOptions: codecOptions(this.#sendProfile), stopTracks: false });
  }

  async #createTransport(direction: 'send' | 'recv', device: Device): Promise<msc.Transport> {
    return this.#transportFrom(direction, await this.#owner.request('transport.create', { direction }), device);
  }

  #transportFrom(direction: 'send' | 'recv', answer: TransportOptionsWire, device: Device): msc.Transport {
    // The answer passed its schema; mediasoup-client's option types are narrower than our wire types.
    const options = answer as unknown as msc.TransportOptions;
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      const connected = this.#owner.request('transport.connect', { transportId: transport.id, dtlsParameters });
      if (direction === 'send') {
        connected.then(() => callback(), errback);
        return;
      }
      // Receiving: go on at once. ICE takes a round trip before the browser's DTLS hello, and the server
      // has the parameters by then; waiting would hold the handshake back by one more round trip.
      callback();
      connected.catch((error: unknown) => {
        if (!this.#owner.finished()) console.warn('connecting the receive transport failed', error);
      });
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
    const consumer = await this.#receive(answer);
    try {
      await this.#owner.request('consumer.resume', { consumerId: consumer.id });
    } catch (error) {
      // The producer went away while we set up: nothing to hear.
      consumer.close();
      if (error instanceof RequestError && error.code === 'not_found') return;
      throw error;
    }
    this.#addRemote(consumer, info);
  }

  /** The client's side of a consumer the server made. */
  #receive(answer: Reply<'consumer.create'>): Promise<msc.Consumer> {
    return this.#recvTransport!.consume({
      id: answer.consumerId,
      producerId: answer.producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as msc.RtpParameters,
    });
  }

  #addRemote(consumer: msc.Consumer, info: Pick<ProducerInfo, 'producerId' | 'memberId' | 'displayName'>): void {
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
