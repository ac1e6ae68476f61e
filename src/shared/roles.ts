// Roles in a Space and what each may ask the server to do. Pure data: the server enforces it, the
// studio and the listener page read it only to decide which buttons to show.

export const ROLES = ['host', 'cohost', 'speaker', 'listener'] as const;
export type Role = (typeof ROLES)[number];

/** People on the Stage may send audio; everyone else only listens. */
export const STAGE_ROLES: readonly Role[] = ['host', 'cohost', 'speaker'];

export function isOnStage(role: Role): boolean {
  return STAGE_ROLES.includes(role);
}

/** Default limits of a Space (issue 3 makes them configurable per space). */
export const SPACE_LIMITS = {
  cohosts: 2,
  speakers: 10,
} as const;
