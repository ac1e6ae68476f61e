// Accounts and profiles as every side sees them: the rules for emails, passwords and handles, and the
// shapes the API answers with. Pure data, world-free.
import { z } from 'zod';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export const EmailSchema = z
  .string()
  .trim()
  .max(254, 'an email address has at most 254 characters')
  .pipe(z.email('that is not an email address'))
  .transform((s) => s.toLowerCase());

export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `a password has at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `a password has at most ${PASSWORD_MAX} characters`);

/** Words a handle cannot be: they name pages of the service or would mislead. */
export const RESERVED_HANDLES = ['admin', 'administrator', 'api', 'hostline', 'listen', 'owner', 'root', 'settings', 'signin', 'signup', 'studio', 'support', 'system'];

export const HandleSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^@/, '').toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^[a-z0-9_]{3,30}$/, 'a handle is 3 to 30 letters, digits or underscores')
      .refine((s) => !RESERVED_HANDLES.includes(s), 'that handle is reserved'),
  );

export const ProfileNameSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(48, 'a name has at most 48 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a name cannot hold control characters');

export const BioSchema = z
  .string()
  .trim()
  .max(280, 'a bio has at most 280 characters')
  .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'a bio cannot hold control characters');

export const AccountRoleSchema = z.enum(['member', 'owner']);

/** The signed-in person, as their own pages see them. */
export const MeSchema = z.object({
  accountId: z.string(),
  email: z.string(),
  role: AccountRoleSchema,
  handle: z.string(),
  displayName: z.string(),
  bio: z.string(),
});
export type Me = z.infer<typeof MeSchema>;

/** A profile as anyone sees it on /@handle. */
export const PublicProfileSchema = z.object({
  handle: z.string(),
  displayName: z.string(),
  bio: z.string(),
  followers: z.number().int(),
  following: z.number().int(),
  /** Whether the signed-in viewer follows them (false when signed out). */
  youFollow: z.boolean(),
});
export type PublicProfile = z.infer<typeof PublicProfileSchema>;

/** The answer to anything that sends mail to an address: the same whether or not an account has it. */
export const CheckEmailSchema = z.object({ status: z.literal('check_email'), message: z.string() });
export type CheckEmail = z.infer<typeof CheckEmailSchema>;
