// Starts the studio's embedded SFU on loopback with its settings service. Electron's main process and
// the headless (browser) studio both start here; only how the renderer reaches the services differs.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ServerConfig } from '../server/config.js';
import { Logger } from '../server/logger.js';
import { startServer, type RouteHandler, type RunningServer } from '../server/server.js';
import type { SfuEndpoint } from '../shared/studio-api.js';
import { BridgeGuard } from './bridge-guard.js';
import { browserBridgeRoutes } from './browser-bridge.js';
import { SettingsService, type SettingsStore } from './services/SettingsService.js';
import { recordingCommands, type RecordingCommands } from './services/recording/RecordingCommands.js';
import { recordingFileRoutes, recordingRoutes } from './services/recording/recording-routes.js';
import { RecordingService } from './services/recording/RecordingService.js';

export interface StudioHost {
  server: RunningServer;
  /** Open the studio here: it hands the page this run's bridge token (see BridgeGuard). */
  studioUrl: string;
  /** This run's bridge token (tests and the Electron window use it). */
  bridgeToken: string;
  settings: SettingsService;
  /** Local recording; interrupted recordings were recovered before the host started serving. */
  recordings: RecordingService;
  recordingCommands: RecordingCommands;
  endpoint(): SfuEndpoint;
  close(): Promise<void>;
}

/** Where the headless studio keeps its files: $HOSTLINE_DATA_DIR, else ~/.config/hostline. */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  return env.HOSTLINE_DATA_DIR ?? join(env.XDG_CONFIG_HOME ?? join(os.homedir(), '.config'), 'hostline');
}

export async function startStudioHost(options: {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  staticDir: string;
  settingsStore: SettingsStore;
  /** Mount the HTTP API behind the browser's `window.studio` (not needed under Electron). */
  browserBridge: boolean;
  /** Port to use when neither flag nor env names one (Electron passes 0 for any free port). */
  defaultPort?: number;
  /** Where recordings go unless the settings name a folder (default $HOSTLINE_RECORDINGS_DIR, else <data dir>/recordings). */
  recordingsDir?: string;
  /** Server settings no flag sets (tests point the embedded SFU at their own caption worker build). */
  serverOverrides?: Partial<ServerConfig>;
}): Promise<StudioHost> {
  const env = { ...options.env };
  if (options.defaultPort !== undefined && env.HOSTLINE_PORT === undefined) env.HOSTLINE_PORT = String(options.defaultPort);
  const config: ServerConfig = { ...parseConfig(options.argv, env), ...options.serverOverrides };
  config.staticDir ??= options.staticDir;
  // The embedded SFU admits only this studio to create Spaces.
  config.studioKey ??= randomBytes(24).toString('base64url');
  // Its database (hostline.db) and mail outbox live in the studio's data folder.
  config.dataDir ??= defaultDataDir(env);
  const guard = new BridgeGuard();
  const settings = new SettingsService(options.settingsStore);
  const logger = new Logger(config.logLevel, { service: 'hostline-studio' });
  let server: RunningServer | undefined;
  /** The local owner's studio session on the embedded SFU (signed in without typing). */
  let sessionToken: string | undefined;
  const endpoint = (): SfuEndpoint => {
    if (!server) throw new Error('the embedded SFU is not running yet');
    return { httpUrl: server.httpUrl, wsUrl: server.wsUrl, studioKey: config.studioKey, ...(sessionToken ? { sessionToken } : {}) };
  };
  const recordingsDir = options.recordingsDir ?? env.HOSTLINE_RECORDINGS_DIR ?? join(defaultDataDir(env), 'recordings');
  const recordings = new RecordingService({
    root: () => settings.get().recording.directory ?? recordingsDir,
    warnMinutes: () => settings.get().recording.lowDiskWarningMinutes,
  });
  for (const recovered of await recordings.recoverInterrupted()) {
    logger.warn('recovered an interrupted recording', { id: recovered.id, durationSec: recovered.durationSec });
  }
  const commands = recordingCommands(recordings);
  const routes: RouteHandler[] = [guard.entryRoute(), recordingFileRoutes(recordings, guard)];
  if (options.browserBridge) routes.push(recordingRoutes(commands, guard), browserBridgeRoutes({ settings, endpoint, guard }));
  server = await startServer(config, { logger, routes });
  guard.listeningOn(server.port);
  sessionToken = await signInLocalOwner(server, settings.get().hostName);
  const close = async () => {
    // A recording running at shutdown is finished properly, not left for recovery.
    await recordings.close().catch(() => undefined);
    await server.close();
  };
  return { server, studioUrl: guard.studioUrl(server.httpUrl), bridgeToken: guard.token, settings, recordings, recordingCommands: commands, endpoint, close };
}

const EMBEDDED_AGENT = 'Hostline Studio (embedded)';

/**
 * The embedded SFU's local owner account, made on first start (nobody types anything), and a fresh
 * studio session for it each run; the previous run's session ends.
 */
async function signInLocalOwner(server: RunningServer, hostName: string): Promise<string> {
  const username = os.userInfo().username.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 24);
  const owner = await server.platform.accounts.ensureOwner({
    email: 'owner@hostline.localhost',
    handle: /^[a-z0-9_]{3,30}$/.test(username) && !['root', 'admin'].includes(username) ? username : 'host',
    displayName: hostName.trim() || os.userInfo().username || 'Host',
  });
  await server.platform.store.repos.sessions.deleteByAgent(owner.id, EMBEDDED_AGENT);
  return server.platform.accounts.studioSession(owner.id, { address: '127.0.0.1', userAgent: EMBEDDED_AGENT });
}
