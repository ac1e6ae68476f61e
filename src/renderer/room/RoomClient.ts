// The room client: one person's connection to a Space. It joins with a token, hears everyone on the
// Stage (one consumer per producer), sends one microphone track while its owner is on the Stage, and
// comes back on its own after a dropped connection (resume within the server's grace period).
// A plain class with typed events; React renders its state, and Node tests drive it directly.
import { Device, type types as msc } from 'mediasoup-client';
import type { RtpCapabilitiesWire, RtpParametersWire } from '../../shared/media';
import type { JoinedSpace, ProducerInfo, Reply, RequestInput, RequestType, StageChange } from '../../shared/protocol';
import { isOnStage, type Role } from '../../shared/roles';
import type { ReactionBurst, SpaceSnapshot } from '../../shared/space';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { RequestError, SignalingClient, type SocketFactory } from './SignalingClient';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  memberId: string;
  displayName: string;
  track: MediaStreamTrack;
  consumer: msc.Consumer;
}

export type RoomEvents = {
  /** The Space's state as this member sees it changed. */
  state: [snapshot: SpaceSnapshot];
  /** The Stage changed (someone came on, changed role on it, or left it), as the server announced it. */
  stage: [change: StageChange];
  /** This member's own role changed (approved, invited, moved to the audience, promoted, …). */
  rolechanged: [change: StageChange];
  /** Who is speaking changed. */
  speaking: [memberIds: string[]];
  reactions: [burst: ReactionBurst];
  /** A Stage member's audio arrived. */
  trackadded: [track: RemoteTrack];
  trackremoved: [info: { consumerId: string; producerId: string }];
  /** The connection dropped; the client is trying to come back (attempt counts from 1). */
  reconnecting: [info: { attempt: number; delayMs: number; reason: string }];
  /** Back, with the same role and place. */
  reconnected: [];
  /** The server's media process failed and the Space moved; audio is being set up again. */
  mediarestart: [];
  /** The Space ended (host ended it, or the host left and nobody took over). */
  ended: [reason: string];
  /** A host removed this member from the Space. */
  removed: [reason: string];
  /** The connection is gone for good (could not resume). */
  disconnected: [reason: string];
};

export interface RoomClientOptions {
  wsUrl: string;
  /** For Node: a WebSocket factory (browsers use their own). */
  createSocket?: SocketFactory;
  /** For Node: mediasoup-client handler options (FakeHandler, or Chrome111 with wrtc). */
  deviceOptions?: ConstructorParameters<typeof Device>[0];
  /** Identity from an earlier join, so blocks and bans follow the same person. */
  userToken?: string;
  /** What this client is, for the server's logs ("studio", "listener page"). */
  clientName?: string;
  /** Backoff between reconnection attempts, ms; the last value repeats. */
  reconnectDelaysMs?: number[];
  /** Give up reconnecting after this long, ms. */
  reconnectForMs?: number;
}

const DEFAULT_DELAYS = [250, 500, 1000, 2000, 4000];

export class RoomClient extends TypedEmitter<RoomEvents> {
  readonly signaling: SignalingClient;
  readonly #options: RoomClientOptions;
  #device: Device | undefined;
  /** The router capabilities the device was loaded with. */
  #deviceCaps: string | undefined;
  #joined: JoinedSpace | undefined;
  #snapshot: SpaceSnapshot | undefined;
  /** This member's role, from the join answer and the Stage changes since. */
  #role: Role | undefined;
  /** Who the server hears speaking now. */
  #speaking = new Set<string>();
  /** The latest Stage change seen, to ask for the ones missed when resuming. */
  #lastStageSeq = 0;
  #sendTransport: msc.Transport | undefined;
  #recvTransport: msc.Transport | undefined;
  #producer: msc.Producer | undefined;
  /** The microphone to send whenever this member is on the Stage. */
  #micTrack: MediaStreamTrack | undefined;
  /** Remote audio being received, by consumer id. */
  readonly #remote = new Map<string, RemoteTrack>();
  /** Serialises media set-up (transports, consumers, producer) so it happens once and in order. */
  #mediaChain: Promise<void> = Promise.resolve();
  /** Set when the Space ended, this member was removed, or the owner closed the client. */
  #finished = false;
  #reconnecting = false;
  #userToken: string | undefined;

  constructor(options: RoomClientOptions) {
    super();
    this.#options = options;
    this.#userToken = options.userToken;
    this.signaling = new SignalingClient(options.wsUrl, options.createSocket, options.clientName);
    this.signaling.on('space.state', (snapshot) => this.#onState(snapshot));
    this.signaling.on('stage.changed', (change) => this.#onStageChange(change, true));
    this.signaling.on('space.speaking', ({ memberIds }) => this.#setSpeaking(memberIds));
    this.signaling.on('space.reactions', (burst) => this.safeEmit('reactions', burst));
    this.signaling.on('producer.added', (info) => void this.#enqueue(() => this.#consume(info)));
    this.signaling.on('consumer.closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    this.signaling.on('producer.removed', ({ producerId }) => {
      for (const remote of this.#remote.values()) if (remote.producerId === producerId) this.#dropConsumer(remote.consumerId);
    });
    this.signaling.on('space.mediarestart', ({ routerRtpCapabilities }) => {
      void this.#enqueue(() => this.#restartMedia(routerRtpCapabilities as msc.RtpCapabilities));
    });
    this.signaling.on('space.ended', ({ reason }) => this.#finish('ended', reason));
    this.signaling.on('space.removed', ({ reason }) => this.#finish('removed', reason));
    this.signaling.on('disconnected', ({ reason }) => this.#onDisconnected(reason || 'the connection to the server closed'));
  }

  get snapshot(): SpaceSnapshot | undefined {
    return this.#snapshot;
  }
  get role(): Role | undefined {
    return this.#role;
  }
  /** Who the server hears speaking now, by member id. */
  get speaking(): ReadonlySet<string> {
    return this.#speaking;
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
  /** Keep it (localStorage, settings) and pass it next time: it carries the same identity. */
  get userToken(): string | undefined {
    return this.#userToken;
  }
  remoteTracks(): RemoteTrack[] {
    return [...this.#remote.values()];
  }

  async connect(): Promise<void> {
    await this.signaling.connect();
  }

  /** Any request of the protocol, typed; the server checks the role and answers or refuses. */
  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<Reply<T>> {
    return this.signaling.request(type, data);
  }

  createSpace(
    title: string,
    hostName: string,
    studioKey?: string,
    requestPolicy?: 'everyone' | 'invited',
    captions?: boolean,
    /** Record it on the server for a replay from the start; let listeners clip it live. */
    replay?: { replay: boolean; liveClips?: boolean },
  ): Promise<Reply<'space.create'>> {
    return this.request('space.create', { title, hostName, studioKey, userToken: this.#userToken, requestPolicy, captions, ...replay });
  }

  /**
   * Looks at the Space before joining and prepares the media device for it, so that joining later only
   * has to set up transports.
   */
  async preview(token: string): Promise<Reply<'space.preview'>> {
    const preview = await this.request('space.preview', { token });
    await this.#loadDevice(preview.routerRtpCapabilities as msc.RtpCapabilities);
    return preview;
  }

  /** Joins the Space the token admits to and starts hearing everyone on the Stage. */
  async join(token: string, displayName?: string): Promise<JoinedSpace> {
    const joined = await this.request('space.join', { token, displayName, userToken: this.#userToken });
    await this.#enter(joined);
    return joined;
  }

  /**
   * The microphone this member sends while on the Stage. Set it before or after coming on stage: the
   * client sends it as soon as the role allows, and swaps it in place (no new producer) when changed.
   */
  async setMicrophone(track: MediaStreamTrack | undefined): Promise<void> {
    this.#micTrack = track;
    if (this.#producer && track) {
      await this.#producer.replaceTrack({ track });
      return;
    }
    if (track && this.role && isOnStage(this.role)) await this.#enqueue(() => this.#produce());
  }

  /** Sends one audio track now (Stage members only; the server refuses others). */
  async startSending(track: MediaStreamTrack): Promise<msc.Producer> {
    this.#micTrack = track;
    await this.#enqueue(() => this.#produce());
    if (!this.#producer) throw new Error('not sending audio');
    return this.#producer;
  }

  /** Swaps the microphone without leaving the Stage or recreating the producer. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.setMicrophone(track);
  }

  async setMuted(muted: boolean): Promise<void> {
    const producer = this.#producer;
    if (!producer) return;
    await this.request(muted ? 'producer.pause' : 'producer.resume', { producerId: producer.id });
    if (muted) producer.pause();
    else producer.resume();
  }

  raiseHand(): Promise<Reply<'queue.raise'>> {
    return this.request('queue.raise', {});
  }

  lowerHand(): Promise<Reply<'queue.lower'>> {
    return this.request('queue.lower', {});
  }

  /** Hosts: approve whoever is first in the queue now (the server decides); answers who came on stage. */
  approveNext(): Promise<Reply<'queue.approveNext'>> {
    return this.request('queue.approveNext', {});
  }

  /** Steps down to the audience; the microphone stops being sent. */
  async stepDown(): Promise<void> {
    await this.request('stage.leave', {});
  }

  async leave(): Promise<void> {
    if (!this.#joined || this.#finished) return;
    this.#finished = true;
    await this.request('space.leave', {}).catch(() => undefined);
    this.#closeMedia();
    this.#joined = undefined;
  }

  async endSpace(): Promise<void> {
    await this.request('space.end', {});
  }

  close(): void {
    this.#finished = true;
    this.#closeMedia();
    this.signaling.close();
  }

  // ---- internals ------------------------------------------------------------------------------------

  async #enter(joined: JoinedSpace): Promise<void> {
    this.#joined = joined;
    this.#role = joined.role;
    this.#userToken = joined.userToken;
    // What happened while we were away (on resume), told in order; the answer's role already includes it.
    for (const change of joined.stageChanges) this.#onStageChange(change, false);
    this.#lastStageSeq = joined.stageSeq;
    this.#setSpeaking(joined.speaking);
    await this.#loadDevice(joined.routerRtpCapabilities as msc.RtpCapabilities);
    this.#onState(joined.snapshot);
    for (const producer of joined.producers) void this.#enqueue(() => this.#consume(producer));
    if (this.#micTrack && isOnStage(joined.role)) void this.#enqueue(() => this.#produce());
    await this.#mediaChain;
  }

  #onState(snapshot: SpaceSnapshot): void {
    this.#snapshot = snapshot;
    this.safeEmit('state', snapshot);
  }

  #setSpeaking(memberIds: string[]): void {
    this.#speaking = new Set(memberIds);
    this.safeEmit('speaking', memberIds);
  }

  /** A Stage change the server announced; `live` when it just happened (not replayed on resume). */
  #onStageChange(change: StageChange, live: boolean): void {
    if (change.seq <= this.#lastStageSeq) return;
    this.#lastStageSeq = change.seq;
    const mine = change.memberId === this.#joined?.memberId;
    if (mine && live && change.to) {
      const previous = this.#role;
      this.#role = change.to;
      if (!isOnStage(change.to) && this.#producer) {
        // Moved to the audience: the server closed our producer and send transport.
        this.#producer.close();
        this.#producer = undefined;
        this.#sendTransport?.close();
        this.#sendTransport = undefined;
      }
      if (isOnStage(change.to) && !(previous && isOnStage(previous)) && this.#micTrack) void this.#enqueue(() => this.#produce());
    }
    this.safeEmit('stage', change);
    if (mine) this.safeEmit('rolechanged', change);
  }

  /** Loads the device for a router's capabilities, once per distinct set (a device loads only once). */
  async #loadDevice(routerRtpCapabilities: msc.RtpCapabilities): Promise<void> {
    const key = JSON.stringify(routerRtpCapabilities);
    if (this.#device && this.#deviceCaps === key) return;
    const device = new Device(this.#options.deviceOptions);
    await device.load({ routerRtpCapabilities });
    this.#device = device;
    this.#deviceCaps = key;
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#mediaChain = this.#mediaChain.then(step).catch((error: unknown) => {
      if (!this.#finished) console.warn('media set-up failed', error);
    });
    return this.#mediaChain;
  }

  #requireDevice(): Device {
    if (!this.#device) throw new Error('join a space first');
    return this.#device;
  }

  async #produce(): Promise<void> {
    const track = this.#micTrack;
    if (!track || this.#producer || this.#finished || !this.role || !isOnStage(this.role)) return;
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
    const options = await this.request('transport.create', { direction });
    const transport =
      direction === 'send'
        ? device.createSendTransport(options as unknown as msc.TransportOptions)
        : device.createRecvTransport(options as unknown as msc.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('transport.connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
        if (kind !== 'audio') {
          errback(new Error('only audio can be sent'));
          return;
        }
        this.request('producer.create', {
          transportId: transport.id,
          kind,
          // mediasoup-client's types are wider than our wire schema; the server validates both.
          rtpParameters: rtpParameters as unknown as RtpParametersWire,
        }).then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    return transport;
  }

  async #consume(info: ProducerInfo): Promise<void> {
    if (info.memberId === this.#joined?.memberId || this.#finished) return;
    if ([...this.#remote.values()].some((r) => r.producerId === info.producerId)) return;
    const device = this.#requireDevice();
    this.#recvTransport ??= await this.#createTransport('recv', device);
    const answer = await this.request('consumer.create', {
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
      await this.request('consumer.resume', { consumerId: consumer.id });
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

  #dropConsumer(consumerId: string): void {
    const remote = this.#remote.get(consumerId);
    if (!remote) return;
    this.#remote.delete(consumerId);
    remote.consumer.close();
    this.safeEmit('trackremoved', { consumerId, producerId: remote.producerId });
  }

  #closeMedia(): void {
    for (const consumerId of [...this.#remote.keys()]) this.#dropConsumer(consumerId);
    this.#producer?.close();
    this.#producer = undefined;
    this.#sendTransport?.close();
    this.#sendTransport = undefined;
    this.#recvTransport?.close();
    this.#recvTransport = undefined;
  }

  #finish(kind: 'ended' | 'removed', reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#closeMedia();
    this.safeEmit(kind, reason);
  }

  #onDisconnected(reason: string): void {
    if (this.#finished) return;
    if (!this.#joined) {
      this.safeEmit('disconnected', reason);
      return;
    }
    if (!this.#reconnecting) void this.#reconnect(reason);
  }

  /** The server moved the Space to a new media router: rebuild transports; others' audio comes back as
   * their producers reappear (`producer.added`). */
  async #restartMedia(routerRtpCapabilities: msc.RtpCapabilities): Promise<void> {
    this.#closeMedia();
    this.safeEmit('mediarestart');
    await this.#loadDevice(routerRtpCapabilities);
    // Ready to receive before the others' producers come back, and sending again ourselves.
    await Promise.all([(async () => (this.#recvTransport ??= await this.#createTransport('recv', this.#requireDevice())))(), this.#produce()]);
  }

  /** Reconnects with backoff and resumes the same member; media is rebuilt on the new connection. */
  async #reconnect(reason: string): Promise<void> {
    this.#reconnecting = true;
    this.#closeMedia();
    const delays = this.#options.reconnectDelaysMs ?? DEFAULT_DELAYS;
    const giveUpAt = Date.now() + (this.#options.reconnectForMs ?? 120_000);
    for (let attempt = 1; !this.#finished; attempt++) {
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)]!;
      if (Date.now() + delayMs > giveUpAt) break;
      this.safeEmit('reconnecting', { attempt, delayMs, reason });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.#finished) break;
      try {
        await this.signaling.connect();
      } catch (error) {
        // The server came back speaking another protocol version: retrying cannot help.
        if (error instanceof RequestError && error.code === 'version_mismatch') {
          this.#reconnecting = false;
          this.#finished = true;
          this.safeEmit('disconnected', error.message);
          return;
        }
        continue;
      }
      try {
        const resumed = await this.request('space.resume', { resumeToken: this.#joined!.resumeToken, lastStageSeq: this.#lastStageSeq });
        this.#reconnecting = false;
        await this.#enter(resumed);
        this.safeEmit('reconnected');
        return;
      } catch (error) {
        if (error instanceof RequestError && error.code === 'disconnected') continue;
        this.#reconnecting = false;
        this.#finished = true;
        this.signaling.close();
        this.safeEmit('disconnected', `could not resume: ${(error as Error).message}`);
        return;
      }
    }
    this.#reconnecting = false;
    if (!this.#finished) {
      this.#finished = true;
      this.safeEmit('disconnected', `gave up reconnecting: ${reason}`);
    }
  }
}
