// Rate limits for the HTTP API, per address and per account: fixed windows counted in memory. The
// per-account key of sign-in, sign-up and reset is the email typed, whether or not an account has it,
// so a limit reached says nothing about which emails exist.
import type { RateLimitName } from '../../shared/http/route.js';

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export type LimitTable = Record<RateLimitName, { perAddress: Limit; perAccount: Limit }>;

const MINUTE = 60_000;
export const DEFAULT_LIMITS: LimitTable = {
  signIn: { perAddress: { max: 30, windowMs: 15 * MINUTE }, perAccount: { max: 10, windowMs: 15 * MINUTE } },
  signUp: { perAddress: { max: 10, windowMs: 60 * MINUTE }, perAccount: { max: 3, windowMs: 60 * MINUTE } },
  resetRequest: { perAddress: { max: 10, windowMs: 60 * MINUTE }, perAccount: { max: 3, windowMs: 60 * MINUTE } },
  reset: { perAddress: { max: 20, windowMs: 15 * MINUTE }, perAccount: { max: 10, windowMs: 15 * MINUTE } },
  write: { perAddress: { max: 600, windowMs: MINUTE }, perAccount: { max: 120, windowMs: MINUTE } },
  // Buying tickets: a busy on-sale moment brings many buyers from one address (a venue's network).
  purchase: { perAddress: { max: 2000, windowMs: MINUTE }, perAccount: { max: 20, windowMs: MINUTE } },
};

export type LimitResult = { ok: true } | { ok: false; retryAfterSec: number };

export class RateLimits {
  readonly #limits: LimitTable;
  /** Window counters by `name|scope|key`. */
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #lastSweep = 0;

  constructor(overrides: Partial<LimitTable> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...overrides };
  }

  /** Counts one request from `address` against the named limit. */
  takeAddress(name: RateLimitName, address: string, now = Date.now()): LimitResult {
    return this.#take(`${name}|a|${address}`, this.#limits[name].perAddress, now);
  }

  /** Counts one request for `account` (an account id, or the email typed) against the named limit. */
  takeAccount(name: RateLimitName, account: string, now = Date.now()): LimitResult {
    return this.#take(`${name}|u|${account}`, this.#limits[name].perAccount, now);
  }

  /** Forgets an account's count (a successful sign-in clears its failed attempts). */
  clearAccount(name: RateLimitName, account: string): void {
    this.#windows.delete(`${name}|u|${account}`);
  }

  #take(key: string, limit: Limit, now: number): LimitResult {
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + limit.windowMs };
      this.#windows.set(key, window);
    }
    if (window.count >= limit.max) return { ok: false, retryAfterSec: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
    window.count++;
    return { ok: true };
  }

  /** Drops finished windows now and then, so the map holds only recent callers. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < MINUTE) return;
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
