// The SFU service's core: the worker pool, the live Spaces and the token signer. Transport-agnostic:
// the WebSocket layer (Connection) calls it, and integration tests can too.
import type { types as ms } from 'mediasoup';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '../shared/errors.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';
import { CaptionService } from './captions/CaptionService.js';
import { Cluster } from './cluster/Cluster.js';
import type { ModerationStore } from './ModerationStore.js';
import type { Platform } from './Platform.js';
import { Space } from './Space.js';
import { SpaceRecorder } from './SpaceRecorder.js';
import type { StoredSpace } from './store/repositories/SpaceRepository.js';
import { TokenSigner } from './tokens.js';
import { WorkerPool } from './WorkerPool.js';

/** Opus is all a live audio room needs: 48 kHz, stereo-capable, in-band FEC. */
export const MEDIA_CODECS: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
];

const HOST_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const USER_TOKEN_TTL_MS = 365 * 24 * 60 * 60 * 1000;

export class Sfu {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly pool: WorkerPool;
  readonly tokens: TokenSigner;
  readonly moderation: ModerationStore;
  /** Accounts, the store and mail. */
  readonly platform: Platform;
  readonly captions: CaptionService;
  /** This node among the nodes sharing `--redis` (issue 15); undefined for one node alone. */
  cluster: Cluster | undefined;
  /** Live Spaces by id; an ended Space removes itself. */
  readonly #spaces = new Map<string, Space>();
  /** Spaces with a rescue in progress, so a second worker death does not start a second one. */
  readonly #rescuing = new Set<Space>();

  private constructor(config: ServerConfig, logger: Logger, pool: WorkerPool, platform: Platform) {
    this.config = config;
    this.logger = logger;
    this.pool = pool;
    this.platform = platform;
    this.tokens = new TokenSigner(platform.tokenSecret);
    // A suspended account leaves every Space it is in, at once.
    platform.accounts.on('suspended', (accountId) => {
      for (const space of this.spaces()) {
        for (const member of space.members()) if (member.userId === accountId) space.moderation.expelSuspended(member);
      }
    });
    this.moderation = platform.moderation;
    this.captions = new CaptionService(
      {
        engine: config.captionEngine === 'whisper' ? { kind: 'whisper', modelPath: config.captionWhisperModel! } : { kind: 'pocketsphinx' },
        maxStreams: config.captionStreams,
        workerScript: config.captionWorkerScript,
        dataDir: config.dataDir,
        nice: config.captionNice,
        shedMs: config.captionShedMs,
        watchdogMs: config.captionWatchdogMs,
      },
      logger,
    );
    pool.on('workerdied', () => this.#rescueSpaces());
  }

  /** Moves every Space whose router died with its worker to a new router on a healthy worker. */
  #rescueSpaces(): void {
    const stranded = this.spaces().filter((space) => space.router.closed && space.status === 'live');
    // Marked at once (the routers' close handlers look a tick later), even those already moving.
    for (const space of stranded) space.markMoving();
    for (const space of stranded) if (!this.#rescuing.has(space)) void this.#rescue(space);
  }

  /**
   * A worker crash never ends a live Space: wait for a live worker (the pool replaces dead ones) and
   * move there; when the new router dies too before or while the Space moves, try again.
   */
  async #rescue(space: Space): Promise<void> {
    this.#rescuing.add(space);
    const started = Date.now();
    try {
      for (let attempt = 1; space.status === 'live' && space.router.closed; attempt++) {
        // Waits for a live worker; fails only when the pool closes or none comes up in 20 s.
        const router = await this.pool.createRouter(MEDIA_CODECS);
        try {
          await space.moveTo(router);
        } catch (error) {
          if (space.status !== 'live') return;
          if (!router.closed) throw error; // not a dying worker: a real failure
          this.logger.warn('rescue target died too; trying again', { spaceId: space.id, attempt, error: String(error) });
          continue;
        }
        if (!router.closed) this.logger.warn('space rescued from a dead worker', { spaceId: space.id, ms: Date.now() - started, attempt });
      }
    } catch (error) {
      if (space.status !== 'live') return;
      this.logger.error('could not rescue a space', { spaceId: space.id, error });
      space.end('the media server failed');
    } finally {
      this.#rescuing.delete(space);
    }
  }

  static async start(config: ServerConfig, logger: Logger, platform: Platform): Promise<Sfu> {
    const sfu = new Sfu(config, logger, await WorkerPool.start(config, logger), platform);
    if (config.redis) {
      try {
        sfu.cluster = await Cluster.start(config, sfu.pool, {
          listeners: () => sfu.spaces().reduce((sum, space) => sum + space.members().filter((m) => m.connected).length, 0),
          origins: () => sfu.spaces().length,
          spaceIds: () => sfu.spaces().map((space) => space.id),
          source: (spaceId, producerId) => {
            const space = sfu.space(spaceId);
            const staged = space?.stageProducers().find((p) => p.producer.id === producerId);
            return space && staged ? { router: space.router, producer: staged.producer } : undefined;
          },
        }, logger, () => sfu.pool.createRouter(MEDIA_CODECS));
      } catch (error) {
        sfu.close();
        throw error;
      }
    }
    await sfu.#restoreSpaces();
    return sfu;
  }

  space(spaceId: string): Space | undefined {
    return this.#spaces.get(spaceId);
  }

  spaces(): Space[] {
    return [...this.#spaces.values()];
  }

  checkStudioKey(given: string | undefined): void {
    const expected = this.config.studioKey;
    if (expected === undefined) return;
    const a = Buffer.from(given ?? '');
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new ProtocolError('unauthenticated', 'creating a space needs this server’s studio key');
    }
  }

  /** The user id a user token carries, or a new one when it is missing or invalid. */
  identify(userToken: string | undefined, fallbackPrefix: string): string {
    if (userToken) {
      const verified = this.tokens.verify(userToken, 'user');
      if (verified.ok) return verified.claims.userId;
    }
    return `${fallbackPrefix}-${randomBytes(9).toString('base64url')}`;
  }

  userToken(userId: string): string {
    return this.tokens.sign({ kind: 'user', userId }, USER_TOKEN_TTL_MS);
  }

  invitation(spaceId: string, canRequest: boolean): string {
    return this.tokens.sign({ kind: 'join', spaceId, role: 'listener', ...(canRequest ? { canRequest } : {}) }, INVITE_TTL_MS);
  }

  async createSpace(init: { title: string; hostName: string; userToken?: string; requestPolicy?: 'everyone' | 'invited'; captions?: boolean; accountId?: string }) {
    const router = await this.pool.createRouter(MEDIA_CODECS);
    const id = randomBytes(6).toString('base64url');
    // A signed-in host is their account; otherwise the identity their client kept, or a new one.
    const hostUserId = init.accountId ?? this.identify(init.userToken, 'host');
    const space = new Space({
      id,
      title: init.title,
      router,
      logger: this.logger.child({ spaceId: id }),
      policy: {
        maxSpeakers: this.config.maxSpeakers,
        maxCohosts: this.config.maxCohosts,
        requestPolicy: init.requestPolicy ?? 'everyone',
      },
      graceMs: this.config.graceMs,
      moderation: this.moderation,
      hostUserId,
      pool: this.pool,
      mediaCodecs: MEDIA_CODECS,
    });
    await space.start();
    this.captions.attach(space, init.captions ?? false);
    this.#track(space, SpaceRecorder.create(space, this.platform.journal, hostUserId));
    // A new id: this node is its origin; the directory says so to every other node.
    await this.cluster?.claim(id);
    // Answered once the Space is in the store: a restart from here on brings it back.
    await this.platform.journal.settled();
    this.logger.info('space created', { spaceId: id, title: init.title });
    const hostToken = this.tokens.sign(
      { kind: 'join', spaceId: id, role: 'host', userId: hostUserId, displayName: init.hostName },
      HOST_TOKEN_TTL_MS,
    );
    return { space, hostToken, listenerInvite: this.invitation(id, false) };
  }

  /** Recorders of the live Spaces, by Space id. */
  readonly #recorders = new Map<string, SpaceRecorder>();

  #track(space: Space, recorder: SpaceRecorder): void {
    this.#spaces.set(space.id, space);
    this.#recorders.set(space.id, recorder);
    space.once('ended', () => {
      this.#spaces.delete(space.id);
      this.#recorders.delete(space.id);
      // Ticket sales close with the show (it was live, so the never-started refund does not apply).
      this.platform.tickets.spaceEnded(space.id, true).catch((error: unknown) => this.logger.warn('closing ticket sales failed', { spaceId: space.id, error }));
      void this.cluster?.release(space.id);
    });
  }

  /** Brings back every Space the store holds as live (the service restarted while they were on air). */
  async #restoreSpaces(): Promise<void> {
    for (const stored of await this.platform.store.repos.spaces.live()) {
      try {
        // Several nodes share the store: a Space another live node is the origin of stays there.
        if (this.cluster && !(await this.cluster.claim(stored.space.id))) continue;
        await this.#restore(stored);
      } catch (error) {
        this.logger.error('could not restore a space', { spaceId: stored.space.id, error });
      }
    }
  }

  async #restore(stored: StoredSpace): Promise<void> {
    const { space: record } = stored;
    const space = new Space({
      id: record.id,
      title: record.title,
      router: await this.pool.createRouter(MEDIA_CODECS),
      logger: this.logger.child({ spaceId: record.id }),
      policy: record.policy,
      graceMs: this.config.graceMs,
      moderation: this.moderation,
      hostUserId: record.hostUserId,
      startedAt: record.startedAt,
      pool: this.pool,
      mediaCodecs: MEDIA_CODECS,
    });
    space.restore({ members: stored.members, queue: record.queue, banned: stored.bans, talkTimeMs: record.talkTimeMs });
    await space.start();
    this.captions.attach(space, false);
    this.#track(space, SpaceRecorder.resume(space, this.platform.journal, stored));
    this.logger.warn('space restored after a restart; waiting for its members to come back', {
      spaceId: space.id,
      members: stored.members.length,
      graceMs: this.config.graceMs,
    });
  }

  /** Finds the Space and member a resume token belongs to. */
  resumable(resumeToken: string) {
    for (const space of this.#spaces.values()) {
      const member = space.membership.byResumeToken(resumeToken);
      if (member) return { space, member };
    }
    return undefined;
  }

  /**
   * A WebRTC transport on one of a Space's routers: on its worker's WebRtcServer (one UDP port for every
   * client, TCP as fallback) or, with `--rtc-ports range`, on ports of its own. `onVanished` runs when
   * the client's ICE consent checks stop (`--ice-consent-timeout`): it is gone, whatever its WebSocket says.
   */
  async createWebRtcTransport(router: ms.Router, onVanished?: () => void): Promise<ms.WebRtcTransport> {
    const { host, announcedIp, iceConsentTimeoutS } = this.config;
    const common = {
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      iceConsentTimeout: iceConsentTimeoutS,
      initialAvailableOutgoingBitrate: 600_000,
    };
    let transport: ms.WebRtcTransport;
    if (this.config.rtcPorts === 'server') {
      const webRtcServer = this.pool.webRtcServerFor(router);
      if (!webRtcServer) throw new Error('this space’s media worker is restarting; try again');
      transport = await router.createWebRtcTransport({ ...common, webRtcServer });
    } else {
      const portRange = this.pool.portRangeFor(router);
      const listen = (protocol: 'udp' | 'tcp'): ms.TransportListenInfo => ({
        protocol,
        ip: host,
        ...(announcedIp ? { announcedAddress: announcedIp } : {}),
        ...(portRange ? { portRange } : {}),
      });
      transport = await router.createWebRtcTransport({ ...common, listenInfos: [listen('udp'), listen('tcp')] });
    }
    if (onVanished) {
      let connected = false;
      transport.on('icestatechange', (state) => {
        if (state === 'connected' || state === 'completed') connected = true;
        // After a working connection, 'disconnected' is the consent timeout (or a TCP tuple closing).
        else if (state === 'disconnected' && connected && !transport.closed) onVanished();
      });
    }
    return transport;
  }

  close(): void {
    for (const space of this.spaces()) {
      if (this.platform.store.durable) {
        // Kept live in the store: the next start brings it back and clients resume.
        this.#recorders.get(space.id)?.suspend();
        space.shutDown();
      } else {
        space.end('the server is shutting down');
      }
    }
    this.captions.close();
    this.pool.close();
  }
}
