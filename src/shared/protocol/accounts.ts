// Signing a connection in to an account. Pages on the service's own origin are signed in by their
// session cookie when the socket opens; the studio (another origin) presents its session token here.
import { z } from 'zod';
import { AccountRoleSchema } from '../accounts.js';
import { ANYONE } from '../access.js';
import { feature, request } from './define.js';

export const SignedInAccountSchema = z.object({
  accountId: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: AccountRoleSchema,
});
export type SignedInAccount = z.infer<typeof SignedInAccountSchema>;

export const accounts = feature({
  requests: {
    /** Signs this connection in with a session token (from `account.signIn` with client 'studio'). */
    'account.authenticate': request({
      data: z.strictObject({ token: z.string().min(20).max(200) }),
      reply: SignedInAccountSchema,
      access: ANYONE,
    }),
  },
  events: {},
});
