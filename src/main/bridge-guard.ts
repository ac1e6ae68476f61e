// Who may use the studio's loopback browser bridge (/api/studio/*): a request from this machine
// (peer address), addressed to this host by a loopback name (the Host header: a DNS-rebinding page
// names its own domain), carrying this run's unguessable token (cookie or header), and for changes
// sent from the studio's own origin. Any of these failing answers 403 and runs nothing.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteHandler } from '../server/server.js';

export const BRIDGE_COOKIE = 'hostline_bridge';
export const BRIDGE_HEADER = 'x-hostline-bridge';
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export class BridgeGuard {
  /** This run's token; printed in the studio's URL, never stored. */
  readonly token = randomBytes(32).toString('base64url');
  /** The port the studio host listens on; set once it does. */
  #port: number | undefined;

  listeningOn(port: number): void {
    this.#port = port;
  }

  /** The address to open the studio at: it hands the browser this run's token once. */
  studioUrl(httpUrl: string): string {
    return `${httpUrl}/?bridge=${this.token}`;
  }

  /** Why a request may not use the bridge, or undefined when it may. */
  refusal(req: IncomingMessage): string | undefined {
    const address = req.socket.remoteAddress ?? '';
    if (address !== '127.0.0.1' && address !== '::1' && address !== '::ffff:127.0.0.1') return 'the studio API answers on loopback only';
    const hosts = LOOPBACK_NAMES.map((name) => `${name}:${this.#port}`);
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.includes(host)) return 'the studio API answers only requests addressed to this machine by a loopback name';
    const given = req.headers[BRIDGE_HEADER] ?? cookie(req, BRIDGE_COOKIE);
    if (typeof given !== 'string' || !this.#matches(given)) return 'open the studio from the address it printed (the studio API needs this run’s token)';
    const origin = req.headers.origin;
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
      return 'the studio API refuses changes sent from another site';
    }
    return undefined;
  }

  /** Answers 403 and returns true when the request may not use the bridge. */
  refuse(req: IncomingMessage, res: ServerResponse): boolean {
    const why = this.refusal(req);
    if (why === undefined) return false;
    sendJson(res, 403, { error: why });
    return true;
  }

  /**
   * GET /?bridge=<token>: sets the token as a cookie (HttpOnly, SameSite=Strict: no other site's
   * request carries it) and redirects to / so the token leaves the address bar and history.
   */
  entryRoute(): RouteHandler {
    return (req, res, url) => {
      if (req.method !== 'GET' || url.pathname !== '/' || !url.searchParams.has('bridge')) return false;
      const given = url.searchParams.get('bridge') ?? '';
      if (!this.#matches(given)) {
        sendJson(res, 403, { error: 'that studio link is from another run; open the address the studio printed' });
        return true;
      }
      res.writeHead(303, {
        location: '/',
        'set-cookie': `${BRIDGE_COOKIE}=${this.token}; Path=/; HttpOnly; SameSite=Strict`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
      return true;
    };
  }

  #matches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
