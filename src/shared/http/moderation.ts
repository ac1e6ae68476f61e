// Moderation over HTTP: your block list, and the service owners' bans and reports.
import { z } from 'zod';
import { HandleSchema } from '../accounts.js';
import { route } from './route.js';

const Empty = z.strictObject({});

const ReportSchema = z.object({
  id: z.string(),
  at: z.string(),
  spaceId: z.string(),
  spaceTitle: z.string(),
  reporter: z.object({ userId: z.string(), displayName: z.string() }),
  reported: z.object({ userId: z.string(), displayName: z.string() }),
  reason: z.string(),
});

export const moderationRoutes = {
  'block.list': route({
    method: 'GET',
    path: '/api/blocks',
    access: 'account',
    reply: z.object({ blocked: z.array(z.object({ userId: z.string(), displayName: z.string() })) }),
    summary: 'The people you blocked (they cannot join Spaces you host).',
  }),
  'block.remove': route({
    method: 'DELETE',
    path: '/api/blocks/:userId',
    params: z.strictObject({ userId: z.string().min(1).max(64) }),
    access: 'account',
    reply: Empty,
    rateLimit: 'write',
    summary: 'Unblock someone.',
  }),
  'admin.ban': route({
    method: 'POST',
    path: '/api/admin/bans',
    body: z.strictObject({ handle: HandleSchema, reason: z.string().trim().min(1, 'say why').max(500) }),
    access: 'owner',
    reply: z.object({ sessionsEnded: z.number().int() }),
    rateLimit: 'write',
    summary: 'Owners: suspend an account (it is signed out everywhere and cannot sign in or join).',
  }),
  'admin.unban': route({
    method: 'DELETE',
    path: '/api/admin/bans/:handle',
    params: z.strictObject({ handle: HandleSchema }),
    access: 'owner',
    reply: Empty,
    rateLimit: 'write',
    summary: 'Owners: lift a suspension.',
  }),
  'admin.reports': route({
    method: 'GET',
    path: '/api/admin/reports',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    access: 'owner',
    reply: z.object({ reports: z.array(ReportSchema) }),
    summary: 'Owners: reports people filed, oldest first.',
  }),
} as const;
