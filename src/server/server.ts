// Starts the SFU service: mediasoup workers, the HTTP server for the studio and listener page, and
// WebSocket signaling on /ws. Returns a handle whose close() shuts everything down cleanly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES } from '../shared/protocol.js';
import type { ServerConfig } from './config.js';
import { captionRoutes } from './captions/caption-routes.js';
import { Connection } from './Connection.js';
import { Logger } from './logger.js';
import { Sfu } from './Sfu.js';
import { replayRoutes } from './replay/replay-routes.js';
import { serveStatic } from './static.js';

/** Extra HTTP routes (the studio's browser bridge mounts its API here). Return true when handled. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface RunningServer {
  sfu: Sfu;
  /** http://host:port, with the port actually bound. */
  httpUrl: string;
  /** ws://host:port/ws */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

/** Frames up to this size are read and answered `too_large`; larger ones close the socket (1009). */
const WS_MAX_PAYLOAD = 16 * MAX_MESSAGE_BYTES;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

export async function startServer(
  config: ServerConfig,
  options: { logger?: Logger; routes?: RouteHandler[] } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? new Logger(config.logLevel, { service: 'hostline-sfu' });
  const sfu = await Sfu.start(config, logger);
  const staticDir = config.staticDir;
  if (staticDir && !existsSync(staticDir)) {
    logger.warn('static folder missing: the studio and listener page are not built', { staticDir });
  }

  const replays = replayRoutes(sfu);
  const http = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') {
        sendJson(res, 200, { ok: true, spaces: sfu.spaces().length, workers: sfu.pool.size });
        return;
      }
      if (url.pathname === '/healthz/workers') {
        // Each media worker's CPU time, peak memory, routers and WebRTC ports (worker.getResourceUsage).
        sendJson(res, 200, { workers: await sfu.pool.usage() });
        return;
      }
      if (await captionRoutes(sfu, req, res, url)) return;
      for (const route of options.routes ?? []) {
        if (await route(req, res, url)) return;
      }
      if (await replays(req, res, url)) return;
      if (staticDir && (await serveStatic(staticDir, req, res, url.pathname))) return;
      sendJson(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      logger.error('http request failed', { url: req.url, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: WS_MAX_PAYLOAD });
  wss.on('connection', (ws) => {
    new Connection(ws, sfu, logger.child({ component: 'signaling' }));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const httpUrl = `http://${hostForUrl}:${port}`;
  logger.info('listening', { httpUrl, workers: sfu.pool.size });

  let closing: Promise<void> | undefined;
  return {
    sfu,
    httpUrl,
    wsUrl: `ws://${hostForUrl}:${port}/ws`,
    port,
    close() {
      closing ??= (async () => {
        sfu.close();
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
