// The one definition of Hostline's wire protocol: every request a client may send (with its runtime
// schema and its answer's type), every event the server pushes, and the envelopes around them.
// Server, studio and listener page all import this file; nothing here touches Node or the DOM.
import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { DtlsParametersSchema, RtpCapabilitiesSchema, RtpParametersSchema } from './media.js';
import type { RtpCapabilitiesWire, RtpParametersWire, TransportOptionsWire } from './media.js';
import { REACTIONS } from './roles.js';
import type { ReactionBurst, SpaceSnapshot } from './space.js';

export const PROTOCOL_VERSION = 1;
/** A frame larger than this is refused with `too_large` before it is parsed. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

const Id = z.string().min(1).max(64);
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(48, 'a name has at most 48 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a name cannot hold control characters');
export const SpaceTitleSchema = z
  .string()
  .trim()
  .min(1, 'a title is required')
  .max(120, 'a title has at most 120 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a title cannot hold control characters');

const MemberTarget = z.strictObject({ memberId: Id });

/** Every request type with the schema of its data. Adding a request starts here. */
export const RequestSchemas = {
  'ping': z.strictObject({}),
  /** A studio opens a new Space; the answer carries the host's token and the listeners' invitation. */
  'space.create': z.strictObject({
    title: SpaceTitleSchema,
    hostName: DisplayNameSchema,
    studioKey: z.string().max(256).optional(),
    /** The studio's identity from an earlier join, so blocks and bans follow the same person. */
    userToken: z.string().max(1024).optional(),
    requestPolicy: z.enum(['everyone', 'invited']).optional(),
    /** Record the Space on the server for a replay from the start (listeners see a "Recorded" mark). */
    replay: z.boolean().optional(),
    /** Let listeners clip the last 30 s while live (clips of the replay are always allowed). */
    liveClips: z.boolean().optional(),
  }),
  /** Join a Space with a token the server signed (host token or invitation). */
  'space.join': z.strictObject({
    token: z.string().min(1).max(4096),
    displayName: DisplayNameSchema.optional(),
    /** Identity from an earlier join (kept by the client), so blocks and bans follow the same person. */
    userToken: z.string().max(1024).optional(),
  }),
  /** Look at a Space before joining (title, who is on stage) and get what the client needs to prepare. */
  'space.preview': z.strictObject({ token: z.string().min(1).max(4096) }),
  /** Come back after a dropped connection, within the grace period, with the same role and place. */
  'space.resume': z.strictObject({ resumeToken: z.string().min(1).max(256) }),
  'space.leave': z.strictObject({}),
  /** Host only: end the Space for everyone. */
  'space.end': z.strictObject({}),
  /** Hosts: who may ask to speak. */
  'space.settings': z.strictObject({ requestPolicy: z.enum(['everyone', 'invited']) }),
  /** Hosts: a new invitation link; `canRequest` lets its holders ask to speak when only invited may. */
  'space.invite': z.strictObject({ canRequest: z.boolean() }),
  /** Hosts: find listeners by name, to invite them to speak. */
  'space.listeners': z.strictObject({ query: z.string().max(48), limit: z.number().int().min(1).max(100) }),
  /** Host only: hand the host's role to a co-host (the host becomes a co-host). */
  'host.transfer': MemberTarget,
  'transport.create': z.strictObject({ direction: z.enum(['send', 'recv']) }),
  'transport.connect': z.strictObject({ transportId: Id, dtlsParameters: DtlsParametersSchema }),
  /** Stage only: start sending audio. */
  'producer.create': z.strictObject({
    transportId: Id,
    kind: z.literal('audio'),
    rtpParameters: RtpParametersSchema,
  }),
  'producer.close': z.strictObject({ producerId: Id }),
  /** Mute yourself. */
  'producer.pause': z.strictObject({ producerId: Id }),
  /** Unmute yourself (nobody can unmute someone else). */
  'producer.resume': z.strictObject({ producerId: Id }),
  /** Ask to hear a producer; the consumer is created paused and resumed by `consumer.resume`. */
  'consumer.create': z.strictObject({
    transportId: Id,
    producerId: Id,
    rtpCapabilities: RtpCapabilitiesSchema,
  }),
  'consumer.resume': z.strictObject({ consumerId: Id }),
  /** Listeners: raise a hand (join the speaker queue) and lower it. */
  'queue.raise': z.strictObject({}),
  'queue.lower': z.strictObject({}),
  /** Listeners with a raised hand: the figures of their page's mic check (the server rates them). */
  'queue.micCheck': z.strictObject({
    peakDb: z.number().min(-200).max(20),
    speechDb: z.number().min(-200).max(20),
    noiseFloorDb: z.number().min(-200).max(20),
    clippedShare: z.number().min(0).max(1),
    durationMs: z.number().int().min(0).max(60_000),
  }),
  /** Hosts: bring the request on stage, turn it down, or move it in the queue. */
  'queue.approve': MemberTarget,
  'queue.decline': MemberTarget,
  'queue.move': z.strictObject({ memberId: Id, direction: z.enum(['up', 'down']) }),
  /** Hosts: invite a listener on stage directly (as co-host: the host only). */
  'stage.invite': z.strictObject({ memberId: Id, as: z.enum(['speaker', 'cohost']) }),
  /** Listeners: accept or decline an invitation to the stage. */
  'stage.answer': z.strictObject({ accept: z.boolean() }),
  /** Speakers and co-hosts: step down to the audience. */
  'stage.leave': z.strictObject({}),
  /** Hosts: move someone from the stage back to the audience. */
  'stage.remove': MemberTarget,
  /** Hosts: mute everyone on stage they may act on. */
  'stage.muteAll': z.strictObject({}),
  /** Host only: make a speaker a co-host, or a co-host a speaker again. */
  'cohost.promote': MemberTarget,
  'cohost.demote': MemberTarget,
  /** Hosts: mute one person on stage (they can unmute themselves). */
  'member.mute': MemberTarget,
  /** Hosts: remove someone from the Space; they cannot rejoin it. */
  'member.remove': MemberTarget,
  /** Anyone: add someone to your block list (they cannot join Spaces you host). */
  'member.block': MemberTarget,
  /** Anyone: report someone to the service, with a reason. */
  'member.report': z.strictObject({
    memberId: Id,
    reason: z.string().trim().min(1, 'say what happened').max(500),
  }),
  'reaction.send': z.strictObject({ reaction: z.enum(REACTIONS) }),
  /** Host only: turn the server's recording for the replay on or off, and whether listeners may clip live. */
  'replay.set': z.strictObject({ enabled: z.boolean(), liveClips: z.boolean().optional() }),
  /** Hosts: a marker in the replay here; each marker starts a chapter. */
  'replay.mark': z.strictObject({
    title: z
      .string()
      .trim()
      .max(120, 'a marker has at most 120 characters')
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a marker cannot hold control characters'),
  }),
  /** Anyone in a recorded Space whose host allows it: a clip of the last 30 s. */
  'replay.liveClip': z.strictObject({
    title: z
      .string()
      .trim()
      .max(120)
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a title cannot hold control characters')
      .optional(),
  }),
} as const;

export type RequestType = keyof typeof RequestSchemas;
export type RequestData<T extends RequestType> = z.infer<(typeof RequestSchemas)[T]>;
export const REQUEST_TYPES = Object.keys(RequestSchemas) as RequestType[];

export interface JoinedSpace {
  memberId: string;
  spaceId: string;
  role: import('./roles.js').Role;
  routerRtpCapabilities: RtpCapabilitiesWire;
  snapshot: SpaceSnapshot;
  /** Producers already on the Stage, to consume right away. */
  producers: ProducerInfo[];
  /** Present with `space.resume` within the grace period to come back with the same role and place. */
  resumeToken: string;
  /** Keep it and present it on later joins: it carries the same identity. */
  userToken: string;
}

export interface ProducerInfo {
  producerId: string;
  memberId: string;
  displayName: string;
  paused: boolean;
}

type Empty = Record<string, never>;

/** What the server answers to each request type. */
export interface ResponseMap {
  'ping': { serverTime: number };
  'space.create': { spaceId: string; hostToken: string; listenerInvite: string; listenPath: string };
  'space.join': JoinedSpace;
  'space.resume': JoinedSpace;
  'space.preview': {
    spaceId: string;
    title: string;
    stage: Array<{ displayName: string; role: import('./roles.js').Role }>;
    listenerCount: number;
    /** The server records this Space for a replay. */
    recording: boolean;
    routerRtpCapabilities: RtpCapabilitiesWire;
  };
  'space.leave': Empty;
  'space.end': Empty;
  'space.settings': Empty;
  'space.invite': { invite: string; listenPath: string };
  'space.listeners': { listeners: Array<{ memberId: string; displayName: string; handRaised: boolean }>; total: number };
  'host.transfer': Empty;
  'transport.create': TransportOptionsWire;
  'transport.connect': Empty;
  'producer.create': { producerId: string };
  'producer.close': Empty;
  'producer.pause': Empty;
  'producer.resume': Empty;
  'consumer.create': {
    consumerId: string;
    producerId: string;
    kind: 'audio';
    rtpParameters: RtpParametersWire;
  };
  'consumer.resume': Empty;
  'queue.raise': { position: number };
  'queue.lower': Empty;
  'queue.micCheck': { quality: import('./mic-check.js').MicQuality; summary: string };
  'queue.approve': Empty;
  'queue.decline': Empty;
  'queue.move': { position: number };
  'stage.invite': Empty;
  'stage.answer': Empty;
  'stage.leave': Empty;
  'stage.remove': Empty;
  'stage.muteAll': { muted: number };
  'cohost.promote': Empty;
  'cohost.demote': Empty;
  'member.mute': Empty;
  'member.remove': Empty;
  'member.block': Empty;
  'member.report': { reportId: string };
  'reaction.send': Empty;
  'replay.set': import('./replay.js').LiveReplayState;
  'replay.mark': { atMs: number };
  'replay.liveClip': import('./replay.js').ClipInfo;
}

/** Events the server pushes, with their data. */
export interface EventMap {
  /** The Space's state as this member sees it changed (stage, queue, count, own place). */
  'space.state': SpaceSnapshot;
  /** Who is speaking now, by member id (sent when it changes). */
  'space.speaking': { memberIds: string[] };
  /** Reactions from the last moment, folded together. */
  'space.reactions': ReactionBurst;
  /** Someone on the Stage started sending audio. */
  'producer.added': ProducerInfo;
  'producer.removed': { producerId: string };
  'producer.paused': { producerId: string; paused: boolean };
  /** The server closed one of this client's consumers (its producer went away). */
  'consumer.closed': { consumerId: string };
  /** The Space moved to a new media router (its worker died): set up transports again. */
  'space.mediarestart': { routerRtpCapabilities: RtpCapabilitiesWire };
  /** This member was removed from the Space by a host (or blocked). */
  'space.removed': { reason: string };
  /** The Space ended; the connection stays open but every request answers `space_ended`. */
  'space.ended': { reason: string };
}
export type EventType = keyof EventMap;

// ---- envelopes -------------------------------------------------------------------------------------

export const ClientEnvelopeSchema = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  type: z.string().min(1).max(64),
  data: z.unknown().optional(),
});

export type ClientRequest = {
  [T in RequestType]: { id: number; type: T; data: RequestData<T> };
}[RequestType];

export type ServerResponse =
  | { kind: 'response'; id: number; ok: true; data: unknown }
  | { kind: 'response'; id: number | null; ok: false; error: ErrorBody };

export type ServerEvent = {
  [E in EventType]: { kind: 'event'; event: E; data: EventMap[E] };
}[EventType];

export type ServerMessage = ServerResponse | ServerEvent;

/** The shape check a client applies to what the server sends, before trusting its fields. */
export const ServerMessageSchema = z.union([
  z.object({
    kind: z.literal('response'),
    id: z.number().nullable(),
    ok: z.boolean(),
    data: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
  z.object({ kind: z.literal('event'), event: z.string(), data: z.unknown() }),
]);

export type ParsedClientMessage =
  | { ok: true; request: ClientRequest }
  | { ok: false; id: number | null; error: ErrorBody };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Turns one raw frame from a client into a typed request, or into the error to answer it with.
 * Size, JSON, envelope, type and payload are checked in that order; nothing is trusted before.
 */
export function parseClientMessage(raw: string, byteLength: number): ParsedClientMessage {
  if (byteLength > MAX_MESSAGE_BYTES) {
    return { ok: false, id: null, error: { code: 'too_large', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, error: { code: 'bad_json', message: 'the message is not valid JSON' } };
  }
  const envelope = ClientEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const id = typeof (json as { id?: unknown } | null)?.id === 'number' ? (json as { id: number }).id : null;
    return {
      ok: false,
      id: Number.isSafeInteger(id) ? id : null,
      error: { code: 'bad_message', message: `not a request envelope: ${describeIssues(envelope.error)}` },
    };
  }
  const { id, type, data } = envelope.data;
  if (!Object.hasOwn(RequestSchemas, type)) {
    return { ok: false, id, error: { code: 'unknown_type', message: `unknown request type "${type.slice(0, 64)}"` } };
  }
  const schema = RequestSchemas[type as RequestType];
  const payload = schema.safeParse(data ?? {});
  if (!payload.success) {
    return { ok: false, id, error: { code: 'invalid_payload', message: `${type}: ${describeIssues(payload.error)}` } };
  }
  return { ok: true, request: { id, type, data: payload.data } as ClientRequest };
}
