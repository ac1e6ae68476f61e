// Starts a real SFU service (real mediasoup worker) on a free loopback port for a test.
import { join } from 'node:path';
import { defaultConfig, type ServerConfig } from '../../src/server/config';
import { Logger } from '../../src/server/logger';
import { startServer, type RunningServer } from '../../src/server/server';

export const RENDERER_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer');

export interface TestServer extends RunningServer {
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
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
    ...overrides,
  };
  const logs: Array<Record<string, unknown>> = [];
  const logger = new Logger(config.logLevel, { service: 'test' }, (line) => logs.push(JSON.parse(line)));
  const server = await startServer(config, { logger });
  return Object.assign(server, { logs });
}
