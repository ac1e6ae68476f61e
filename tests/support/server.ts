// Starts a real SFU service (real mediasoup worker) on a free loopback port for a test.
import { join } from 'node:path';
import { defaultConfig, type ServerConfig } from '../../src/server/config';
import { Logger } from '../../src/server/logger';
import type { LimitTable } from '../../src/server/http/RateLimits';
import { startServer, type RunningServer } from '../../src/server/server';
import { buildCaptionWorker } from './captionWorker';

export const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer');

export interface TestServer extends RunningServer {
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
}

/** Limits loose enough for tests that sign many people up from 127.0.0.1; rate-limit tests pass their own. */
export const TEST_RATE_LIMITS: Partial<LimitTable> = Object.fromEntries(
  (['signIn', 'signUp', 'resetRequest', 'reset', 'write', 'purchase'] as const).map((name) => [
    name,
    { perAddress: { max: 10_000, windowMs: 60_000 }, perAccount: { max: 10_000, windowMs: 60_000 } },
  ]),
);

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  options: { rateLimits?: Partial<LimitTable> } = {},
): Promise<TestServer> {
  const config: ServerConfig = {
    ...defaultConfig(),
    port: 0,
    workers: 1,
    // Free ports for each worker's WebRtcServer, so test servers never compete for one.
    rtcPort: 0,
    logLevel: 'info',
    staticDir: RENDERER_DIR,
    // Short, so succession and expiry happen within a test.
    graceMs: 400,
    // Captions run the worker built from the code under test, in every test server that turns them on.
    captionWorkerScript: overrides.captionWorkerScript ?? (await buildCaptionWorker()),
    ...overrides,
  };
  const logs: Array<Record<string, unknown>> = [];
  const logger = new Logger(config.logLevel, { service: 'test' }, (line) => logs.push(JSON.parse(line)));
  const server = await startServer(config, { logger, rateLimits: options.rateLimits ?? TEST_RATE_LIMITS });
  return Object.assign(server, { logs });
}
