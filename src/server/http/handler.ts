// What a route handler gets and returns. Handlers are small functions keyed by route name, one file per
// feature (handlers/accounts.ts, …), checked by the compiler against the routes declared in src/shared.
import type { RateLimitName, RouteBody, RouteDeclaration, RouteParams, RouteQuery, RouteReply } from '../../shared/http/route.js';
import type { ClientInfo, SignedIn } from '../accounts/AccountService.js';
import type { Platform } from '../Platform.js';

export interface ApiContext {
  platform: Platform;
  /** The signed-in caller; undefined when signed out. Routes with `account` access always have one. */
  actor: SignedIn | undefined;
  client: ClientInfo;
  /** The session secret this request carried (cookie or bearer), to sign it out. */
  sessionSecret: string | undefined;
  /** Sets (or, with null, clears) the browser's session cookie on the answer. */
  setSessionCookie(secret: string | null): void;
  /** Counts one attempt for an account key (account id, or the email typed); throws rate_limited. */
  limitAccount(name: RateLimitName, key: string): void;
  clearAccountLimit(name: RateLimitName, key: string): void;
}

export interface ApiInput<R extends RouteDeclaration> {
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
}

export type RouteHandler<R extends RouteDeclaration> = (ctx: ApiContext, input: ApiInput<R>) => Promise<RouteReply<R>>;

/** A handler for every route of a feature's declaration table. */
export type RouteHandlers<T extends Record<string, RouteDeclaration>> = { [N in keyof T]: RouteHandler<T[N]> };

/** The signed-in caller of an `account` route (the router has checked there is one). */
export function signedIn(ctx: ApiContext): SignedIn {
  if (!ctx.actor) throw new Error('an account route ran without an account');
  return ctx.actor;
}
