// Roles in a Space and the rules between them. Pure data and pure functions: the server enforces
// them, the studio and the listener page read them only to decide which buttons to show.

export const ROLES = ['host', 'cohost', 'speaker', 'listener'] as const;
export type Role = (typeof ROLES)[number];

/** People on the Stage may send audio; everyone else only listens. */
export const STAGE_ROLES: readonly Role[] = ['host', 'cohost', 'speaker'];
/** Hosts run the show: the host and the co-hosts. */
export const HOST_ROLES: readonly Role[] = ['host', 'cohost'];

export function isOnStage(role: Role): boolean {
  return STAGE_ROLES.includes(role);
}

export function isHostRole(role: Role): boolean {
  return HOST_ROLES.includes(role);
}

/**
 * Whether `actor` may moderate (mute, move, remove, …) someone holding `target`. The host acts on
 * everyone else; a co-host acts on speakers and listeners, never on the host or the other co-host.
 */
export function mayActOn(actor: Role, target: Role): boolean {
  if (actor === 'host') return target !== 'host';
  if (actor === 'cohost') return target === 'speaker' || target === 'listener';
  return false;
}

export type RequestPolicy = 'everyone' | 'invited';

/** The rules of one Space. Defaults come from the server's configuration. */
export interface SpacePolicy {
  maxCohosts: number;
  /** Speakers besides the host and co-hosts. */
  maxSpeakers: number;
  /** Who may ask to speak: everyone, or only people the hosts invited. */
  requestPolicy: RequestPolicy;
}

export const DEFAULT_POLICY: SpacePolicy = { maxCohosts: 2, maxSpeakers: 10, requestPolicy: 'everyone' };

/** Reactions anyone may send. A closed set keeps the wire small and the display safe. */
export const REACTIONS = ['👏', '❤️', '😂', '🔥', '💯', '🙏', '😮', '👍'] as const;
export type Reaction = (typeof REACTIONS)[number];
