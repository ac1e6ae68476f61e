// Scheduling, reminders and the directory over HTTP: the studio schedules and edits (signed in with
// its session token), the Space page sets reminders (signed in with its cookie), anyone reads the
// directory, a Space's page and a host's upcoming Spaces, and a mailed link stops reminders.
import { z } from 'zod';
import { HandleSchema } from '../accounts.js';
import {
  DirectorySchema,
  HostScheduledSpaceSchema,
  LimitsSchema,
  ProfileSpacesSchema,
  ScheduleChangeSchema,
  ScheduleInputSchema,
  SpaceIdSchema,
  SpacePageSchema,
  SpaceViewerSchema,
} from '../schedule.js';
import { route } from './route.js';

const BySpace = z.strictObject({ spaceId: SpaceIdSchema });
const PageAndViewer = z.object({ page: SpacePageSchema, viewer: SpaceViewerSchema });

export const scheduleRoutes = {
  'schedule.create': route({
    method: 'POST',
    path: '/api/schedule',
    body: ScheduleInputSchema,
    access: 'account',
    reply: HostScheduledSpaceSchema,
    rateLimit: 'write',
    summary: 'Schedule a Space: title, description, start on your clock and zone, co-hosts, public or unlisted.',
  }),
  'schedule.mine': route({
    method: 'GET',
    path: '/api/schedule',
    access: 'account',
    reply: z.object({ spaces: z.array(HostScheduledSpaceSchema), limits: LimitsSchema, serverTime: z.number() }),
    summary: 'Your upcoming Spaces, soonest first (and those lately started, missed or cancelled), with the limits.',
  }),
  'schedule.update': route({
    method: 'PATCH',
    path: '/api/schedule/:spaceId',
    params: BySpace,
    body: ScheduleChangeSchema,
    access: 'account',
    reply: HostScheduledSpaceSchema,
    rateLimit: 'write',
    summary: 'Edit a scheduled Space; a new start reschedules it and tells everyone with a reminder.',
  }),
  'schedule.cancel': route({
    method: 'DELETE',
    path: '/api/schedule/:spaceId',
    params: BySpace,
    access: 'account',
    reply: HostScheduledSpaceSchema,
    rateLimit: 'write',
    summary: 'Cancel a scheduled Space; everyone with a reminder is told.',
  }),
  'space.page': route({
    method: 'GET',
    path: '/api/spaces/:spaceId',
    params: BySpace,
    access: 'anyone',
    reply: PageAndViewer,
    summary: 'A Space as its page shows it (before, during, after), and what the viewer set.',
  }),
  'reminder.set': route({
    method: 'PUT',
    path: '/api/spaces/:spaceId/reminder',
    params: BySpace,
    body: z.strictObject({}),
    access: 'account',
    reply: PageAndViewer,
    rateLimit: 'write',
    summary: 'Remind me: mail 30 minutes before and when it goes live (twice is once).',
  }),
  'reminder.remove': route({
    method: 'DELETE',
    path: '/api/spaces/:spaceId/reminder',
    params: BySpace,
    access: 'account',
    reply: PageAndViewer,
    rateLimit: 'write',
    summary: 'Stop reminders for this Space.',
  }),
  'reminder.stopByLink': route({
    method: 'POST',
    path: '/api/reminders/stop',
    body: z.strictObject({ token: z.string().min(10).max(200) }),
    access: 'anyone',
    reply: z.object({ spaceId: z.string(), title: z.string() }),
    rateLimit: 'reset',
    summary: 'Stop reminders with the link in a reminder mail (no sign-in needed).',
  }),
  'directory.get': route({
    method: 'GET',
    path: '/api/directory',
    access: 'anyone',
    reply: DirectorySchema,
    summary: 'Live now and upcoming public Spaces, and (signed in) the hosts you follow with their live ring.',
  }),
  'profile.spaces': route({
    method: 'GET',
    path: '/api/profiles/:handle/spaces',
    params: z.strictObject({ handle: HandleSchema }),
    access: 'anyone',
    reply: ProfileSpacesSchema,
    summary: 'A host’s live Space (the ring) and upcoming public Spaces.',
  }),
} as const;
