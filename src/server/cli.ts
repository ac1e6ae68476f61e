// `hostline-sfu`: runs the SFU service on its own. Flags and environment are described by --help.
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, parseConfig, usage } from './config.js';
import { Logger } from './logger.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(usage());
    return;
  }
  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // Built, this file is out/main/sfu.js and the pages are in out/renderer.
  config.staticDir ??= join(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
  // Run on its own, the service keeps its database and mail outbox in a folder of its own by default,
  // so a restart keeps accounts and live Spaces.
  config.dataDir ??= join(process.env.XDG_DATA_HOME ?? join(os.homedir(), '.local', 'share'), 'hostline-sfu');
  const logger = new Logger(config.logLevel, { service: 'hostline-sfu' });
  // Handlers first, so a signal during start-up still shuts down cleanly once the server is up.
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let stopping: string | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = signal;
    logger.info('shutting down', { signal });
    // A shutdown that hangs (a stuck worker) must not keep the process alive forever.
    setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    void (server ? server.close() : Promise.resolve()).then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  server = await startServer(config, { logger });
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'failed to start', error: String(error) }));
  process.exit(1);
});
