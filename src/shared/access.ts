// Who may send a request. Access rules are data, declared beside each request in src/shared/protocol/;
// the server's Connection checks them (and a request's target) before any handler runs, and clients
// read them through `can` (src/shared/protocol.ts) only to offer what would be allowed. World-free.
//
// Adding a kind of rule (signed-in accounts, a backstage producer, …; `captionEditor` below is one):
//   1. add its shape to `Access` below;
//   2. add its check to ACCESS_CHECKS (the compiler refuses the table until you do);
//   3. add the facts the check needs to `Actor`, and have the server's Connection fill them in;
//   4. on the server, say what a passed rule guarantees its handlers (`Guarantee` in
//      src/server/handlers/context.ts), so a handler behind the rule gets typed access to it.
import type { ErrorCode } from './errors.js';
import { mayActOn, type Role } from './roles.js';

/** What the server knows about whoever sent a request, when it checks access. */
export interface Actor {
  /** Present when the connection is signed in to an account (cookie, or `account.authenticate`). */
  account?: { id: string };
  /** Present while the connection is a member of a Space (joined, and not removed since). */
  member?: {
    role: Role;
    /** False once the Space has ended: members' requests then answer `space_ended`. */
    spaceLive: boolean;
    /** The host named this member caption editor (src/server/captions/SpaceCaptions.ts keeps the list). */
    captionEditor?: boolean;
    /** Whether the host named them a producer (on the backchannel without being on the Stage). */
    producer?: boolean;
  };
}

/**
 * An access rule. `allOf` combines rules that must all pass, checked in order. `captionEditor`
 * admits the host, the co-hosts and the members the host named caption editor.
 */
export type Access =
  | { readonly kind: 'anyone' }
  | { readonly kind: 'member'; readonly roles: readonly Role[] }
  | { readonly kind: 'captionEditor' }
  /** A signed-in account (suspended accounts cannot sign in, so never pass). */
  | { readonly kind: 'account' }
  /** The backchannel's people: the host, the co-hosts, and the producers the host named. */
  | { readonly kind: 'backchannel' }
  | { readonly kind: 'allOf'; readonly rules: readonly Access[] };

export type AccessKind = Access['kind'];

/** The outcome of a check: allowed, or the error to answer with. */
export type Verdict = { ok: true } | { ok: false; code: ErrorCode; message: string };

const ALLOWED: Verdict = { ok: true };

type Checks = { [K in AccessKind]: (rule: Extract<Access, { kind: K }>, actor: Actor, type: string) => Verdict };

/** One check per kind of rule. */
const ACCESS_CHECKS: Checks = {
  anyone: () => ALLOWED,
  member: (rule, actor, type) => {
    const member = actor.member;
    if (!member) return { ok: false, code: 'not_joined', message: `${type} needs a joined space` };
    if (!rule.roles.includes(member.role)) return { ok: false, code: 'forbidden', message: `a ${member.role} may not ${type}` };
    if (!member.spaceLive) return { ok: false, code: 'space_ended', message: 'this space has ended' };
    return ALLOWED;
  },
  captionEditor: (_rule, actor) => {
    const member = actor.member;
    if (!member) return { ok: false, code: 'not_joined', message: 'correcting captions needs a joined space' };
    if (member.role !== 'host' && member.role !== 'cohost' && !member.captionEditor) {
      return { ok: false, code: 'forbidden', message: 'only the host, a co-host or a caption editor the host named may correct captions' };
    }
    if (!member.spaceLive) return { ok: false, code: 'space_ended', message: 'this space has ended' };
    return ALLOWED;
  },
  account: (_rule, actor, type) =>
    actor.account ? ALLOWED : { ok: false, code: 'unauthenticated', message: `${type} needs you signed in to an account` },
  backchannel: (_rule, actor, type) => {
    const member = actor.member;
    if (!member) return { ok: false, code: 'not_joined', message: `${type} needs a joined space` };
    if (member.role !== 'host' && member.role !== 'cohost' && !member.producer) {
      return { ok: false, code: 'forbidden', message: `the backchannel is for the host, the co-hosts and producers the host names; a ${member.role} may not ${type}` };
    }
    if (!member.spaceLive) return { ok: false, code: 'space_ended', message: 'this space has ended' };
    return ALLOWED;
  },
  allOf: (rule, actor, type) => {
    for (const inner of rule.rules) {
      const verdict = checkAccess(inner, actor, type);
      if (!verdict.ok) return verdict;
    }
    return ALLOWED;
  },
};

/** Checks `rule` for `actor` sending a request of `type` (named in the refusal). */
export function checkAccess(rule: Access, actor: Actor, type: string): Verdict {
  return (ACCESS_CHECKS[rule.kind] as (rule: Access, actor: Actor, type: string) => Verdict)(rule, actor, type);
}

// ---- the rules requests use today ------------------------------------------------------------------

/** Needs no joined Space: greeting, creating, previewing, joining, resuming. */
export const ANYONE = { kind: 'anyone' } as const satisfies Access;

/** Signed in to an account: what must be remembered about a person (follows, reminders, tickets). */
export const SIGNED_IN = { kind: 'account' } as const satisfies Access;

/** Members of a Space holding one of `roles`. */
export function members<const R extends readonly Role[]>(...roles: R): { readonly kind: 'member'; readonly roles: R } {
  return { kind: 'member', roles };
}

export const EVERY_MEMBER = members('host', 'cohost', 'speaker', 'listener');
/** Everyone on the Stage. */
export const STAGE = members('host', 'cohost', 'speaker');
/** The people who run the show: the host and the co-hosts. */
export const HOSTS = members('host', 'cohost');
export const HOST = members('host');
export const LISTENER = members('listener');
/** The host, the co-hosts, and members the host named caption editor. */
export const CAPTION_EDITORS = { kind: 'captionEditor' } as const satisfies Access;
/** The host, the co-hosts and the producers the host named: the backchannel. */
export const BACKCHANNEL = { kind: 'backchannel' } as const satisfies Access;

// ---- targets -----------------------------------------------------------------------------------------

/**
 * Whom a request that acts on another person (the `memberId` in its data) may target:
 * `moderated`: someone the actor may moderate (`mayActOn` in roles.ts);
 * `other`: anyone else in the Space.
 * The server answers `not_found` when nobody in the Space has that id.
 */
export type TargetRule = 'moderated' | 'other';

export function checkTarget(rule: TargetRule, actor: Role, target: { role: Role; self: boolean }): Verdict {
  if (rule === 'other') {
    return target.self ? { ok: false, code: 'not_found', message: 'nobody with that id is in this space' } : ALLOWED;
  }
  return mayActOn(actor, target.role) ? ALLOWED : { ok: false, code: 'forbidden', message: `a ${actor} may not act on the ${target.role}` };
}

// ---- admission to a ticketed Space ----------------------------------------------------------------------

/** Roles a ticketed Space admits without a ticket: the host, co-hosts and invited speakers. */
export const TICKET_FREE_ROLES: readonly Role[] = ['host', 'cohost', 'speaker'];

/** What the server knows when someone joins a Space that may be ticketed. */
export interface AdmissionFacts {
  /** The ticket's price when the Space is ticketed; null for a free Space. */
  ticket: { priceMinor: number; currency: string } | null;
  /** The joining connection's account, when signed in. */
  accountId?: string;
  /** Whether that account holds a paid ticket for this Space. */
  holdsTicket: boolean;
}

const price = (t: { priceMinor: number; currency: string }) => `${t.currency} ${Math.floor(t.priceMinor / 100)}.${String(t.priceMinor % 100).padStart(2, '0')}`;

/**
 * Whether a join with `role` is admitted. A ticketed Space admits a listener only as the signed-in
 * account that holds a paid ticket (the join is bound to that account); the refusal names the price.
 */
export function checkAdmission(role: Role, facts: AdmissionFacts): Verdict {
  if (!facts.ticket || TICKET_FREE_ROLES.includes(role)) return ALLOWED;
  if (!facts.accountId) return { ok: false, code: 'ticket_required', message: `this Space is ticketed (${price(facts.ticket)}): sign in and buy a ticket on its page` };
  if (!facts.holdsTicket) return { ok: false, code: 'ticket_required', message: `this Space is ticketed (${price(facts.ticket)}): buy a ticket on its page to listen` };
  return ALLOWED;
}
