// The SFU service's configuration: flags win over environment variables, which win over defaults.
// Parsing is pure (argv and env in, a validated config or a clear error out) so it is unit-tested.
import os from 'node:os';
import { z } from 'zod';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const ConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    announcedIp: z.string().min(1).optional(),
    rtcMinPort: z.number().int().min(1024).max(65535),
    rtcMaxPort: z.number().int().min(1024).max(65535),
    logLevel: z.enum(LOG_LEVELS),
    workers: z.number().int().min(1).max(64),
    /** When set, `space.create` must carry this key; the embedded studio sets one for itself. */
    studioKey: z.string().min(16).optional(),
    /** HMAC secret for join tokens; random per process unless given. */
    tokenSecret: z.string().min(32).optional(),
    /** Where the built studio and listener page are (out/renderer). */
    staticDir: z.string().optional(),
    /** Where block lists and reports are kept; memory only when unset. */
    dataDir: z.string().optional(),
    /** How long a dropped member keeps their place, and a dropped host their powers. */
    graceMs: z.number().int().min(0).max(3_600_000),
    maxSpeakers: z.number().int().min(0).max(100),
    maxCohosts: z.number().int().min(0).max(10),
    /** The store: a postgres:// URL, or a SQLite file; unset: hostline.db in the data folder. */
    database: z.string().min(1).optional(),
    /** Outgoing mail: an smtp:// or smtps:// URL; unset: .eml files in <data folder>/outbox. */
    smtp: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    /** The From: of mail the service sends. */
    mailFrom: z.string().min(3).max(254),
    /** An owner of the service (may suspend accounts, read reports): created at start if missing, a reset link mailed. */
    ownerEmail: z.email().optional(),
    /** The address people reach this service at (links in mail, the same-origin check); default: the listening address. */
    publicUrl: z.string().url().optional(),
    /** Live captions: the embedded pocketsphinx, or whisper.cpp with a model file the deployment supplies. */
    captionEngine: z.enum(['pocketsphinx', 'whisper']),
    captionWhisperModel: z.string().min(1).optional(),
    /** Recognition streams the caption worker keeps at most (speakers captioned at the same moment). */
    captionStreams: z.number().int().min(1).max(64),
    /** The built caption worker script (tests point at their own build). */
    captionWorkerScript: z.string().optional(),
    /** How far behind a speaker's captions may fall before their audio is skipped to catch up, ms. */
    captionShedMs: z.number().int().min(3000).max(600_000),
    /** nice(1) value of the caption worker: 10 by default, so captions wait before audio ever does. */
    captionNice: z.number().int().min(0).max(19),
    /** A caption worker silent this long (it reports every second) is killed and started again, ms. */
    captionWatchdogMs: z.number().int().min(2000).max(600_000),
    // ---- media ports (issue 18: one WebRtcServer per worker) ----
    /** How WebRTC clients reach a worker: all on the worker's one port (`server`), or a port each (`range`). */
    rtcPorts: z.enum(['server', 'range']),
    /** Worker i's WebRtcServer listens on UDP and TCP port rtcPort + i; 0 picks free ports in the RTC range. */
    rtcPort: z.number().int().min(0).max(65535),
    /** A client whose ICE consent checks stop for this many seconds has vanished (0: never). */
    iceConsentTimeoutS: z
      .number()
      .int()
      .refine((s) => s === 0 || (s >= 10 && s <= 60), { message: 'must be 0 (off) or 10–60 seconds (mediasoup’s limits)' }),
    // ---- ticketed Spaces (issue 12) ----
    /** How tickets are paid: `test` (no money, the embedded default) or `stripe`. */
    payments: z.enum(['test', 'stripe']),
    stripeSecretKey: z.string().min(8).optional(),
    stripeWebhookSecret: z.string().min(8).optional(),
    /** Another Stripe API address (tests' local stand-in); unset: api.stripe.com. */
    stripeApiUrl: z.string().url().optional(),
    /** How long a seat is held while its buyer pays, minutes (Stripe: 30–1440). */
    ticketHoldMinutes: z.number().int().min(1).max(1440),
    /** Price bounds, minor units (cents). */
    ticketPriceMin: z.number().int().min(1),
    ticketPriceMax: z.number().int().min(1),
    /** The commission: basis points below and above the lifetime-earnings threshold (minor units). */
    commissionLowBp: z.number().int().min(0).max(10_000),
    commissionHighBp: z.number().int().min(0).max(10_000),
    commissionThreshold: z.number().int().min(0),
    /** Refund every ticket of a Space that ends without ever starting: yes (default) or no. */
    refundNeverStarted: z.enum(['yes', 'no']),
    // ---- several nodes (issue 15) ----
    /** This node's name in the cluster (letters, digits, dashes); random when unset. */
    nodeId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,47}$/, 'must be 1–48 letters, digits or dashes').optional(),
    /** The Redis that nodes of one service share; unset: one node alone, no Redis. */
    redis: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    /** The WebSocket address clients reach this very node at, as the registry names it (default ws://<host>:<port>/ws). */
    nodeUrl: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
  })
  .refine((c) => c.payments !== 'stripe' || (c.stripeSecretKey !== undefined && c.stripeWebhookSecret !== undefined), {
    message: 'Stripe payments need --stripe-secret-key and --stripe-webhook-secret',
    path: ['payments'],
  })
  .refine((c) => c.payments !== 'stripe' || c.ticketHoldMinutes >= 30, { message: 'Stripe checkouts last at least 30 minutes', path: ['ticketHoldMinutes'] })
  .refine((c) => c.ticketPriceMin <= c.ticketPriceMax, { message: 'ticket-price-min must not exceed ticket-price-max', path: ['ticketPriceMin'] })
  .refine((c) => c.rtcMinPort <= c.rtcMaxPort, { message: 'rtc-min-port must not exceed rtc-max-port' })
  .refine((c) => c.captionEngine !== 'whisper' || c.captionWhisperModel !== undefined, {
    message: 'the whisper caption engine needs --caption-whisper-model <ggml model file>',
    path: ['captionWhisperModel'],
  })
  .refine((c) => c.redis === undefined || (c.database !== undefined && /^postgres(ql)?:\/\//.test(c.database)), {
    message: 'several nodes share one PostgreSQL: --redis needs --database postgres://… (roles and the queue move with a Space from a dead node)',
    path: ['database'],
  })
  .refine((c) => c.redis === undefined || c.host !== '0.0.0.0' || c.announcedIp !== undefined, {
    message: 'with --redis and --host 0.0.0.0, give --announced-ip: the address other nodes send media pipes to',
    path: ['announcedIp'],
  })
  .refine((c) => c.rtcPort === 0 || (c.rtcPort >= 1024 && c.rtcPort + c.workers - 1 <= 65535), {
    message: 'rtc-port must be 0 or 1024–65535, leaving one port per worker',
    path: ['rtcPort'],
  });

export type ServerConfig = z.infer<typeof ConfigSchema>;

/** One row per option: its flag, its environment variable and how to read it. */
const OPTIONS = [
  { key: 'host', flag: 'host', env: 'HOSTLINE_HOST', type: 'string', help: 'address to listen on (default 127.0.0.1)' },
  { key: 'port', flag: 'port', env: 'HOSTLINE_PORT', type: 'int', help: 'HTTP and WebSocket port (default 4480; 0 picks a free one)' },
  { key: 'announcedIp', flag: 'announced-ip', env: 'HOSTLINE_ANNOUNCED_IP', type: 'string', help: 'IP or host name put in ICE candidates, when clients reach us by another address (NAT, container)' },
  { key: 'rtcMinPort', flag: 'rtc-min-port', env: 'HOSTLINE_RTC_MIN_PORT', type: 'int', help: 'lowest UDP/TCP port for media with --rtc-ports range, or to pick from with --rtc-port 0 (default 40000)' },
  { key: 'rtcMaxPort', flag: 'rtc-max-port', env: 'HOSTLINE_RTC_MAX_PORT', type: 'int', help: 'highest UDP/TCP port for media, as above (default 49999)' },
  { key: 'logLevel', flag: 'log-level', env: 'HOSTLINE_LOG_LEVEL', type: 'string', help: 'debug | info | warn | error (default info)' },
  { key: 'workers', flag: 'workers', env: 'HOSTLINE_WORKERS', type: 'int', help: 'mediasoup worker processes (default: one per core)' },
  { key: 'studioKey', flag: 'studio-key', env: 'HOSTLINE_STUDIO_KEY', type: 'string', help: 'key a studio must present to create spaces (at least 16 characters)' },
  { key: 'tokenSecret', flag: 'token-secret', env: 'HOSTLINE_TOKEN_SECRET', type: 'string', help: 'HMAC secret for join tokens (at least 32 characters; random if unset)' },
  { key: 'dataDir', flag: 'data-dir', env: 'HOSTLINE_SFU_DATA_DIR', type: 'string', help: 'folder for the database (hostline.db) and the mail outbox (hostline-sfu: ~/.local/share/hostline-sfu; in-process: memory only when unset)' },
  { key: 'graceMs', flag: 'grace-ms', env: 'HOSTLINE_GRACE_MS', type: 'int', help: 'how long a dropped member keeps their place, and a dropped host their powers (default 60000)' },
  { key: 'maxSpeakers', flag: 'max-speakers', env: 'HOSTLINE_MAX_SPEAKERS', type: 'int', help: 'speakers on stage besides the host and co-hosts (default 10)' },
  { key: 'maxCohosts', flag: 'max-cohosts', env: 'HOSTLINE_MAX_COHOSTS', type: 'int', help: 'co-hosts per space (default 2)' },
  { key: 'captionEngine', flag: 'caption-engine', env: 'HOSTLINE_CAPTION_ENGINE', type: 'string', help: 'pocketsphinx (embedded, default) | whisper (needs --caption-whisper-model)' },
  { key: 'captionWhisperModel', flag: 'caption-whisper-model', env: 'HOSTLINE_CAPTION_WHISPER_MODEL', type: 'string', help: 'a whisper.cpp ggml model file (e.g. ggml-base.en.bin) for --caption-engine whisper' },
  { key: 'captionStreams', flag: 'caption-streams', env: 'HOSTLINE_CAPTION_STREAMS', type: 'int', help: 'speakers captioned at the same moment, at most (default 4; ~90 MB each)' },
  { key: 'captionShedMs', flag: 'caption-shed-ms', env: 'HOSTLINE_CAPTION_SHED_MS', type: 'int', help: 'how far behind a speaker\'s captions may fall before audio is skipped to catch up (default 8000)' },
  { key: 'captionNice', flag: 'caption-nice', env: 'HOSTLINE_CAPTION_NICE', type: 'int', help: 'CPU priority (nice) of the caption worker (default 10: below the SFU and its media)' },
  { key: 'captionWatchdogMs', flag: 'caption-watchdog-ms', env: 'HOSTLINE_CAPTION_WATCHDOG_MS', type: 'int', help: 'restart a caption worker that has not answered for this long (default 30000)' },
  { key: 'staticDir', flag: 'static-dir', env: 'HOSTLINE_STATIC_DIR', type: 'string', help: 'folder with the built studio and listener page (default out/renderer)' },
  { key: 'database', flag: 'database', env: 'HOSTLINE_DATABASE_URL', type: 'string', help: 'postgres://user:pass@host/db, or a SQLite file (default hostline.db in the data folder)' },
  { key: 'smtp', flag: 'smtp', env: 'HOSTLINE_SMTP_URL', type: 'string', help: 'smtp://user:pass@host:port for outgoing mail (default: .eml files in <data folder>/outbox)' },
  { key: 'mailFrom', flag: 'mail-from', env: 'HOSTLINE_MAIL_FROM', type: 'string', help: 'From: address of the mail the service sends (default Hostline <no-reply@localhost>)' },
  { key: 'ownerEmail', flag: 'owner-email', env: 'HOSTLINE_OWNER_EMAIL', type: 'string', help: 'email of the service owner (made an owner at start; a new account gets a password link by mail)' },
  { key: 'publicUrl', flag: 'public-url', env: 'HOSTLINE_PUBLIC_URL', type: 'string', help: 'https://… address people reach the service at, for links in mail (default: the listening address)' },
  // Media ports: one WebRtcServer per worker (issue 18).
  { key: 'rtcPorts', flag: 'rtc-ports', env: 'HOSTLINE_RTC_PORTS', type: 'string', help: 'server: every WebRTC client of a worker on its one UDP port (TCP as fallback); range: a port per client from --rtc-min-port..--rtc-max-port (default server)' },
  { key: 'rtcPort', flag: 'rtc-port', env: 'HOSTLINE_RTC_PORT', type: 'int', help: 'UDP and TCP port of the first worker\'s WebRTC server; worker i uses this + i (default 40000; 0 picks free ports in the RTC range)' },
  // Several nodes behind a load balancer (issue 15, docs/DEPLOY.md).
  { key: 'nodeId', flag: 'node-id', env: 'HOSTLINE_NODE_ID', type: 'string', help: 'this node\'s name among the nodes sharing --redis (default: random)' },
  { key: 'redis', flag: 'redis', env: 'HOSTLINE_REDIS_URL', type: 'string', help: 'redis://host:port shared by every node of the service (unset: one node, no Redis)' },
  { key: 'nodeUrl', flag: 'node-url', env: 'HOSTLINE_NODE_URL', type: 'string', help: 'ws(s)://… address clients reach this node at directly, as the node registry names it (default ws://<host>:<port>/ws)' },
  { key: 'iceConsentTimeoutS', flag: 'ice-consent-timeout', env: 'HOSTLINE_ICE_CONSENT_TIMEOUT', type: 'int', help: 'seconds without ICE consent checks after which a client counts as gone and gets its grace period (10–60, default 30; 0 off)' },
  // Ticketed Spaces (issue 12).
  { key: 'payments', flag: 'payments', env: 'HOSTLINE_PAYMENTS', type: 'string', help: 'test (no money moves; default) | stripe (needs the two Stripe keys)' },
  { key: 'stripeSecretKey', flag: 'stripe-secret-key', env: 'HOSTLINE_STRIPE_SECRET_KEY', type: 'string', help: 'Stripe secret key (sk_live_… or sk_test_…)' },
  { key: 'stripeWebhookSecret', flag: 'stripe-webhook-secret', env: 'HOSTLINE_STRIPE_WEBHOOK_SECRET', type: 'string', help: 'signing secret of the webhook endpoint <public url>/webhooks/stripe (whsec_…)' },
  { key: 'stripeApiUrl', flag: 'stripe-api-url', env: 'HOSTLINE_STRIPE_API_URL', type: 'string', help: 'another Stripe API address (tests use a local stand-in; default api.stripe.com)' },
  { key: 'ticketHoldMinutes', flag: 'ticket-hold-minutes', env: 'HOSTLINE_TICKET_HOLD_MINUTES', type: 'int', help: 'minutes a seat is held while its buyer pays (default 30; Stripe needs 30–1440)' },
  { key: 'ticketPriceMin', flag: 'ticket-price-min', env: 'HOSTLINE_TICKET_PRICE_MIN', type: 'int', help: 'lowest ticket price in cents (default 100)' },
  { key: 'ticketPriceMax', flag: 'ticket-price-max', env: 'HOSTLINE_TICKET_PRICE_MAX', type: 'int', help: 'highest ticket price in cents (default 99900)' },
  { key: 'commissionLowBp', flag: 'commission-low-bp', env: 'HOSTLINE_COMMISSION_LOW_BP', type: 'int', help: 'commission below the threshold, basis points (default 300 = 3 %)' },
  { key: 'commissionHighBp', flag: 'commission-high-bp', env: 'HOSTLINE_COMMISSION_HIGH_BP', type: 'int', help: 'commission above it, basis points (default 2000 = 20 %)' },
  { key: 'commissionThreshold', flag: 'commission-threshold', env: 'HOSTLINE_COMMISSION_THRESHOLD', type: 'int', help: 'a host\'s lifetime ticket earnings (cents) where the higher rate starts (default 5000000 = $50,000)' },
  { key: 'refundNeverStarted', flag: 'refund-never-started', env: 'HOSTLINE_REFUND_NEVER_STARTED', type: 'string', help: 'yes | no: refund every ticket of a Space that ends without starting (default yes)' },
] as const;

export function defaultConfig(): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 4480,
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    logLevel: 'info',
    workers: Math.max(1, os.availableParallelism()),
    graceMs: 60_000,
    maxSpeakers: 10,
    maxCohosts: 2,
    mailFrom: 'Hostline <no-reply@localhost>',
    captionEngine: 'pocketsphinx',
    captionStreams: 4,
    captionNice: 10,
    captionShedMs: 8000,
    captionWatchdogMs: 30_000,
    rtcPorts: 'server',
    rtcPort: 40000,
    iceConsentTimeoutS: 30,
    payments: 'test',
    ticketHoldMinutes: 30,
    ticketPriceMin: 100,
    ticketPriceMax: 99_900,
    commissionLowBp: 300,
    commissionHighBp: 2000,
    commissionThreshold: 5_000_000,
    refundNeverStarted: 'yes',
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function usage(): string {
  const rows = OPTIONS.map((o) => `  --${o.flag.padEnd(14)} ${o.env.padEnd(24)} ${o.help}`);
  return ['Usage: hostline-sfu [options]', '', '  flag             environment variable', ...rows, '  --help'].join('\n');
}

function readValue(option: (typeof OPTIONS)[number], raw: string, source: string): string | number {
  if (option.type === 'string') return raw;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${source} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** Builds the config from argv (without node and script) and an environment. Throws ConfigError. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined>): ServerConfig {
  const merged: Record<string, unknown> = { ...defaultConfig() };
  for (const option of OPTIONS) {
    const raw = env[option.env];
    if (raw !== undefined && raw !== '') merged[option.key] = readValue(option, raw, option.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"\n\n${usage()}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const option = OPTIONS.find((o) => o.flag === name);
    if (!option) throw new ConfigError(`unknown option --${name}\n\n${usage()}`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new ConfigError(`--${name} needs a value`);
    merged[option.key] = readValue(option, raw, `--${name}`);
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const option = OPTIONS.find((o) => o.key === issue.path[0]);
    throw new ConfigError(option ? `--${option.flag}: ${issue.message}` : issue.message);
  }
  return result.data;
}
