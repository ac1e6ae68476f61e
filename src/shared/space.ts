// The state of a Space as one member sees it. The server builds it per member: everyone sees the
// Stage and the count; hosts also see the queue in full and talk times; a listener sees their own
// place in the queue and any invitation to speak.
import type { Reaction, RequestPolicy, Role } from './roles.js';

export type SpaceStatus = 'live' | 'ended';

export interface StageMember {
  memberId: string;
  displayName: string;
  role: Role;
  /** True while this member sends audio to the Space. */
  live: boolean;
  /** True while this member's microphone is muted (by themselves or a host). */
  muted: boolean;
  /** True while the server hears them speak (audio level observer). */
  speaking: boolean;
  /** False while they are disconnected and may still come back (grace period). */
  connected: boolean;
}

export interface QueueEntry {
  memberId: string;
  displayName: string;
  /** 1 for the next to be approved. */
  position: number;
  /** When the hand went up, server clock (ms since the epoch). */
  raisedAt: number;
  /** Their page's mic check, once it has run. */
  micCheck: import('./mic-check.js').MicCheck | null;
}

export interface MyPlace {
  memberId: string;
  role: Role;
  /** Whether this member may raise a hand now (listener, and the policy allows them). */
  canRequest: boolean;
  /** Their raised hand, if any, with a live estimate of the wait. */
  hand: { position: number; raisedAt: number; estimatedWaitMs: number } | null;
  /** A pending invitation to come on stage, if any. */
  invitation: { as: 'speaker' | 'cohost'; from: string } | null;
  muted: boolean;
}

export interface HostView {
  queue: QueueEntry[];
  /** Talk time per stage member (and past speakers), from server-side audio levels. */
  talkTimeMs: Record<string, number>;
  /** Listeners invited to speak who have not answered yet. */
  invited: Array<{ memberId: string; displayName: string; as: 'speaker' | 'cohost' }>;
}

export interface SpaceSnapshot {
  spaceId: string;
  title: string;
  status: SpaceStatus;
  startedAt: number;
  /** Host first, then co-hosts, then speakers in the order they came on. */
  stage: StageMember[];
  listenerCount: number;
  /** How many hands are up (everyone sees the number; hosts see the queue). */
  queueLength: number;
  policy: { requestPolicy: RequestPolicy; maxSpeakers: number; maxCohosts: number };
  /** When the host dropped and their grace period ends, if they are away. */
  hostAwayUntil: number | null;
  /** Whether the server records this Space for a replay (shown as a "Recorded" mark). */
  replay: import('./replay.js').LiveReplayState;
  /** The receiving member's own place. */
  you: MyPlace;
  /** Present for the host and co-hosts only. */
  host?: HostView;
  /** Server clock when the snapshot was made, so clients can show waits without clock skew. */
  serverTime: number;
}

export interface ReactionBurst {
  /** Reactions received in the last interval, by emoji. */
  counts: Partial<Record<Reaction, number>>;
  /** A few of them with names, newest last. */
  recent: Array<{ displayName: string; reaction: Reaction }>;
}
