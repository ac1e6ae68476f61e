// Error codes of the HTTP API, with the status each is answered with. The body is always
// `{ error: { code, message } }`: a page shows `message` and branches on `code`.
export const API_ERRORS = {
  bad_json: 400, // the body is not JSON
  invalid_payload: 400, // the body, query or path failed its schema
  unauthenticated: 401, // this needs a signed-in account (or the credentials were wrong)
  forbidden: 403, // the account may not do this
  banned: 403, // the account is suspended
  cross_site: 403, // an unsafe request from another site (origin check failed)
  not_found: 404, // no such route, profile or thing
  method_not_allowed: 405,
  conflict: 409, // taken (handle), or does not fit the current state
  sold_out: 409, // every ticket of this Space is sold or in checkout
  gone: 410, // a link that was used or has expired
  too_large: 413,
  unsupported_media_type: 415, // bodies are application/json
  rate_limited: 429, // too many attempts; `retryAfterSec` says when to try again
  internal: 500,
  unavailable: 503, // the store is unreachable
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** For rate_limited: seconds until another attempt is allowed. */
  retryAfterSec?: number;
  /** For invalid_payload and conflict: which field. */
  field?: string;
}

/** Thrown by handlers (and the typed client) to answer with a specific code. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly retryAfterSec: number | undefined;
  readonly field: string | undefined;
  constructor(code: ApiErrorCode, message: string, extra: { retryAfterSec?: number; field?: string } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retryAfterSec = extra.retryAfterSec;
    this.field = extra.field;
  }

  get status(): number {
    return API_ERRORS[this.code];
  }

  toBody(): ApiErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryAfterSec !== undefined ? { retryAfterSec: this.retryAfterSec } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}
