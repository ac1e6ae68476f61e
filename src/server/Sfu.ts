// The SFU service's core: the worker pool, the live Spaces and the token signer. Transport-agnostic:
// the WebSocket layer (Connection) calls it, and integration tests can too.
import type { types as ms } from 'mediasoup';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '../shared/errors.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';
import type { ModerationStore } from './ModerationStore.js';
import type { Platform } from './Platform.js';
import { newSpaceId, ScheduleService } from './schedule/ScheduleService.js';
import { Space } from './Space.js';
import { TokenSigner } from './tokens.js';
import { WorkerPool } from './WorkerPool.js';

/** Opus is all a live audio room needs: 48 kHz, stereo-capable, in-band FEC. */
export const MEDIA_CODECS: ms.RtpCodecCapability[] = [
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
  /** Scheduled Spaces, listings, the Space page and the directory. */
  readonly schedule: ScheduleService;
  /** Live Spaces by id; an ended Space removes itself. */
  readonly #spaces = new Map<string, Space>();

  private constructor(config: ServerConfig, logger: Logger, pool: WorkerPool, platform: Platform) {
    this.config = config;
    this.logger = logger;
    this.pool = pool;
    this.platform = platform;
    this.tokens = new TokenSigner(config.tokenSecret);
    this.moderation = platform.moderation;
    this.schedule = new ScheduleService({ sfu: this, platform, config, logger: logger.child({ component: 'schedule' }) });
    pool.on('workerdied', () => this.#rescueSpaces());
  }

  /** Moves every Space whose router died with its worker to a new router on a healthy worker. */
  #rescueSpaces(): void {
    const stranded = this.spaces().filter((space) => space.router.closed && space.status === 'live');
    for (const space of stranded) space.markMoving();
    for (const space of stranded) {
      const started = Date.now();
      this.pool
        .createRouter(MEDIA_CODECS)
        .then((router) => space.moveTo(router))
        .then(() => this.logger.warn('space rescued from a dead worker', { spaceId: space.id, ms: Date.now() - started }))
        .catch((error: unknown) => {
          this.logger.error('could not rescue a space', { spaceId: space.id, error });
          space.end('the media server failed');
        });
    }
  }

  static async start(config: ServerConfig, logger: Logger, platform: Platform): Promise<Sfu> {
    return new Sfu(config, logger, await WorkerPool.start(config, logger), platform);
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

  /** Opens a live Space; a scheduled one starts under the `id` it was scheduled with (its link stays). */
  async createSpace(init: { id?: string; title: string; hostName: string; userToken?: string; requestPolicy?: 'everyone' | 'invited'; accountId?: string }) {
    const id = init.id ?? newSpaceId();
    if (this.#spaces.has(id)) throw new ProtocolError('conflict', 'that Space is live already');
    const router = await this.pool.createRouter(MEDIA_CODECS);
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
    });
    await space.start();
    this.#spaces.set(id, space);
    space.once('ended', () => this.#spaces.delete(id));
    this.logger.info('space created', { spaceId: id, title: init.title });
    const hostToken = this.tokens.sign(
      { kind: 'join', spaceId: id, role: 'host', userId: hostUserId, displayName: init.hostName },
      HOST_TOKEN_TTL_MS,
    );
    return { space, hostToken, listenerInvite: this.invitation(id, false) };
  }

  /** Finds the Space and member a resume token belongs to. */
  resumable(resumeToken: string) {
    for (const space of this.#spaces.values()) {
      const member = space.memberByResumeToken(resumeToken);
      if (member) return { space, member };
    }
    return undefined;
  }

  async createWebRtcTransport(space: Space): Promise<ms.WebRtcTransport> {
    const { host, announcedIp } = this.config;
    return space.router.createWebRtcTransport({
      listenIps: [{ ip: host, announcedIp }],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 600_000,
    });
  }

  close(): void {
    for (const space of this.spaces()) space.end('the server is shutting down');
    this.pool.close();
  }
}
