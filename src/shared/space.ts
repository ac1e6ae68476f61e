// The state of a Space as one member sees it. The server builds it per member: everyone sees the
// Stage and the count; hosts also see the queue in full and talk times; a listener sees their own
// place in the queue and any invitation to speak. Declared as schemas, which clients check it against.
import { z } from 'zod';
import { MicCheckSchema } from './mic-check.js';
import { REACTIONS, ROLES } from './roles.js';
import { LiveReplayStateSchema } from './replay.js';

export const RoleSchema = z.enum(ROLES);
export const RequestPolicySchema = z.enum(['everyone', 'invited']);
export const StageSeatSchema = z.enum(['speaker', 'cohost']);

export const SPACE_STATUSES = ['live', 'ended'] as const;
export type SpaceStatus = (typeof SPACE_STATUSES)[number];

export const StageMemberSchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  /** True while this member sends audio to the Space. */
  live: z.boolean(),
  /** True while this member's microphone is muted (by themselves or a host). */
  muted: z.boolean(),
  /** False while they are disconnected and may still come back (grace period). */
  connected: z.boolean(),
});
export type StageMember = z.infer<typeof StageMemberSchema>;

export const QueueEntrySchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  /** 1 for the next to be approved. */
  position: z.number().int(),
  /** When the hand went up, server clock (ms since the epoch). */
  raisedAt: z.number(),
  /** Their page's mic check, once it has run. */
  micCheck: MicCheckSchema.nullable(),
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const InvitationSchema = z.object({ as: StageSeatSchema, from: z.string() });

export const MyPlaceSchema = z.object({
  memberId: z.string(),
  role: RoleSchema,
  /** Whether this member may raise a hand now (listener, and the policy allows them). */
  canRequest: z.boolean(),
  /** Their raised hand, if any, with a live estimate of the wait. */
  hand: z.object({ position: z.number().int(), raisedAt: z.number(), estimatedWaitMs: z.number() }).nullable(),
  /** A pending invitation to come on stage, if any. */
  invitation: InvitationSchema.nullable(),
  muted: z.boolean(),
});
export type MyPlace = z.infer<typeof MyPlaceSchema>;

export const HostViewSchema = z.object({
  queue: z.array(QueueEntrySchema),
  /** Talk time per stage member (and past speakers), from server-side audio levels. */
  talkTimeMs: z.record(z.string(), z.number()),
  /** Listeners invited to speak who have not answered yet. */
  invited: z.array(z.object({ memberId: z.string(), displayName: z.string(), as: StageSeatSchema })),
});
export type HostView = z.infer<typeof HostViewSchema>;

export const SpaceSnapshotSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  status: z.enum(SPACE_STATUSES),
  startedAt: z.number(),
  /** Host first, then co-hosts, then speakers in the order they came on. */
  stage: z.array(StageMemberSchema),
  listenerCount: z.number().int(),
  /** How many hands are up (everyone sees the number; hosts see the queue). */
  queueLength: z.number().int(),
  policy: z.object({ requestPolicy: RequestPolicySchema, maxSpeakers: z.number().int(), maxCohosts: z.number().int() }),
  /** When the host dropped and their grace period ends, if they are away. */
  hostAwayUntil: z.number().nullable(),
  /** Whether the server records this Space for a replay (shown as a "Recorded" mark). */
  replay: LiveReplayStateSchema,
  /** The receiving member's own place. */
  you: MyPlaceSchema,
  /** Present for the host and co-hosts only. */
  host: HostViewSchema.optional(),
  /** Server clock when the snapshot was made, so clients can show waits without clock skew. */
  serverTime: z.number(),
});
export type SpaceSnapshot = z.infer<typeof SpaceSnapshotSchema>;

export const ReactionSchema = z.enum(REACTIONS);

export const ReactionBurstSchema = z.object({
  /** Reactions received in the last interval, by emoji. */
  counts: z.partialRecord(ReactionSchema, z.number().int()),
  /** A few of them with names, newest last. */
  recent: z.array(z.object({ displayName: z.string(), reaction: ReactionSchema })),
});
export type ReactionBurst = z.infer<typeof ReactionBurstSchema>;
