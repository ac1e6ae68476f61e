// HTTP routes behind the browser implementation of `window.studio` (src/renderer/bridge). They call the
// same services as Electron's IPC handlers. BridgeGuard admits only this machine's studio page (loopback
// peer and Host, this run's token, same origin), and bodies are JSON only (a cross-site JSON request
// needs a CORS preflight we never grant).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SfuEndpoint } from '../shared/studio-api.js';
import { sendJson, type RouteHandler } from '../server/server.js';
import type { BridgeGuard } from './bridge-guard.js';
import { SettingsError, type SettingsService } from './services/SettingsService.js';

const MAX_BODY_BYTES = 64 * 1024;

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SettingsError('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SettingsError('the request body is not valid JSON');
  }
}

export function browserBridgeRoutes(services: { settings: SettingsService; endpoint: () => SfuEndpoint; guard: BridgeGuard }): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!url.pathname.startsWith('/api/studio/')) return false;
    if (services.guard.refuse(req, res)) return true;
    const route = `${req.method} ${url.pathname}`;
    try {
      switch (route) {
        case 'GET /api/studio/settings':
          sendJson(res, 200, services.settings.get());
          return true;
        case 'PUT /api/studio/settings':
          if (!req.headers['content-type']?.startsWith('application/json')) {
            sendJson(res, 415, { error: 'send settings as application/json' });
            return true;
          }
          sendJson(res, 200, services.settings.update(await readJsonBody(req)));
          return true;
        case 'GET /api/studio/sfu':
          sendJson(res, 200, services.endpoint());
          return true;
        default:
          sendJson(res, 404, { error: `no studio API route ${route}` });
          return true;
      }
    } catch (error) {
      if (error instanceof SettingsError) {
        sendJson(res, 400, { error: error.message });
        return true;
      }
      throw error;
    }
  };
}
