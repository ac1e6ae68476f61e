// The room client: one person's session in a Space. It joins with a token, keeps the Space's state as
// the server sends it, follows its own place on the Stage from the server's announcements (starting or
// stopping its microphone through StageMedia), and comes back on its own after a dropped connection
// (resume within the server's grace period, hearing the Stage changes it missed).
// A plain class with typed events; React renders its state, and Node tests drive it directly.
import type { Device, types as msc } from 'mediasoup-client';
import type { JoinedSpace, Reply, RequestInput, RequestType, StageChange } from '../../shared/protocol';
import { isOnStage, type Role } from '../../shared/roles';
import type { ReactionBurst, SpaceSnapshot } from '../../shared/space';
import { TypedEmitter } from '../../shared/TypedEmitter';
import { RequestError, SignalingClient, type SocketFactory } from './SignalingClient';
import { StageMedia, type RemoteTrack, type SendProfile } from './StageMedia';

export type { RemoteTrack, SendProfile } from './StageMedia';

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
  /**
   * A session token of this SFU service (the studio's; pages on the service's own origin are signed in
   * by their cookie instead). Presented on every connection, so the person is their account.
   */
  sessionToken?: string;
  /** Backoff between reconnection attempts, ms; the last value repeats. */
  reconnectDelaysMs?: number[];
  /** Give up reconnecting after this long, ms. */
  reconnectForMs?: number;
}

// Capped at 2 s: a restarted service is found within 2 s of answering again, and the grace period
// (a minute by default) leaves room for many tries.
const DEFAULT_DELAYS = [250, 500, 1000, 2000];

export class RoomClient extends TypedEmitter<RoomEvents> {
  readonly signaling: SignalingClient;
  /** This member's audio: what they hear, and their microphone while on the Stage. */
  readonly media: StageMedia;
  readonly #options: RoomClientOptions;
  /** The account the server signed this connection in as (with `sessionToken`). */
  #account: Reply<'account.authenticate'> | undefined;
  /** The join (or latest resume) answer. */
  #joined: JoinedSpace | undefined;
  #snapshot: SpaceSnapshot | undefined;
  /** This member's role, from the join answer and the Stage changes since. */
  #role: Role | undefined;
  /** Who the server hears speaking now. */
  #speaking = new Set<string>();
  /** The latest Stage change seen, to ask for the ones missed when resuming. */
  #lastStageSeq = 0;
  /** Set when the Space ended, this member was removed, or the owner closed the client. */
  #finished = false;
  #reconnecting = false;
  #userToken: string | undefined;

  constructor(options: RoomClientOptions) {
    super();
    this.#options = options;
    this.#userToken = options.userToken;
    this.signaling = new SignalingClient(options.wsUrl, options.createSocket, options.clientName);
    this.media = new StageMedia(
      {
        request: (type, data) => this.request(type, data),
        memberId: () => this.#joined?.memberId,
        maySend: () => this.#role !== undefined && isOnStage(this.#role),
        finished: () => this.#finished,
      },
      options.deviceOptions,
    );
    this.media.on('trackadded', (remote) => this.safeEmit('trackadded', remote));
    this.media.on('trackremoved', (info) => this.safeEmit('trackremoved', info));
    this.media.on('restarting', () => this.safeEmit('mediarestart'));
    this.signaling.on('space.state', (snapshot) => this.#onState(snapshot));
    this.signaling.on('stage.changed', (change) => this.#onStageChange(change, true));
    this.signaling.on('space.speaking', ({ memberIds }) => this.#setSpeaking(memberIds));
    this.signaling.on('space.reactions', (burst) => this.safeEmit('reactions', burst));
    this.signaling.on('producer.added', (info) => void this.media.consume(info));
    this.signaling.on('consumer.closed', ({ consumerId }) => this.media.dropConsumer(consumerId));
    this.signaling.on('producer.removed', ({ producerId }) => this.media.dropProducer(producerId));
    this.signaling.on('space.mediarestart', ({ routerRtpCapabilities }) => void this.media.restart(routerRtpCapabilities));
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
    return this.media.producer;
  }
  get recvTransport(): msc.Transport | undefined {
    return this.media.recvTransport;
  }
  /** Keep it (localStorage, settings) and pass it next time: it carries the same identity. */
  get userToken(): string | undefined {
    return this.#userToken;
  }
  remoteTracks(): RemoteTrack[] {
    return this.media.remoteTracks();
  }

  /** The account this client is signed in as on the server (after connect), if any. */
  get account(): Reply<'account.authenticate'> | undefined {
    return this.#account;
  }

  async connect(): Promise<void> {
    await this.signaling.connect();
    await this.#signIn(true);
  }

  /**
   * Signs the new connection in with the session token, when there is one. On a reconnection a
   * session that ended meanwhile does not stop the member from resuming (the resume token is theirs).
   */
  async #signIn(strict: boolean): Promise<void> {
    if (!this.#options.sessionToken) return;
    try {
      this.#account = await this.request('account.authenticate', { token: this.#options.sessionToken });
    } catch (error) {
      if (strict || !(error instanceof RequestError) || error.code !== 'unauthenticated') throw error;
      this.#account = undefined;
    }
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
    /** Listed in the directory or link only, with a description; recorded for a replay from the start, with live clips. */
    options?: { visibility?: 'public' | 'unlisted'; description?: string; replay?: boolean; liveClips?: boolean },
  ): Promise<Reply<'space.create'>> {
    return this.request('space.create', { title, hostName, studioKey, userToken: this.#userToken, requestPolicy, captions, ...options });
  }

  /** Starts the host's scheduled Space now, under its id and with everything it was set up with. */
  startScheduled(spaceId: string, hostName: string, studioKey?: string, captions?: boolean): Promise<Reply<'space.start'>> {
    return this.request('space.start', { spaceId, hostName, studioKey, userToken: this.#userToken, captions });
  }

  /**
   * Looks at the Space before joining and prepares the media device for it, so that joining later only
   * has to set up transports.
   */
  async preview(token: string): Promise<Reply<'space.preview'>> {
    const preview = await this.request('space.preview', { token });
    await this.media.load(preview.routerRtpCapabilities);
    return preview;
  }

  /** Joins the Space the token admits to and starts hearing everyone on the Stage. */
  async join(token: string, displayName?: string): Promise<JoinedSpace> {
    // With the device loaded already (by `preview`), the answer brings the receiving media ready too.
    const joined = await this.request('space.join', { token, displayName, userToken: this.#userToken, hear: this.media.hearRequest() });
    await this.#enter(joined);
    return joined;
  }

  /**
   * The microphone this member sends while on the Stage. Set it before or after coming on stage: the
   * client sends it as soon as the role allows, and swaps it in place (no new producer) when changed.
   */
  setMicrophone(track: MediaStreamTrack | undefined): Promise<void> {
    return this.media.setMicrophone(track);
  }

  /** Sends one audio track now (Stage members only; the server refuses others). */
  startSending(track: MediaStreamTrack): Promise<msc.Producer> {
    return this.media.startSending(track);
  }

  /** How what this member sends is encoded: music mode, low latency (see StageMedia's SendProfile). */
  setSendProfile(profile: SendProfile): Promise<void> {
    return this.media.setSendProfile(profile);
  }

  /** Swaps the microphone without leaving the Stage or recreating the producer. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.media.setMicrophone(track);
  }

  setMuted(muted: boolean): Promise<void> {
    return this.media.setMuted(muted);
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
    this.media.close();
    this.#joined = undefined;
  }

  async endSpace(): Promise<void> {
    await this.request('space.end', {});
  }

  close(): void {
    this.#finished = true;
    this.media.close();
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
    await this.media.load(joined.routerRtpCapabilities);
    this.#onState(joined.snapshot);
    // Joined with `hear`: the receive transport and the Stage's consumers came in the answer, playing.
    if (joined.hearing) void this.media.hear(joined.hearing);
    for (const producer of joined.producers) void this.media.consume(producer);
    if (isOnStage(joined.role)) void this.media.sendWhenReady();
    await this.media.settled();
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
      const wasOnStage = this.#role !== undefined && isOnStage(this.#role);
      this.#role = change.to;
      // Moved to the audience: the server closed our producer and send transport.
      if (!isOnStage(change.to)) this.media.stopSending();
      else if (!wasOnStage) void this.media.sendWhenReady();
    }
    this.safeEmit('stage', change);
    if (mine) this.safeEmit('rolechanged', change);
  }

  #finish(kind: 'ended' | 'removed', reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.media.close();
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

  /** Reconnects with backoff and resumes the same member; media is rebuilt on the new connection. */
  async #reconnect(reason: string): Promise<void> {
    this.#reconnecting = true;
    this.media.close();
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
        await this.#signIn(false);
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
