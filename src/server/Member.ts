// One person joined to a Space through one connection: their role, and the mediasoup transports,
// producers and consumers they own. Closing a Member closes all of those.
import type { types as ms } from 'mediasoup';
import type { EventMap, EventType } from '../shared/protocol.js';
import type { Role } from '../shared/roles.js';
import type { StageMember } from '../shared/space.js';

export type PushEvent = <E extends EventType>(event: E, data: EventMap[E]) => void;

export class Member {
  readonly id: string;
  readonly userId: string;
  readonly displayName: string;
  readonly joinedAt = Date.now();
  role: Role;
  /** Sends an event to this member's connection. */
  readonly push: PushEvent;
  readonly transports = new Map<string, ms.WebRtcTransport>();
  readonly producers = new Map<string, ms.Producer>();
  readonly consumers = new Map<string, ms.Consumer>();
  #closed = false;

  constructor(init: { id: string; userId: string; displayName: string; role: Role; push: PushEvent }) {
    this.id = init.id;
    this.userId = init.userId;
    this.displayName = init.displayName;
    this.role = init.role;
    this.push = init.push;
  }

  get closed(): boolean {
    return this.#closed;
  }

  toStageMember(): StageMember {
    const producer = [...this.producers.values()][0];
    return {
      memberId: this.id,
      displayName: this.displayName,
      role: this.role,
      live: producer !== undefined,
      muted: producer?.paused ?? false,
    };
  }

  transport(transportId: string): ms.WebRtcTransport | undefined {
    return this.transports.get(transportId);
  }

  /** Closes every transport, which closes this member's producers and consumers with them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
