// Who may hear a replay and its clips, and who may manage it. A free Space's replay is open to anyone
// with its link; a ticketed Space's replay needs a ticket: `ReplayAccessPolicy.mayListen` is the hook
// the ticketing service plugs into (until then no Space is ticketed, and a ticketed one is refused).
// Managing (trim, retention, deletion) needs the host: their host token for that Space or their user
// token (accounts replace both when the platform's sign-in lands).
import type { ReplayRecord } from './ReplayStore.js';
import type { TokenSigner } from '../tokens.js';

export interface ReplayViewer {
  /** From the request's bearer token, when it carries one we signed. */
  userId: string | undefined;
  /** A host token for this very Space. */
  hostOf: string | undefined;
}

export type AccessAnswer = { ok: true } | { ok: false; status: 401 | 402 | 403; code: 'unauthenticated' | 'ticket_required' | 'forbidden'; message: string };

export interface ReplayAccessPolicy {
  mayListen(replay: ReplayRecord, viewer: ReplayViewer): Promise<AccessAnswer> | AccessAnswer;
}

/** The default: free replays are open; a ticketed one waits for the ticketing service's answer. */
export const openUnlessTicketed: ReplayAccessPolicy = {
  mayListen(replay, viewer) {
    if (!replay.ticketed) return { ok: true };
    if (viewer.userId === replay.hostUserId || viewer.hostOf === replay.spaceId) return { ok: true };
    return { ok: false, status: 402, code: 'ticket_required', message: 'this replay is for ticket holders' };
  },
};

/** Reads the bearer token of a request into who is asking. */
export function viewerOf(authorization: string | undefined, tokens: TokenSigner): ReplayViewer {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { userId: undefined, hostOf: undefined };
  const user = tokens.verify(token, 'user');
  if (user.ok) return { userId: user.claims.userId, hostOf: undefined };
  const join = tokens.verify(token, 'join');
  if (join.ok) return { userId: join.claims.userId, hostOf: join.claims.role === 'host' ? join.claims.spaceId : undefined };
  return { userId: undefined, hostOf: undefined };
}

export function mayManage(replay: ReplayRecord, viewer: ReplayViewer): AccessAnswer {
  if (viewer.hostOf === replay.spaceId || (viewer.userId !== undefined && viewer.userId === replay.hostUserId)) return { ok: true };
  if (!viewer.userId && !viewer.hostOf) return { ok: false, status: 401, code: 'unauthenticated', message: 'sign in as the host to change this replay' };
  return { ok: false, status: 403, code: 'forbidden', message: 'only the host may change this replay' };
}
