// A Space as a whole: opening, previewing, joining, resuming, leaving and ending it, its settings and
// invitations, and the state each member is sent.
import { z } from 'zod';
import { ANYONE, EVERY_MEMBER, HOST, HOSTS } from '../access.js';
import { RtpCapabilitiesSchema, TransportOptionsSchema } from '../media.js';
import { DescriptionSchema, VisibilitySchema } from '../schedule.js';
import { RequestPolicySchema, RoleSchema, SpaceSnapshotSchema } from '../space.js';
import { CaptionStateSchema } from '../captions.js';
import { feature, request } from './define.js';
import { DisplayNameSchema, Done, NoData, SpaceTitleSchema } from './fields.js';
import { ConsumerSchema, ProducerInfoSchema } from './media.js';
import { StageChangeSchema } from './stage.js';

/** What joining (or resuming) answers: who you are in the Space and what you need to hear it. */
export const JoinedSpaceSchema = z.object({
  memberId: z.string(),
  spaceId: z.string(),
  role: RoleSchema,
  routerRtpCapabilities: RtpCapabilitiesSchema,
  snapshot: SpaceSnapshotSchema,
  /** Producers already on the Stage, to consume right away. */
  producers: z.array(ProducerInfoSchema),
  /** Who is speaking right now (later changes come as `space.speaking`). */
  speaking: z.array(z.string()),
  /** The number of the Space's latest Stage change; present it as `lastStageSeq` when resuming. */
  stageSeq: z.number().int().min(0),
  /** On resume: the Stage changes made while this member was away, oldest first. Empty on join. */
  stageChanges: z.array(StageChangeSchema),
  /** Present with `space.resume` within the grace period to come back with the same role and place. */
  resumeToken: z.string(),
  /** Keep it and present it on later joins: it carries the same identity. */
  userToken: z.string(),
  /** Where live captions stand for this member. */
  captions: CaptionStateSchema,
  /**
   * When the join asked to `hear`: a receive transport and a consumer of each producer on the Stage,
   * already playing, so the first audio is one round trip away. Absent if they could not be made; the
   * client then sets them up itself.
   */
  hearing: z
    .object({ transport: TransportOptionsSchema, consumers: z.array(ConsumerSchema.extend({ memberId: z.string(), displayName: z.string() })) })
    .optional(),
});

const Token = z.string().min(1).max(4096);

export const space = feature({
  requests: {
    /** A studio opens a new Space; the answer carries the host's token and the listeners' invitation. */
    'space.create': request({
      data: z.strictObject({
        title: SpaceTitleSchema,
        hostName: DisplayNameSchema,
        studioKey: z.string().max(256).optional(),
        /** The studio's identity from an earlier join, so blocks and bans follow the same person. */
        userToken: z.string().max(1024).optional(),
        requestPolicy: RequestPolicySchema.optional(),
        /** Record the Space on the server for a replay from the start (listeners see a "Recorded" mark). */
        replay: z.boolean().optional(),
        /** Let listeners clip the last 30 s while live (clips of the replay are always allowed). */
        liveClips: z.boolean().optional(),
        /** Live captions from the start (the host can switch them later with `captions.settings`). */
        captions: z.boolean().optional(),
        /** Listed in the directory (public) or link only (unlisted, the default). */
        visibility: VisibilitySchema.optional(),
        description: DescriptionSchema.optional(),
      }),
      reply: z.object({ spaceId: z.string(), hostToken: z.string(), listenerInvite: z.string(), listenPath: z.string() }),
      access: ANYONE,
    }),
    /** Join a Space with a token the server signed (host token or invitation). */
    'space.join': request({
      data: z.strictObject({
        token: Token,
        displayName: DisplayNameSchema.optional(),
        /** Identity from an earlier join (kept by the client), so blocks and bans follow the same person. */
        userToken: z.string().max(1024).optional(),
        /** The client's device is loaded (from `space.preview`): answer with its receiving media ready. */
        hear: z.strictObject({ rtpCapabilities: RtpCapabilitiesSchema }).optional(),
      }),
      reply: JoinedSpaceSchema,
      access: ANYONE,
    }),
    /** Look at a Space before joining (title, who is on stage) and get what the client needs to prepare. */
    'space.preview': request({
      data: z.strictObject({ token: Token }),
      reply: z.object({
        spaceId: z.string(),
        title: z.string(),
        stage: z.array(z.object({ displayName: z.string(), role: RoleSchema })),
        listenerCount: z.number().int(),
        /** The server records this Space for a replay. */
        recording: z.boolean(),
        routerRtpCapabilities: RtpCapabilitiesSchema,
      }),
      access: ANYONE,
    }),
    /** Come back after a dropped connection, within the grace period, with the same role and place. */
    'space.resume': request({
      data: z.strictObject({
        resumeToken: z.string().min(1).max(256),
        /** The last Stage change this client saw, so the answer carries the ones it missed. */
        lastStageSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      }),
      reply: JoinedSpaceSchema,
      access: ANYONE,
    }),
    'space.leave': request({ data: NoData, reply: Done, access: EVERY_MEMBER }),
    /** Host only: end the Space for everyone. */
    'space.end': request({ data: NoData, reply: Done, access: HOST }),
    /** Hosts: who may ask to speak. */
    'space.settings': request({ data: z.strictObject({ requestPolicy: RequestPolicySchema }), reply: Done, access: HOSTS }),
    /** Hosts: a new invitation link; `canRequest` lets its holders ask to speak when only invited may. */
    'space.invite': request({
      data: z.strictObject({ canRequest: z.boolean() }),
      reply: z.object({ invite: z.string(), listenPath: z.string() }),
      access: HOSTS,
    }),
    /** Hosts: find listeners by name, to invite them to speak. */
    'space.listeners': request({
      data: z.strictObject({ query: z.string().max(48), limit: z.number().int().min(1).max(100) }),
      reply: z.object({
        listeners: z.array(z.object({ memberId: z.string(), displayName: z.string(), handRaised: z.boolean() })),
        total: z.number().int(),
      }),
      access: HOSTS,
    }),
  },
  events: {
    /** The Space's state as this member sees it changed (stage, queue, count, own place). */
    'space.state': SpaceSnapshotSchema,
    /** This member was removed from the Space by a host (or blocked). */
    'space.removed': z.object({ reason: z.string() }),
    /** The Space ended; the connection stays open but every request answers `space_ended`. */
    'space.ended': z.object({ reason: z.string() }),
  },
});
