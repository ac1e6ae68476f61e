// Where a member's media is made on this node: the routers their transports go on, and how a Stage
// producer becomes consumable there. A Space is one (on its origin node); a Space's feed on an edge
// node is another (cluster/EdgeFeed). The media requests' code (handlers/media.ts) works on either.
import type { types as ms } from 'mediasoup';
import type { Role } from '../shared/roles.js';
import type { PushEvent } from './Member.js';

/** Whoever holds the transports and consumers: a Member, or a relayed client's media on an edge. */
export interface MediaHolder {
  readonly role: Role;
  readonly transports: Map<string, ms.WebRtcTransport>;
  readonly consumers: Map<string, ms.Consumer>;
  readonly push: PushEvent;
}

export interface MediaPlace<H extends MediaHolder = MediaHolder> {
  /** The router a new transport of a member holding `role` goes on. */
  routerFor(direction: 'send' | 'recv', role: Role): Promise<ms.Router>;
  /** Whether the Stage has this producer now. */
  hasProducer(producerId: string): boolean;
  /** Makes a Stage producer consumable on `router` (a pipe to it, made once). */
  reach(producerId: string, router: ms.Router): Promise<void>;
  /** Whether `router` died under its transports while the place lives: their media must be made again. */
  isLost(router: ms.Router): boolean;
  /** Tells `holder` to set its media up again (its router died with its worker). */
  restartMediaOf(holder: H): void;
}
