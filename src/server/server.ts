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
import { readCookies, SESSION_COOKIE } from './http/cookies.js';
import { HttpApi } from './http/HttpApi.js';
import type { LimitTable } from './http/RateLimits.js';
import { Logger } from './logger.js';
import { servePage } from './pages/pages.js';
import { Platform } from './Platform.js';
import { Sfu } from './Sfu.js';
import { serveStatic } from './static.js';
import { serveTicketPages } from './tickets/ticket-pages.js';
import { paymentWebhookRoute } from './tickets/webhook-route.js';

/** Extra HTTP routes (the studio's browser bridge mounts its API here). Return true when handled. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface RunningServer {
  sfu: Sfu;
  /** Accounts, the store and mail. */
  platform: Platform;
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

/**
 * The session cookie a socket opened with, when the page that opened it is this service's own: a page
 * of another site opening a socket to us (cross-site WebSocket hijacking) stays signed out.
 */
function socketSession(req: IncomingMessage, platform: Platform): string | undefined {
  const secret = readCookies(req).get(SESSION_COOKIE);
  if (!secret) return undefined;
  const origin = req.headers.origin;
  const own = [`http://${req.headers.host ?? ''}`, `https://${req.headers.host ?? ''}`, platform.publicOrigin];
  return origin !== undefined && own.includes(origin.toLowerCase()) ? secret : undefined;
}

export async function startServer(
  config: ServerConfig,
  options: { logger?: Logger; routes?: RouteHandler[]; rateLimits?: Partial<LimitTable>; now?: () => number } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? new Logger(config.logLevel, { service: 'hostline-sfu' });
  const platform = await Platform.start(config, logger, { rateLimits: options.rateLimits, now: options.now });
  let sfu: Sfu;
  try {
    sfu = await Sfu.start(config, logger, platform);
  } catch (error) {
    await platform.close();
    throw error;
  }
  const api = new HttpApi(platform, logger.child({ component: 'http' }));
  const paymentWebhook = paymentWebhookRoute(platform.tickets, logger.child({ component: 'payments' }));
  const staticDir = config.staticDir;
  if (staticDir && !existsSync(staticDir)) {
    logger.warn('static folder missing: the studio and listener page are not built', { staticDir });
  }

  const http = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') {
        sendJson(res, 200, { ok: true, spaces: sfu.spaces().length, workers: sfu.pool.size });
        return;
      }
      if (url.pathname === '/healthz/cluster') {
        // The nodes sharing --redis as this node last read them, and the pipes it holds (issue 15).
        if (!sfu.cluster) sendJson(res, 404, { error: 'this node runs alone (no --redis)' });
        else sendJson(res, 200, sfu.cluster.status());
        return;
      }
      if (url.pathname === '/healthz/workers') {
        // Each media worker's CPU time, peak memory, routers and WebRTC ports (worker.getResourceUsage).
        sendJson(res, 200, { workers: await sfu.pool.usage() });
        return;
      }
      if (await captionRoutes(sfu, req, res, url)) return;
      if (await paymentWebhook(req, res, url)) return;
      for (const route of options.routes ?? []) {
        if (await route(req, res, url)) return;
      }
      if (await api.handle(req, res, url)) return;
      if (await servePage(platform, staticDir, req, res, url)) return;
      if (await serveTicketPages(platform, req, res, url)) return;
      if (staticDir && (await serveStatic(staticDir, req, res, url.pathname))) return;
      sendJson(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      logger.error('http request failed', { url: req.url, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: WS_MAX_PAYLOAD });
  wss.on('connection', (ws, req) => {
    new Connection(ws, sfu, logger.child({ component: 'signaling' }), socketSession(req, platform));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const httpUrl = `http://${hostForUrl}:${port}`;
  platform.listeningAt(httpUrl);
  if (sfu.cluster) {
    sfu.cluster.url = config.nodeUrl ?? `ws://${hostForUrl}:${port}/ws`;
    // Other nodes relay clients here by this address: tell them now, not at the next heartbeat.
    await sfu.cluster.registry.beat();
  }
  logger.info('listening', { httpUrl, workers: sfu.pool.size });

  let closing: Promise<void> | undefined;
  return {
    sfu,
    platform,
    httpUrl,
    wsUrl: `ws://${hostForUrl}:${port}/ws`,
    port,
    close() {
      closing ??= (async () => {
        await sfu.cluster?.close();
        sfu.close();
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        await platform.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
