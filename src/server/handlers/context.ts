// What a request handler gets: the validated data of its request and a context typed from the
// request's declaration. Connection has already checked the access rule and resolved the target, so
// a handler behind a member rule always has its Space and Member, and one with a target rule has the
// Member it acts on.
import type { z } from 'zod';
import { ProtocolError } from '../../shared/errors.js';
import type { Access } from '../../shared/access.js';
import type { RequestData, RequestType, REQUESTS } from '../../shared/protocol.js';
import type { SignedInAccount } from '../../shared/protocol/accounts.js';
import type { Logger } from '../logger.js';
import type { Member, PushEvent } from '../Member.js';
import type { Sfu } from '../Sfu.js';
import type { Space } from '../Space.js';

/** Every handler's context, whatever its access rule. */
export interface BaseContext {
  sfu: Sfu;
  logger: Logger;
  /** Set once the connection has joined a Space (even if since removed, or the Space ended). */
  joined: { space: Space; member: Member } | undefined;
  /** Binds this connection to the member it joined (or resumed) as. */
  attach(space: Space, member: Member, attachment: number): void;
  /** Forgets the joined member (after leave). */
  detach(): void;
  /** The account this connection is signed in to (session cookie, or `account.authenticate`). */
  account: SignedInAccount | undefined;
  /** Signs the connection in to an account. */
  signIn(account: SignedInAccount): void;
  /** Marks the connection greeted (protocol versions agree). */
  greet(client: string | undefined): void;
  /** Runs `listener` once when this connection closes (a page stops watching a Space). */
  whenClosed(listener: () => void): void;
  /** Closes the connection once this request's answer has gone out. */
  hangUp(code: number, reason: string): void;
  /** The client's media stopped answering (ICE consent): drop this connection now; grace rules apply. */
  mediaLost(reason: string): void;
  push: PushEvent;
}

/** What a member rule guarantees: the Space and the sender's Member in it. */
export interface MemberContext {
  space: Space;
  member: Member;
}

/** What an account rule guarantees: the signed-in account. */
export interface AccountContext {
  account: SignedInAccount;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * What a passed access rule guarantees the handler. Adding a kind of rule in src/shared/access.ts
 * adds its line here (e.g. an account rule guaranteeing `account`).
 */
export type Guarantee<A extends Access> = A extends { kind: 'member' } | { kind: 'captionEditor' } | { kind: 'backchannel' }
  ? MemberContext
  : A extends { kind: 'account' }
    ? AccountContext
    : A extends { kind: 'allOf'; rules: ReadonlyArray<infer R extends Access> }
    ? UnionToIntersection<Guarantee<R>>
    : unknown;

type Spec<T extends RequestType> = (typeof REQUESTS)[T];
type TargetGuarantee<T extends RequestType> = Spec<T> extends { target: string } ? { target: Member } : unknown;

export type HandlerContext<T extends RequestType> = BaseContext & Guarantee<Spec<T>['access']> & TargetGuarantee<T>;

/** Handles one request type: returns its answer (checked against the declared schema by clients). */
export type Handler<T extends RequestType> = (ctx: HandlerContext<T>, data: RequestData<T>) => Promise<z.input<Spec<T>['reply']>>;

export type HandlerTable = { [T in RequestType]: Handler<T> };

/** A feature's handlers: the compiler insists on one per request the feature declares. */
export function handlersFor<F extends { requests: object }>(
  _feature: F,
  table: { [T in keyof F['requests'] & RequestType]: Handler<T> },
): { [T in keyof F['requests'] & RequestType]: Handler<T> } {
  return table;
}

export const DONE = {} as Record<string, never>;

/** Runs a mediasoup call and turns its refusal into a `media_error` answer. */
export async function mediaCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('media_error', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
