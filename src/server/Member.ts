// One person in a Space: identity, role, place, and the mediasoup transports, producers and consumers
// of their current connection. A Member outlives a dropped connection for the grace period, so a
// reconnecting client resumes the same role, queue position and stage place.
import type { types as ms } from 'mediasoup';
import { createHash, randomBytes } from 'node:crypto';
import type { EventMap, EventType } from '../shared/protocol.js';
import type { MicCheck } from '../shared/mic-check.js';
import type { Role } from '../shared/roles.js';
import { RateLimiter } from './RateLimiter.js';

export type PushEvent = <E extends EventType>(event: E, data: EventMap[E]) => void;

/** A resume token names its Space before the dot, so any node can tell where to take it. */
export function spaceOfResumeToken(token: string): string | undefined {
  const dot = token.indexOf('.');
  return dot > 0 ? token.slice(0, dot) : undefined;
}

export class Member {
  readonly id: string;
  readonly userId: string;
  readonly displayName: string;
  readonly joinedAt: number;
  /** Secret the client presents to resume after a dropped connection (empty for a restored member). */
  readonly resumeToken: string;
  /** SHA-256 of the resume token: what the store keeps, and what a restored member is found by. */
  readonly resumeHash: string;
  role: Role;
  /** When they last came on stage (orders the Stage) or became co-host. */
  stageSince = 0;
  /** May raise a hand even when only invited people may (granted by their invitation link). */
  canRequest: boolean;
  /** A pending invitation to the stage. */
  invitation: { as: 'speaker' | 'cohost'; from: string } | null = null;
  /** Who sent the pending invitation (member id), for the Stage change when it is accepted. */
  invitedBy: string | null = null;
  /** The latest mic check of their page while their hand was up. */
  micCheck: MicCheck | null = null;
  /** Muted by themselves or a host; kept across reconnects and re-produced producers. */
  muted = false;
  readonly reactionLimiter = new RateLimiter(2, 5);
  readonly transports = new Map<string, ms.WebRtcTransport>();
  readonly producers = new Map<string, ms.Producer>();
  readonly consumers = new Map<string, ms.Consumer>();
  /** Sends to the current connection; undefined while disconnected. */
  #push: PushEvent | undefined;
  /** Counts attachments, so a stale connection's late close cannot detach a resumed one. */
  #attachment = 0;
  #closed = false;

  /**
   * `push` binds the joining connection; a member restored after a restart has none until its client
   * resumes (with the token whose hash the store kept).
   */
  constructor(init: {
    id: string;
    userId: string;
    displayName: string;
    role: Role;
    canRequest: boolean;
    push?: PushEvent;
    restored?: { resumeHash: string; joinedAt: number };
    /** The Space's id, put before the dot of the resume token. */
    spaceId?: string;
  }) {
    this.id = init.id;
    this.userId = init.userId;
    this.displayName = init.displayName;
    this.role = init.role;
    this.canRequest = init.canRequest;
    this.joinedAt = init.restored?.joinedAt ?? Date.now();
    this.resumeToken = init.restored ? '' : `${init.spaceId ? `${init.spaceId}.` : ''}${randomBytes(18).toString('base64url')}`;
    this.resumeHash = init.restored?.resumeHash ?? Member.hashResumeToken(this.resumeToken);
    this.#push = init.push;
    this.#attachment = init.push ? 1 : 0;
  }

  static hashResumeToken(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#push !== undefined && !this.#closed;
  }

  get attachment(): number {
    return this.#attachment;
  }

  push: PushEvent = (event, data) => {
    this.#push?.(event, data);
  };

  /** Binds a (new) connection; returns its attachment number. */
  attach(push: PushEvent): number {
    this.#push = push;
    return ++this.#attachment;
  }

  /** The connection dropped: media stops, the place is kept. */
  detach(): void {
    this.#push = undefined;
    this.closeMedia();
  }

  transport(transportId: string): ms.WebRtcTransport | undefined {
    return this.transports.get(transportId);
  }

  /** Closes the send transports (and so the producers) when they leave the stage. */
  closeSending(): void {
    for (const transport of this.transports.values()) {
      if (transport.appData.direction === 'send') transport.close();
    }
  }

  /** Closes every transport, which closes this member's producers and consumers with them. */
  closeMedia(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#push = undefined;
    this.closeMedia();
  }
}
