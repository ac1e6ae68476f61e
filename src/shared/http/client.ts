// The typed client of the HTTP API the web pages use: `api.call('account.signIn', { body })` sends what
// the route declares and checks the answer against its reply schema before handing it over.
import type { z } from 'zod';
import { ApiError, type ApiErrorBody, type ApiErrorCode, API_ERRORS } from './errors.js';
import { routePath, type RouteInput, type RouteReply } from './route.js';
import { HTTP_ROUTES, type HttpRouteName, type HttpRoutes } from './routes.js';

/** The part of `fetch` the client uses (browsers' and Node's both fit); keeps this file world-free. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; credentials?: 'same-origin' },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface ApiClientOptions {
  /** Origin of the service; '' for the page's own origin. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer` (the studio); pages use the session cookie instead. */
  token?: string;
  fetch?: FetchLike;
}

export class ApiClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: FetchLike;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? '';
    this.#token = options.token;
    const global = (globalThis as { fetch?: FetchLike }).fetch;
    this.#fetch = options.fetch ?? ((url, init) => (global ? global(url, init) : Promise.reject(new Error('no fetch here'))));
  }

  async call<N extends HttpRouteName>(name: N, input: RouteInput<HttpRoutes[N]> = {} as RouteInput<HttpRoutes[N]>): Promise<RouteReply<HttpRoutes[N]>> {
    const declaration = HTTP_ROUTES[name];
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    let url = `${this.#baseUrl}${routePath(declaration.path, params)}`;
    if (query) {
      const pairs = Object.entries(query)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
      if (pairs.length) url += `?${pairs.join('&')}`;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    const hasBody = 'body' in declaration;
    if (hasBody) headers['content-type'] = 'application/json';
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await this.#fetch(url, {
        method: declaration.method,
        headers,
        credentials: 'same-origin',
        ...(hasBody ? { body: JSON.stringify(body ?? {}) } : {}),
      });
    } catch (error) {
      throw new ApiError('unavailable', `the service did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = (json as { error?: Partial<ApiErrorBody> } | undefined)?.error;
      const code = error?.code && Object.hasOwn(API_ERRORS, error.code) ? (error.code as ApiErrorCode) : response.status >= 500 ? 'internal' : 'invalid_payload';
      throw new ApiError(code, error?.message ?? `${name} answered ${response.status}`, {
        ...(error?.retryAfterSec !== undefined ? { retryAfterSec: error.retryAfterSec } : {}),
        ...(error?.field !== undefined ? { field: error.field } : {}),
      });
    }
    const parsed = (declaration.reply as z.ZodType).safeParse(json);
    if (!parsed.success) throw new ApiError('internal', `${name}: the answer did not match its schema`);
    return parsed.data as RouteReply<HttpRoutes[N]>;
  }
}
