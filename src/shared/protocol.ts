// The one definition of Hostline's wire protocol: every request a client may send (with its runtime
// schema and its answer's type), every event the server pushes, and the envelopes around them.
// Server, studio and listener page all import this file; nothing here touches Node or the DOM.
import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { DtlsParametersSchema, RtpCapabilitiesSchema, RtpParametersSchema } from './media.js';
import type { RtpCapabilitiesWire, RtpParametersWire, TransportOptionsWire } from './media.js';
import type { SpaceSnapshot } from './space.js';

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

/** Every request type with the schema of its data. Adding a request starts here. */
export const RequestSchemas = {
  /** A studio opens a new Space; the answer carries the host's token and the listeners' invitation. */
  'space.create': z.strictObject({
    title: SpaceTitleSchema,
    hostName: DisplayNameSchema,
    studioKey: z.string().max(256).optional(),
  }),
  /** Join a Space with a token the server signed (host token or listener invitation). */
  'space.join': z.strictObject({
    token: z.string().min(1).max(4096),
    displayName: DisplayNameSchema.optional(),
  }),
  'space.leave': z.strictObject({}),
  /** Host only: end the Space for everyone. */
  'space.end': z.strictObject({}),
  'transport.create': z.strictObject({ direction: z.enum(['send', 'recv']) }),
  'transport.connect': z.strictObject({ transportId: Id, dtlsParameters: DtlsParametersSchema }),
  /** Stage only: start sending audio. */
  'producer.create': z.strictObject({
    transportId: Id,
    kind: z.literal('audio'),
    rtpParameters: RtpParametersSchema,
  }),
  'producer.close': z.strictObject({ producerId: Id }),
  'producer.pause': z.strictObject({ producerId: Id }),
  'producer.resume': z.strictObject({ producerId: Id }),
  /** Ask to hear a producer; the consumer is created paused and resumed by `consumer.resume`. */
  'consumer.create': z.strictObject({
    transportId: Id,
    producerId: Id,
    rtpCapabilities: RtpCapabilitiesSchema,
  }),
  'consumer.resume': z.strictObject({ consumerId: Id }),
  'ping': z.strictObject({}),
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
}

export interface ProducerInfo {
  producerId: string;
  memberId: string;
  displayName: string;
  paused: boolean;
}

/** What the server answers to each request type. */
export interface ResponseMap {
  'space.create': { spaceId: string; hostToken: string; listenerInvite: string; listenPath: string };
  'space.join': JoinedSpace;
  'space.leave': Record<string, never>;
  'space.end': Record<string, never>;
  'transport.create': TransportOptionsWire;
  'transport.connect': Record<string, never>;
  'producer.create': { producerId: string };
  'producer.close': Record<string, never>;
  'producer.pause': Record<string, never>;
  'producer.resume': Record<string, never>;
  'consumer.create': {
    consumerId: string;
    producerId: string;
    kind: 'audio';
    rtpParameters: RtpParametersWire;
  };
  'consumer.resume': Record<string, never>;
  'ping': { serverTime: number };
}

/** Events the server pushes, with their data. */
export interface EventMap {
  /** The Space's public state changed (stage, listener count, status). */
  'space.state': SpaceSnapshot;
  /** Someone on the Stage started sending audio. */
  'producer.added': ProducerInfo;
  'producer.removed': { producerId: string };
  'producer.paused': { producerId: string; paused: boolean };
  /** The server closed one of this client's consumers (its producer went away). */
  'consumer.closed': { consumerId: string };
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
