// The accounts API: sign-up with an emailed confirmation, sign-in and out (one session or all),
// password reset by emailed link, and the signed-in person's own account.
import { z } from 'zod';
import { CheckEmailSchema, EmailSchema, HandleSchema, MeSchema, PasswordSchema, ProfileNameSchema } from '../accounts.js';
import { route } from './route.js';

const Empty = z.strictObject({});
const Token = z.string().min(20).max(200);

export const accountRoutes = {
  'account.signUp': route({
    method: 'POST',
    path: '/api/account/signup',
    body: z.strictObject({ email: EmailSchema, password: PasswordSchema, handle: HandleSchema, displayName: ProfileNameSchema }),
    access: 'anyone',
    reply: CheckEmailSchema,
    rateLimit: 'signUp',
    summary: 'Start a sign-up: mails a confirmation link (the answer is the same whether or not the email has an account).',
  }),
  'account.confirm': route({
    method: 'POST',
    path: '/api/account/confirm',
    body: z.strictObject({ token: Token, handle: HandleSchema.optional() }),
    access: 'anyone',
    reply: z.object({ me: MeSchema }),
    rateLimit: 'reset',
    summary: 'Use a sign-up link: creates the account and signs this browser in (a taken handle can be replaced).',
  }),
  'account.signIn': route({
    method: 'POST',
    path: '/api/session',
    body: z.strictObject({
      email: EmailSchema,
      password: z.string().min(1).max(1000),
      /** 'studio' answers a bearer token instead of setting a cookie. */
      client: z.enum(['browser', 'studio']).default('browser'),
    }),
    access: 'anyone',
    reply: z.object({ me: MeSchema, token: z.string().optional() }),
    rateLimit: 'signIn',
    summary: 'Sign in with email and password (a cookie for pages, a bearer token for the studio).',
  }),
  'account.signOut': route({
    method: 'DELETE',
    path: '/api/session',
    access: 'anyone',
    reply: Empty,
    summary: 'Sign this session out.',
  }),
  'account.signOutEverywhere': route({
    method: 'POST',
    path: '/api/session/everywhere',
    body: Empty,
    access: 'account',
    reply: z.object({ ended: z.number().int() }),
    rateLimit: 'write',
    summary: 'End every session of this account, this one included.',
  }),
  'account.me': route({
    method: 'GET',
    path: '/api/account',
    access: 'anyone',
    reply: z.object({ me: MeSchema.nullable() }),
    summary: 'Who is signed in (null when nobody).',
  }),
  'account.requestReset': route({
    method: 'POST',
    path: '/api/account/reset-request',
    body: z.strictObject({ email: EmailSchema }),
    access: 'anyone',
    reply: CheckEmailSchema,
    rateLimit: 'resetRequest',
    summary: 'Mail a password-reset link, single use, valid for an hour (same answer for unknown emails).',
  }),
  'account.reset': route({
    method: 'POST',
    path: '/api/account/reset',
    body: z.strictObject({ token: Token, password: PasswordSchema }),
    access: 'anyone',
    reply: z.object({ me: MeSchema }),
    rateLimit: 'reset',
    summary: 'Set a new password with a reset link: every other session ends, this browser is signed in.',
  }),
  'account.changePassword': route({
    method: 'POST',
    path: '/api/account/password',
    body: z.strictObject({ current: z.string().min(1).max(1000), password: PasswordSchema }),
    access: 'account',
    reply: Empty,
    rateLimit: 'signIn',
    summary: 'Change the password (needs the current one); other sessions end.',
  }),
} as const;
