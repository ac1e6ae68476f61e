// The one definition of Hostline's wire protocol. Each feature declares its requests (data, answer,
// access) and events in src/shared/protocol/<feature>.ts; this file gathers them, and holds the
// envelopes around them and the checks both ends apply. Server, studio and listener page all import it;
// nothing here touches Node or the DOM.
import { z } from 'zod';
import { checkAccess, checkTarget, type Access, type TargetRule } from './access.js';
import { ERROR_CODES, type ErrorBody } from './errors.js';
import type { Role } from './roles.js';
import type { Feature, RequestSpec } from './protocol/define.js';
import * as features from './protocol/features.js';
import type { JoinedSpaceSchema } from './protocol/space.js';
import type { ProducerInfoSchema } from './protocol/media.js';
import type { StageChangeSchema } from './protocol/stage.js';

/** Both ends say it in `hello`; a server speaking another version refuses the connection. */
export const PROTOCOL_VERSION = 3;
/** A frame larger than this is refused with `too_large` before it is parsed. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** The close code of a connection refused for speaking another protocol version. */
export const CLOSE_VERSION_MISMATCH = 4001;

export { DisplayNameSchema, SpaceTitleSchema } from './protocol/fields.js';

// ---- the registry ----------------------------------------------------------------------------------

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Features = (typeof features)[keyof typeof features];
type Requests = UnionToIntersection<Features['requests']>;
type Events = UnionToIntersection<Features['events']>;

/** Merges the features' tables; a type declared by two features is a mistake, caught at load. */
export function gatherFeatures<K extends 'requests' | 'events'>(
  declared: Readonly<Record<string, Feature>>,
  part: K,
): Record<string, Feature[K][string]> {
  const all: Record<string, Feature[K][string]> = {};
  const owner: Record<string, string> = {};
  for (const [name, one] of Object.entries(declared)) {
    for (const [type, entry] of Object.entries(one[part])) {
      if (Object.hasOwn(all, type)) throw new Error(`${type} is declared by both ${owner[type]} and ${name}`);
      all[type] = entry as Feature[K][string];
      owner[type] = name;
    }
  }
  return all;
}

/** Every request, by type: its data schema, answer schema, access rule and target rule. */
export const REQUESTS = gatherFeatures(features, 'requests') as unknown as Requests;
/** Every event the server pushes, by type: the schema of its data. */
export const EVENTS = gatherFeatures(features, 'events') as unknown as Events;

export type RequestType = keyof Requests & string;
export type EventType = keyof Events & string;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];
export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

/** The request's data as the server sees it after validation (names trimmed, …). */
export type RequestData<T extends RequestType> = z.output<Requests[T]['data']>;
/** The request's data as a client sends it. */
export type RequestInput<T extends RequestType> = z.input<Requests[T]['data']>;
/** What the server answers to a request of type `T`. */
export type Reply<T extends RequestType> = z.output<Requests[T]['reply']>;
export type ResponseMap = { [T in RequestType]: Reply<T> };
export type EventData<E extends EventType> = z.output<Events[E]>;
export type EventMap = { [E in EventType]: EventData<E> };

export type JoinedSpace = z.output<typeof JoinedSpaceSchema>;
export type ProducerInfo = z.output<typeof ProducerInfoSchema>;
export type StageChange = z.output<typeof StageChangeSchema>;
export { STAGE_CAUSES, type StageCause } from './protocol/stage.js';

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(REQUESTS, type);
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}

/** The declaration of one request. */
export function requestSpec(type: RequestType): RequestSpec & { access: Access; target?: TargetRule } {
  return REQUESTS[type] as RequestSpec;
}

/** The schema of one event's data. */
export function eventSchema(type: EventType): z.ZodType {
  return EVENTS[type] as z.ZodType;
}

/** What a client knows of itself for `can`: its role, and the grants it holds in the Space. */
export interface Viewer {
  role: Role;
  /** The host named this member caption editor (the captions state lists the editors). */
  captionEditor?: boolean;
}

/**
 * Whether a member holding `role` (or the `Viewer`, with its grants) may send `type` (to someone
 * holding `targetRole`, for requests that act on another person), by the same rules the server
 * checks. Clients use it to offer only what would be allowed; the server decides.
 */
export function can(viewer: Role | Viewer, type: RequestType, targetRole?: Role): boolean {
  const spec = requestSpec(type);
  const { role, captionEditor } = typeof viewer === 'string' ? { role: viewer, captionEditor: false } : viewer;
  if (!checkAccess(spec.access, { member: { role, spaceLive: true, captionEditor } }, type).ok) return false;
  if (spec.target && targetRole) return checkTarget(spec.target, role, { role: targetRole, self: false }).ok;
  return true;
}

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

/** The envelope check a client applies to what the server sends; the data is checked per type. */
export const ServerMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('response'),
    id: z.number().nullable(),
    ok: z.boolean(),
    data: z.unknown().optional(),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).optional(),
  }),
  z.object({ kind: z.literal('event'), event: z.string(), data: z.unknown() }),
]);

export type ParsedClientMessage =
  | { ok: true; request: ClientRequest }
  | { ok: false; id: number | null; error: ErrorBody };

/** The first few problems of a failed validation, naming the fields, for an error message. */
export function describeIssues(error: z.ZodError): string {
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
  if (!isRequestType(type)) {
    return { ok: false, id, error: { code: 'unknown_type', message: `unknown request type "${type.slice(0, 64)}"` } };
  }
  const payload = requestSpec(type).data.safeParse(data ?? {});
  if (!payload.success) {
    return { ok: false, id, error: { code: 'invalid_payload', message: `${type}: ${describeIssues(payload.error)}` } };
  }
  return { ok: true, request: { id, type, data: payload.data } as ClientRequest };
}
