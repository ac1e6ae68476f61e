// The public state of a Space, as every member sees it. The server builds it; clients render it.
import type { Role } from './roles.js';

export type SpaceStatus = 'live' | 'ended';

export interface StageMember {
  memberId: string;
  displayName: string;
  role: Role;
  /** True while this member sends audio to the Space. */
  live: boolean;
  /** True while this member's producer is paused (muted). */
  muted: boolean;
}

export interface SpaceSnapshot {
  spaceId: string;
  title: string;
  status: SpaceStatus;
  startedAt: number;
  /** Host first, then co-hosts, then speakers in the order they came on. */
  stage: StageMember[];
  listenerCount: number;
}
