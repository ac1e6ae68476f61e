// The HTTP API's router: finds the declared route for a request, and before its handler runs checks,
// in order: method, same-origin for unsafe requests, the address's rate, the body (type, size, JSON,
// schema), the path and query, the caller's session and access. Every answer is JSON; every refusal is
// `{ error: { code, message } }` with its status, and changes nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ApiError } from '../../shared/http/errors.js';
import type { RouteDeclaration } from '../../shared/http/route.js';
import { HTTP_ROUTES, type HttpRouteName } from '../../shared/http/routes.js';
import type { SignedIn } from '../accounts/AccountService.js';
import type { Logger } from '../logger.js';
import type { Platform } from '../Platform.js';
import { StoreError } from '../store/StoreError.js';
import { clearedSessionCookie, readCookies, SESSION_COOKIE, sessionCookie } from './cookies.js';
import type { ApiContext, RouteHandler } from './handler.js';
import { ROUTE_HANDLERS } from './handlers/index.js';
import { isSameOrigin } from './origin.js';

const MAX_BODY_BYTES = 64 * 1024;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface CompiledRoute {
  name: HttpRouteName;
  declaration: RouteDeclaration;
  pattern: RegExp;
  paramNames: string[];
}

function compile(name: HttpRouteName, declaration: RouteDeclaration): CompiledRoute {
  const paramNames: string[] = [];
  const source = declaration.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z]+)/g, (_, param: string) => {
    paramNames.push(param);
    return '([^/]+)';
  });
  return { name, declaration, pattern: new RegExp(`^${source}$`), paramNames };
}

function describeIssues(error: z.ZodError): { message: string; field?: string } {
  const first = error.issues[0];
  const message = error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  const field = first?.path[0];
  return { message, ...(typeof field === 'string' ? { field } : {}) };
}

function validate(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const { message, field } = describeIssues(result.error);
    throw new ApiError('invalid_payload', `${part}: ${message}`, field ? { field } : {});
  }
  return result.data;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  // JSON only: a cross-site page cannot send it without a CORS preflight, which we never grant.
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('unsupported_media_type', 'send the body as application/json');
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError('too_large', `bodies are limited to ${MAX_BODY_BYTES} bytes`);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError('too_large', `bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('bad_json', 'the body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown, cookies: string[]): void {
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export class HttpApi {
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #routes: CompiledRoute[];

  constructor(platform: Platform, logger: Logger) {
    this.#platform = platform;
    this.#logger = logger;
    this.#routes = (Object.entries(HTTP_ROUTES) as Array<[HttpRouteName, RouteDeclaration]>).map(([name, d]) => compile(name, d));
  }

  /** Answers requests under /api/ (except the studio's own bridge); false for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/api/') || url.pathname.startsWith('/api/studio/')) return false;
    const cookies: string[] = [];
    const secure = this.#platform.secureCookies;
    try {
      const matches = this.#routes.map((r) => ({ route: r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m);
      if (matches.length === 0) throw new ApiError('not_found', `no API route ${url.pathname}`);
      const found = matches.find((x) => x.route.declaration.method === req.method);
      if (!found) {
        res.setHeader('allow', matches.map((x) => x.route.declaration.method).join(', '));
        throw new ApiError('method_not_allowed', `${url.pathname} answers ${matches.map((x) => x.route.declaration.method).join(', ')}`);
      }
      const { route, m } = found as { route: CompiledRoute; m: RegExpExecArray };
      const { declaration } = route;
      const jar = readCookies(req);
      const cookieSecret = jar.get(SESSION_COOKIE);
      // Cross-site requests: SameSite=Lax keeps the cookie off them, and the origin check refuses any
      // unsafe request from another origin outright (older browsers, subdomains, a leaked Lax cookie).
      if (UNSAFE.has(req.method ?? '') && !isSameOrigin(req, this.#platform.publicOrigin, cookieSecret !== undefined)) {
        throw new ApiError('cross_site', 'this request came from another site; it was refused');
      }
      const address = clientAddress(req);
      if (declaration.rateLimit) this.#limit(this.#platform.rateLimits.takeAddress(declaration.rateLimit, address));
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw new ApiError('invalid_payload', `path: ${name} is not valid`);
        }
      });
      const query = Object.fromEntries(url.searchParams);
      if (!declaration.query && Object.keys(query).length) throw new ApiError('invalid_payload', `query: ${url.pathname} takes no query parameters`);
      const input = {
        params: validate(declaration.params, params, 'path'),
        query: validate(declaration.query, query, 'query'),
        body: declaration.body ? validate(declaration.body, await readBody(req), 'body') : undefined,
      };

      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const sessionSecret = bearer ?? cookieSecret;
      let actor: SignedIn | undefined;
      if (sessionSecret) {
        actor = await this.#platform.accounts.authenticate(sessionSecret);
        // A cookie that signs nobody in (signed out elsewhere, expired, suspended) is cleared.
        if (!actor && !bearer) cookies.push(clearedSessionCookie(secure));
      }
      if (declaration.access !== 'anyone' && !actor) throw new ApiError('unauthenticated', 'sign in first');
      if (declaration.access === 'owner' && actor?.account.role !== 'owner') throw new ApiError('forbidden', 'only the owners of this service may do this');
      if ((declaration.rateLimit === 'write' || declaration.rateLimit === 'purchase') && actor) {
        this.#limit(this.#platform.rateLimits.takeAccount(declaration.rateLimit, actor.account.id));
      }

      const ctx: ApiContext = {
        platform: this.#platform,
        actor,
        client: { address, userAgent: String(req.headers['user-agent'] ?? '') },
        sessionSecret,
        setSessionCookie: (secret) => {
          cookies.length = 0;
          cookies.push(secret === null ? clearedSessionCookie(secure) : sessionCookie(secret, secure));
        },
        limitAccount: (name, key) => this.#limit(this.#platform.rateLimits.takeAccount(name, key)),
        clearAccountLimit: (name, key) => this.#platform.rateLimits.clearAccount(name, key),
      };
      const handler = ROUTE_HANDLERS[route.name] as unknown as RouteHandler<RouteDeclaration>;
      const reply = await handler(ctx, input as never);
      const checked = declaration.reply.safeParse(reply);
      if (!checked.success) {
        this.#logger.error('a handler answered outside its reply schema', { route: route.name, issues: checked.error.issues.slice(0, 3) });
        throw new ApiError('internal', 'the server failed to answer this request');
      }
      send(res, 200, checked.data, cookies);
    } catch (error) {
      const apiError = this.#toApiError(error, url.pathname);
      send(res, apiError.status, { error: apiError.toBody() }, cookies);
    }
    return true;
  }

  #limit(result: { ok: true } | { ok: false; retryAfterSec: number }): void {
    if (!result.ok) {
      throw new ApiError('rate_limited', `too many attempts; try again in ${result.retryAfterSec} s`, { retryAfterSec: result.retryAfterSec });
    }
  }

  #toApiError(error: unknown, path: string): ApiError {
    if (error instanceof ApiError) return error;
    if (error instanceof StoreError && error.code === 'unreachable') return new ApiError('unavailable', 'the database is unreachable; try again shortly');
    this.#logger.error('http api request failed', { path, error });
    return new ApiError('internal', 'the server failed to handle this request');
  }
}
