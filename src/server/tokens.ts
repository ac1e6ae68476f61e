// Join tokens: the server signs who a person is and what they may do in which Space; clients carry the
// token and the server verifies it on join. Nothing a client says about its own role is trusted.
// Format: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, that first part)).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLES } from '../shared/roles.js';

const JoinClaimsSchema = z.strictObject({
  kind: z.literal('join'),
  /** The Space this token admits to. */
  spaceId: z.string().min(1).max(64),
  /** The role granted on joining. */
  role: z.enum(ROLES),
  /** A stable user id (host tokens name one person; invitations get a fresh id per join). */
  userId: z.string().min(1).max(64).optional(),
  displayName: z.string().max(48).optional(),
  /** Lets the holder ask to speak even when only invited people may. */
  canRequest: z.boolean().optional(),
  /** Expiry, milliseconds since the epoch. */
  exp: z.number().int(),
});

/** A user token: a stable identity the client keeps, so blocks and bans follow the same person. */
const UserClaimsSchema = z.strictObject({
  kind: z.literal('user'),
  userId: z.string().min(1).max(64),
  exp: z.number().int(),
});

const ClaimsSchema = z.discriminatedUnion('kind', [JoinClaimsSchema, UserClaimsSchema]);
export type JoinClaims = z.infer<typeof JoinClaimsSchema>;
export type UserClaims = z.infer<typeof UserClaimsSchema>;
export type TokenClaims = JoinClaims | UserClaims;

export type VerifyResult<C extends TokenClaims = TokenClaims> = { ok: true; claims: C } | { ok: false; reason: string };

export class TokenSigner {
  readonly #secret: Buffer;

  constructor(secret?: string) {
    this.#secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  sign(claims: Omit<JoinClaims, 'exp'> | Omit<UserClaims, 'exp'>, ttlMs: number, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ ...claims, exp: now + ttlMs })).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** Verifies a token of the given kind (a user token never admits to a Space, nor the reverse). */
  verify<K extends TokenClaims['kind']>(
    token: string,
    kind: K,
    now = Date.now(),
  ): VerifyResult<Extract<TokenClaims, { kind: K }>> {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return { ok: false, reason: 'the token is malformed' };
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'the token signature is invalid' };
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'the token is malformed' };
    }
    const claims = ClaimsSchema.safeParse(json);
    if (!claims.success) return { ok: false, reason: 'the token is malformed' };
    if (claims.data.kind !== kind) return { ok: false, reason: `this is not a ${kind} token` };
    if (claims.data.exp <= now) return { ok: false, reason: 'the token has expired' };
    return { ok: true, claims: claims.data as Extract<TokenClaims, { kind: K }> };
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}
