// How an HTTP API route is declared: method, path (with :params), the schemas of its path, query and
// body, who may call it, and the schema of its answer. The server validates requests against these and
// the typed client validates answers, as the WebSocket protocol does for its requests.
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. `anyone`: signed out too; `account`: a signed-in account that is not banned;
 * `owner`: an owner of this service (may ban accounts and read reports).
 */
export type HttpAccess = 'anyone' | 'account' | 'owner';

/** Named limits the server applies per address and per account (see server/http/RateLimits). */
export type RateLimitName = 'signIn' | 'signUp' | 'resetRequest' | 'reset' | 'write' | 'purchase';

export interface RouteDeclaration {
  method: HttpMethod;
  /** e.g. /api/profiles/:handle */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  access: HttpAccess;
  reply: z.ZodType;
  rateLimit?: RateLimitName;
  /** One line for the README's API table. */
  summary: string;
}

/** Declares a route, keeping its schemas' exact types. */
export function route<const R extends RouteDeclaration>(declaration: R): R {
  return declaration;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;
type Input<S> = S extends z.ZodType ? z.input<S> : undefined;

export type RouteParams<R extends RouteDeclaration> = Infer<R['params']>;
export type RouteQuery<R extends RouteDeclaration> = Infer<R['query']>;
export type RouteBody<R extends RouteDeclaration> = Infer<R['body']>;
export type RouteReply<R extends RouteDeclaration> = z.infer<R['reply']>;

/** What a caller passes: only the parts the route declares. */
export type RouteInput<R extends RouteDeclaration> = (R['params'] extends z.ZodType ? { params: Input<R['params']> } : { params?: undefined }) &
  (R['query'] extends z.ZodType ? { query: Input<R['query']> } : { query?: undefined }) &
  (R['body'] extends z.ZodType ? { body: Input<R['body']> } : { body?: undefined });

/** Fills :params into a route's path. */
export function routePath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
