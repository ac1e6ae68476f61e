// How a feature declares its part of the protocol: each request once, with the schema of its data, the
// schema of its answer and who may send it; each event once, with the schema of its data. The server
// validates requests against these schemas and checks the access rule; clients validate every answer
// and event against the same schemas before trusting them.
import type { z } from 'zod';
import type { Access, TargetRule } from '../access.js';

export interface RequestSpec {
  /** The request's data, checked on arrival before anything else runs. */
  readonly data: z.ZodType;
  /** The answer, checked by the client before it is trusted. */
  readonly reply: z.ZodType;
  /** Who may send it: checked by the server's Connection, read by clients through `can`. */
  readonly access: Access;
  /** For a request acting on another person (the `memberId` in its data): whom it may target. */
  readonly target?: TargetRule;
}

/** Declares one request; the declaration keeps its exact types, so both ends are typed from it. */
export function request<const S extends RequestSpec>(spec: S): S {
  return spec;
}

/** A feature's part of the protocol: its requests and the events it pushes, keyed by type. */
export interface Feature {
  readonly requests: Readonly<Record<string, RequestSpec>>;
  readonly events: Readonly<Record<string, z.ZodType>>;
}

export function feature<const F extends Feature>(declared: F): F {
  return declared;
}
