// Scheduled Spaces, reminders and the directory as every side sees them: what a host sends to schedule
// one, what the studio's list, the Space page and the directory show. Pure data, world-free.
import { z } from 'zod';
import { HandleSchema } from './accounts.js';
import { RoleSchema } from './space.js';

export const VisibilitySchema = z.enum(['public', 'unlisted']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/** How people get in. Free today; the ticket issue adds `{ kind: 'ticketed', … }` here. */
export const AdmissionSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('free') })]);
export type Admission = z.infer<typeof AdmissionSchema>;

export const SpaceStatusSchema = z.enum(['scheduled', 'live', 'ended', 'missed', 'cancelled']);
export type ScheduledSpaceStatus = z.infer<typeof SpaceStatusSchema>;

const noControl = (s: string) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s);

export const ScheduleTitleSchema = z.string().trim().min(1, 'a title is required').max(120, 'a title has at most 120 characters').refine(noControl, 'a title cannot hold control characters');
export const DescriptionSchema = z.string().trim().max(1000, 'a description has at most 1000 characters').refine(noControl, 'a description cannot hold control characters');

/** A start time as the host typed it: a date and a time on their zone's clock. */
export const StartTimeSchema = z.object({
  date: z.string().max(10),
  time: z.string().max(5),
  timeZone: z.string().min(1).max(64),
  /** Which of the two times a repeated hour has (the clocks going back), as minutes east of UTC. */
  offsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).optional(),
});
export type StartTime = z.infer<typeof StartTimeSchema>;

export const ScheduleInputSchema = z.strictObject({
  title: ScheduleTitleSchema,
  description: DescriptionSchema.default(''),
  start: StartTimeSchema,
  /** Handles of the people who co-host; they are reminded like the host and join as co-hosts. */
  cohosts: z.array(HandleSchema).max(10).default([]),
  visibility: VisibilitySchema.default('public'),
  admission: AdmissionSchema.default({ kind: 'free' }),
  requestPolicy: z.enum(['everyone', 'invited']).default('everyone'),
});
export type ScheduleInput = z.input<typeof ScheduleInputSchema>;

/** Edits: any of the fields; a new `start` reschedules (subscribers are told). */
export const ScheduleChangeSchema = z
  .strictObject({
    title: ScheduleTitleSchema.optional(),
    description: DescriptionSchema.optional(),
    start: StartTimeSchema.optional(),
    cohosts: z.array(HandleSchema).max(10).optional(),
    visibility: VisibilitySchema.optional(),
    admission: AdmissionSchema.optional(),
    requestPolicy: z.enum(['everyone', 'invited']).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'change at least one field');
export type ScheduleChange = z.input<typeof ScheduleChangeSchema>;

export const PersonSchema = z.object({ handle: z.string(), displayName: z.string() });
export type Person = z.infer<typeof PersonSchema>;

/** A scheduled Space as its host sees it in the studio. */
export const HostScheduledSpaceSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  description: z.string(),
  status: SpaceStatusSchema,
  startsAt: z.number(),
  timeZone: z.string(),
  /** The start on the host's clock, as the form edits it. */
  local: z.object({ date: z.string(), time: z.string(), offsetMinutes: z.number() }),
  visibility: VisibilitySchema,
  admission: AdmissionSchema,
  requestPolicy: z.enum(['everyone', 'invited']),
  cohosts: z.array(PersonSchema),
  reminderCount: z.number().int(),
  /** /s/<id>: the same link before and after it starts. */
  sharePath: z.string(),
});
export type HostScheduledSpace = z.infer<typeof HostScheduledSpaceSchema>;

export const LimitsSchema = z.object({ maxDaysAhead: z.number(), maxPerHost: z.number(), minLeadMs: z.number(), reminderLeadMs: z.number(), missedAfterMs: z.number() });

/** Who is on the Stage of a live Space, and how many listen, as anyone may see. */
export const LiveSummarySchema = z.object({
  listenerCount: z.number().int(),
  onStage: z.array(z.object({ displayName: z.string(), role: RoleSchema })),
  startedAt: z.number(),
});

/** The Space page (/s/<id>) as anyone sees it; pushed again whenever it changes. */
export const SpacePageSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  description: z.string(),
  status: SpaceStatusSchema,
  host: PersonSchema.nullable(),
  startsAt: z.number().nullable(),
  visibility: VisibilitySchema,
  admission: AdmissionSchema,
  reminderCount: z.number().int(),
  /** The server's clock when this was made, so countdowns agree with the server. */
  serverTime: z.number(),
  /** While live: the Stage and an invitation to listen with. */
  live: LiveSummarySchema.extend({ invite: z.string() }).nullable(),
  /** Why it ended, was missed or cancelled. */
  endReason: z.string().nullable(),
});
export type SpacePage = z.infer<typeof SpacePageSchema>;

/** What the Space page shows the viewer about themselves. */
export const SpaceViewerSchema = z.object({
  signedIn: z.boolean(),
  reminded: z.boolean(),
  following: z.boolean(),
  isHost: z.boolean(),
});
export type SpaceViewer = z.infer<typeof SpaceViewerSchema>;

export const DirectoryLiveSchema = LiveSummarySchema.extend({ spaceId: z.string(), title: z.string(), host: PersonSchema.nullable() });
export const DirectoryUpcomingSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  description: z.string(),
  host: PersonSchema.nullable(),
  startsAt: z.number(),
  reminderCount: z.number().int(),
  /** Whether the signed-in viewer set a reminder. */
  reminded: z.boolean(),
});
/** Someone the viewer follows, with the Space they are live in (the live ring). */
export const FollowedHostSchema = PersonSchema.extend({ live: z.object({ spaceId: z.string(), title: z.string() }).nullable() });

export const DirectorySchema = z.object({
  live: z.array(DirectoryLiveSchema),
  upcoming: z.array(DirectoryUpcomingSchema),
  following: z.array(FollowedHostSchema),
  serverTime: z.number(),
});
export type Directory = z.infer<typeof DirectorySchema>;
export type DirectoryLive = z.infer<typeof DirectoryLiveSchema>;
export type DirectoryUpcoming = z.infer<typeof DirectoryUpcomingSchema>;

/** A host's own Spaces on their profile: the one they are live in (the ring) and what is coming. */
export const ProfileSpacesSchema = z.object({
  live: z.object({ spaceId: z.string(), title: z.string() }).nullable(),
  upcoming: z.array(DirectoryUpcomingSchema),
  serverTime: z.number(),
});

/** The path of a Space's page: the share link, before and after it starts. */
export function spacePath(spaceId: string): string {
  return `/s/${spaceId}`;
}

export const SpaceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, 'that is not a Space id');
