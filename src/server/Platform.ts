// The durable side of the service, started before the media side: the store (migrated), mail, accounts,
// moderation and the HTTP API's rate limits. The Sfu and the HTTP router both use it.
import { mkdirSync } from 'node:fs';
import { AccountService } from './accounts/AccountService.js';
import type { ServerConfig } from './config.js';
import { RateLimits, type LimitTable } from './http/RateLimits.js';
import type { Logger } from './logger.js';
import { Mailer } from './mail/Mailer.js';
import { ModerationStore } from './ModerationStore.js';
import { randomBytes } from 'node:crypto';
import { storeTarget } from './store/connect.js';
import { Journal } from './store/Journal.js';
import { importLegacyFiles } from './store/legacy-import.js';
import { Store } from './store/Store.js';
import { paymentProviderFor, ticketRulesFor } from './tickets/providers.js';
import { TicketService } from './tickets/TicketService.js';

export interface PlatformOptions {
  /** Tighter or looser limits (tests that sign many people up from one address). */
  rateLimits?: Partial<LimitTable>;
  /** The clock ticket holds are timed by (tests move it). */
  now?: () => number;
}

export class Platform {
  readonly store: Store;
  readonly mailer: Mailer;
  readonly accounts: AccountService;
  readonly moderation: ModerationStore;
  readonly rateLimits: RateLimits;
  /** Ticketed Spaces: offers, holds, payments, refunds and the ledger. */
  readonly tickets: TicketService;
  /** Live-state writes (Spaces, members, queue) folded and committed without holding up the show. */
  readonly journal: Journal;
  /** The secret join and user tokens are signed with: --token-secret, else one kept in the store, so
   * invitations and kept identities still verify after a restart. */
  readonly tokenSecret: string;
  readonly #logger: Logger;
  /** Links in mail start here: --public-url, else the address the server listens on. */
  #baseUrl: string;
  readonly #publicUrl: string | undefined;
  #housekeeping: ReturnType<typeof setInterval> | undefined;
  #ticketSweeper: ReturnType<typeof setInterval> | undefined;

  private constructor(init: {
    config: ServerConfig;
    store: Store;
    mailer: Mailer;
    moderation: ModerationStore;
    logger: Logger;
    options: PlatformOptions;
    tokenSecret: string;
  }) {
    this.store = init.store;
    this.tokenSecret = init.tokenSecret;
    this.journal = new Journal(init.store, init.logger.child({ component: 'journal' }));
    this.mailer = init.mailer;
    this.moderation = init.moderation;
    this.#logger = init.logger;
    this.#publicUrl = init.config.publicUrl?.replace(/\/+$/, '');
    this.#baseUrl = this.#publicUrl ?? `http://${init.config.host}:${init.config.port}`;
    this.rateLimits = new RateLimits(init.options.rateLimits);
    this.accounts = new AccountService({
      store: init.store,
      mailer: init.mailer,
      logger: init.logger.child({ component: 'accounts' }),
      link: (path) => `${this.#baseUrl}${path}`,
    });
    this.tickets = new TicketService({
      store: init.store,
      provider: paymentProviderFor(init.config, () => this.#baseUrl),
      rules: ticketRulesFor(init.config),
      mailer: init.mailer,
      logger: init.logger.child({ component: 'tickets' }),
      now: init.options.now,
      link: (path) => `${this.#baseUrl}${path}`,
    });
  }

  static async start(config: ServerConfig, logger: Logger, options: PlatformOptions = {}): Promise<Platform> {
    if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
    const store = await Store.open(storeTarget(config.database, config.dataDir));
    try {
      logger.info('store open', { database: store.description, migrated: store.migrated });
      if (config.dataDir) await importLegacyFiles(store, config.dataDir, logger);
      const moderation = await ModerationStore.load(store, logger.child({ component: 'moderation' }));
      const mailer = new Mailer({ smtpUrl: config.smtp, from: config.mailFrom, dataDir: config.dataDir, logger: logger.child({ component: 'mail' }) });
      logger.info('mail', { to: mailer.destination });
      let tokenSecret = config.tokenSecret ?? (await store.repos.meta.get('token_secret'));
      if (!tokenSecret) {
        tokenSecret = randomBytes(32).toString('base64url');
        await store.repos.meta.set('token_secret', tokenSecret);
      }
      const platform = new Platform({ config, store, mailer, moderation, logger, options, tokenSecret });
      if (config.ownerEmail) await platform.accounts.ensureOwnerEmail(config.ownerEmail.toLowerCase());
      platform.#housekeeping = setInterval(() => void platform.#purge(), 3_600_000);
      platform.#housekeeping.unref();
      // Holds whose checkout time is over give their seats back (buying also does, per Space).
      platform.#ticketSweeper = setInterval(() => void platform.tickets.sweep().catch((error: unknown) => logger.warn('ticket sweep failed', { error })), 30_000);
      platform.#ticketSweeper.unref();
      return platform;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** Called once the server listens, so links name the real port when no public URL is set. */
  listeningAt(httpUrl: string): void {
    if (!this.#publicUrl) this.#baseUrl = httpUrl;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** The configured public origin, allowed by the same-origin check besides the request's own Host. */
  get publicOrigin(): string | undefined {
    return this.#publicUrl ? new URL(this.#publicUrl).origin : undefined;
  }

  /** Cookies get `Secure` when people reach the service over https. */
  get secureCookies(): boolean {
    return this.#publicUrl?.startsWith('https://') ?? false;
  }

  async #purge(): Promise<void> {
    const now = Date.now();
    try {
      await this.store.repos.sessions.purgeExpired(now);
      await this.store.repos.links.purgeExpired(now);
    } catch (error) {
      this.#logger.warn('purging expired sessions failed', { error });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#housekeeping);
    clearInterval(this.#ticketSweeper);
    await this.journal.close();
    await this.moderation.flush();
    this.mailer.close();
    await this.store.close();
  }
}
