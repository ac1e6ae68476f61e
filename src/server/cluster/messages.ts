// What nodes of one service say to each other over Redis, declared once and validated on arrival (a
// message that fails its schema is dropped and logged, never acted on). Each node listens on its own
// channel; a publish carries a batch of messages written in the same moment. Requests that wait for an
// answer (`call`) name a method declared in CALLS, with the schema of its arguments and its answer.
import { z } from 'zod';
import { RtpParametersSchema } from '../../shared/media.js';

const Id = z.string().min(1).max(128);
const Port = z.number().int().min(1).max(65535);
const Ip = z.string().min(1).max(255);

export const SrtpParametersSchema = z.object({ cryptoSuite: z.string().min(1).max(64), keyBase64: z.string().min(1).max(256) });
/** One end of a pipe between two nodes' routers: where it listens, and the keys its packets carry. */
export const PipeEndSchema = z.object({ ip: Ip, port: Port, srtp: SrtpParametersSchema });
export type PipeEnd = z.infer<typeof PipeEndSchema>;

/** What one node tells another, by `t`. */
export const NodeMessageSchema = z.discriminatedUnion('t', [
  /** A producer piped to the receiver paused or resumed at the origin (a mute). */
  z.object({ t: z.literal('pipe.paused'), producerId: Id, paused: z.boolean() }),
  /** A producer piped to the receiver is gone at the origin. */
  z.object({ t: z.literal('pipe.closed'), producerId: Id }),
  /** The edge closed its side of a pipe (its router went away): the origin closes its own. */
  z.object({ t: z.literal('pipe.drop'), transportId: Id }),

  // ---- calls that wait for an answer ----
  z.object({ t: z.literal('call'), id: z.number().int().min(1), method: z.string().min(1).max(64), args: z.unknown() }),
  z.object({
    t: z.literal('reply'),
    id: z.number().int().min(1),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.object({ code: z.string().max(64), message: z.string().max(1000) }).optional(),
  }),
]);
export type NodeMessage = z.infer<typeof NodeMessageSchema>;
export type NodeMessageOf<T extends NodeMessage['t']> = Extract<NodeMessage, { t: T }>;

/** One publish on a node's channel: who sent it, and the messages of one moment, in order. */
export const NodeBatchSchema = z.object({ from: Id, batch: z.array(z.unknown()).min(1).max(100_000) });

/** Calls one node makes to another, each with the schema of its arguments and of its answer. */
export const CALLS = {
  /**
   * An edge wants a Stage producer piped to it: it sends its pipe's end; the origin connects its own
   * pipe to it (one per edge pipe, made once), adds a consumer of the producer, and answers its end
   * and what the edge's pipe producer must be made with.
   */
  'pipe.open': {
    args: z.object({ spaceId: Id, producerId: Id, transportId: Id, edge: PipeEndSchema }),
    result: z.object({
      origin: PipeEndSchema,
      kind: z.literal('audio'),
      rtpParameters: RtpParametersSchema,
      paused: z.boolean(),
    }),
  },
} as const;
export type CallMethod = keyof typeof CALLS;
export type CallArgs<M extends CallMethod> = z.infer<(typeof CALLS)[M]['args']>;
export type CallResult<M extends CallMethod> = z.infer<(typeof CALLS)[M]['result']>;

/** What a node says about itself in its heartbeat (the registry's value), read by every node. */
export const NodeInfoSchema = z.object({
  id: Id,
  /** Where clients reach it directly. */
  url: z.string().max(512),
  startedAt: z.number(),
  workers: z.number().int().min(0),
  consumers: z.number().int().min(0),
  /** Clients this node serves now. */
  listeners: z.number().int().min(0),
  /** CPU over the last heartbeat: this process and its workers, in cores (1 = one core busy). */
  cpu: z.number().min(0),
  /** Spaces whose origin it is. */
  origins: z.number().int().min(0),
  at: z.number(),
});
export type NodeInfo = z.infer<typeof NodeInfoSchema>;
