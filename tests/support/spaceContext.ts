// A Space built directly on a real mediasoup worker and router, without any connection: for the tests
// of the Space's parts (Membership, Stage, SpeakerQueue, Moderation, Reactions, SpaceView). Members are
// joined through Membership; what the server pushes to each is kept in order.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { EventMap, EventType } from '../../src/shared/protocol';
import type { Role, SpacePolicy } from '../../src/shared/roles';
import { Logger } from '../../src/server/logger';
import type { Member } from '../../src/server/Member';
import { ModerationStore } from '../../src/server/ModerationStore';
import { MEDIA_CODECS } from '../../src/server/Sfu';
import { Space } from '../../src/server/Space';

export type Pushed = { [E in EventType]: { event: E; data: EventMap[E] } }[EventType];

export interface SpaceContext {
  worker: ms.Worker;
  space: Space;
  store: ModerationStore;
  /** Every log line the Space wrote. */
  logs: Array<Record<string, unknown>>;
  /** Joins someone as `role` (their user id is their name unless given). */
  join(name: string, role?: Role, options?: { userId?: string; canRequest?: boolean }): Member;
  /** What the server pushed to `member`, in order, optionally only one kind of event. */
  pushed<E extends EventType>(member: Member, event?: E): Array<EventMap[E]>;
  /** Forgets what was pushed so far (to everyone). */
  clearPushed(): void;
  /** A real (plain RTP) audio producer for `member`, registered with the Space. */
  produce(member: Member): Promise<ms.Producer>;
  close(): Promise<void>;
}

let ssrc = 0x1000;

export async function spaceContext(options: { policy?: Partial<SpacePolicy>; graceMs?: number } = {}): Promise<SpaceContext> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const logs: Array<Record<string, unknown>> = [];
  const store = new ModerationStore();
  const space = new Space({
    id: 'space-under-test',
    title: 'Under test',
    router,
    logger: new Logger('info', { service: 'test' }, (line) => logs.push(JSON.parse(line) as Record<string, unknown>)),
    policy: { maxSpeakers: 10, maxCohosts: 2, requestPolicy: 'everyone', ...options.policy },
    graceMs: options.graceMs ?? 200,
    moderation: store,
    hostUserId: 'Host',
  });
  await space.start();
  const inbox = new Map<string, Pushed[]>();
  return {
    worker,
    space,
    store,
    logs,
    join(name, role = 'listener', more = {}) {
      const box: Pushed[] = [];
      const member = space.membership.join({
        userId: more.userId ?? name,
        displayName: name,
        role,
        canRequest: more.canRequest ?? false,
        push: (event, data) => box.push({ event, data } as Pushed),
      });
      inbox.set(member.id, box);
      return member;
    },
    pushed<E extends EventType>(member: Member, event?: E) {
      const box = inbox.get(member.id) ?? [];
      return box.filter((p) => event === undefined || p.event === event).map((p) => p.data) as Array<EventMap[E]>;
    },
    clearPushed() {
      for (const box of inbox.values()) box.length = 0;
    },
    async produce(member) {
      const transport = await space.router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: ssrc++ }],
        },
      });
      transport.appData.direction = 'send';
      member.transports.set(transport.id, transport as unknown as ms.WebRtcTransport);
      await space.addProducer(member, producer);
      return producer;
    },
    async close() {
      space.end('the test is over');
      worker.close();
    },
  };
}

/** Waits for the Space's next folded state broadcast. */
export const afterBroadcast = () => new Promise((resolve) => setTimeout(resolve, 150));
