// Profiles and follows: the public page's data, editing one's own profile, following hosts.
import { z } from 'zod';
import { BioSchema, HandleSchema, MeSchema, ProfileNameSchema, PublicProfileSchema } from '../accounts.js';
import { route } from './route.js';

const ByHandle = z.strictObject({ handle: HandleSchema });

export const profileRoutes = {
  'profile.get': route({
    method: 'GET',
    path: '/api/profiles/:handle',
    params: ByHandle,
    access: 'anyone',
    reply: PublicProfileSchema,
    summary: 'A public profile: name, handle, bio, follower counts.',
  }),
  'profile.update': route({
    method: 'PATCH',
    path: '/api/account/profile',
    body: z
      .strictObject({ displayName: ProfileNameSchema.optional(), handle: HandleSchema.optional(), bio: BioSchema.optional() })
      .refine((b) => Object.keys(b).length > 0, 'change at least one of displayName, handle, bio'),
    access: 'account',
    reply: z.object({ me: MeSchema }),
    rateLimit: 'write',
    summary: 'Change your display name, handle or bio.',
  }),
  'follow.add': route({
    method: 'PUT',
    path: '/api/follows/:handle',
    params: ByHandle,
    body: z.strictObject({}),
    access: 'account',
    reply: PublicProfileSchema,
    rateLimit: 'write',
    summary: 'Follow someone (twice is once).',
  }),
  'follow.remove': route({
    method: 'DELETE',
    path: '/api/follows/:handle',
    params: ByHandle,
    access: 'account',
    reply: PublicProfileSchema,
    rateLimit: 'write',
    summary: 'Stop following someone.',
  }),
  'follow.list': route({
    method: 'GET',
    path: '/api/follows',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    access: 'account',
    reply: z.object({ following: z.array(z.object({ handle: z.string(), displayName: z.string() })) }),
    summary: 'Who you follow, newest first.',
  }),
} as const;
