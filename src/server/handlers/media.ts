// WebRTC transports, the producer a Stage member sends, and the consumers everyone hears with.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../../shared/errors.js';
import type { RtpParametersWire } from '../../shared/media.js';
import { media } from '../../shared/protocol/media.js';
import { isOnStage } from '../../shared/roles.js';
import type { MediaHolder, MediaPlace } from '../MediaPlace.js';
import type { Member } from '../Member.js';
import type { Sfu } from '../Sfu.js';
import type { Space } from '../Space.js';
import { DONE, handlersFor, mediaCall } from './context.js';

/** A member holds at most this many transports (a send and a receive one, with room to rebuild). */
const MAX_TRANSPORTS = 4;

export function transportOf(member: MediaHolder, transportId: string): ms.WebRtcTransport {
  const transport = member.transports.get(transportId);
  if (!transport) throw new ProtocolError('not_found', `no transport ${transportId} on this connection`);
  return transport;
}

/** Muting yourself is a member's state: it survives reconnects and any later producer. */
async function setPaused(space: Space, member: Member, producerId: string, paused: boolean) {
  if (!member.producers.has(producerId)) throw new ProtocolError('not_found', `no producer ${producerId} of yours`);
  await mediaCall(paused ? 'muting' : 'unmuting', () => space.stage.setMuted(member, paused));
  return DONE;
}

/**
 * Makes a member's transport (`transport.create`, and `space.join` when it is asked to `hear`) on the
 * router the place gives it: the Stage's for Stage members, the least loaded worker's for listeners.
 */
export async function createTransport<H extends MediaHolder>(
  sfu: Sfu,
  place: MediaPlace<H>,
  member: H,
  direction: 'send' | 'recv',
  mediaLost: (reason: string) => void,
) {
  if (direction === 'send' && !isOnStage(member.role)) {
    throw new ProtocolError('forbidden', 'listeners cannot send audio; ask to speak first');
  }
  if (member.transports.size >= MAX_TRANSPORTS) throw new ProtocolError('forbidden', 'too many transports on this connection');
  const router = await place.routerFor(direction, member.role);
  // A client whose ICE consent stops has vanished: drop its connection, the grace rules take over.
  const transport = await mediaCall('creating the transport', () =>
    sfu.createWebRtcTransport(router, () => mediaLost('the client stopped answering ICE consent checks')),
  );
  transport.appData.direction = direction;
  transport.appData.router = router;
  member.transports.set(transport.id, transport);
  transport.observer.once('close', () => {
    member.transports.delete(transport.id);
    // Its router died with its worker while the rest lives: this member sets up again, elsewhere.
    if (place.isLost(router)) place.restartMediaOf(member);
  });
  return {
    transport,
    options: {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    },
  };
}

/**
 * Makes a consumer of a producer in the member's Space (`consumer.create`, and `space.join` when it is
 * asked to `hear`). Paused ones are resumed by the client once its side is ready; `space.join` makes them
 * playing, since audio has no key frame to wait for and the client's side is made from the same answer.
 */
export async function createConsumer(
  place: MediaPlace,
  member: MediaHolder,
  transport: ms.WebRtcTransport,
  producerId: string,
  caps: ms.RtpCapabilities,
  paused: boolean,
) {
  if (transport.appData.direction !== 'recv') throw new ProtocolError('forbidden', 'that transport only sends');
  if (!place.hasProducer(producerId)) throw new ProtocolError('not_found', `no producer ${producerId} in this space`);
  const router = transport.appData.router as ms.Router;
  // A listener's router on another worker gets the producer through a pipe from the Stage's router.
  await mediaCall('reaching the producer', () => place.reach(producerId, router));
  if (!router.canConsume({ producerId, rtpCapabilities: caps })) {
    throw new ProtocolError('media_error', 'your device cannot receive this audio');
  }
  const consumer = await mediaCall('creating the consumer', () => transport.consume({ producerId, rtpCapabilities: caps, paused }));
  member.consumers.set(consumer.id, consumer);
  consumer.observer.once('close', () => member.consumers.delete(consumer.id));
  consumer.on('producerclose', () => member.push('consumer.closed', { consumerId: consumer.id }));
  consumer.on('producerpause', () => member.push('producer.paused', { producerId, paused: true }));
  consumer.on('producerresume', () => member.push('producer.paused', { producerId, paused: false }));
  return {
    consumerId: consumer.id,
    producerId,
    kind: 'audio' as const,
    rtpParameters: consumer.rtpParameters as RtpParametersWire,
  };
}

export const mediaHandlers = handlersFor(media, {
  async 'transport.create'({ sfu, space, member, mediaLost }, { direction }) {
    return (await createTransport(sfu, space, member, direction, mediaLost)).options;
  },

  async 'transport.connect'({ member }, { transportId, dtlsParameters }) {
    const transport = transportOf(member, transportId);
    await mediaCall('connecting the transport', () => transport.connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters }));
    return DONE;
  },

  async 'producer.create'({ space, member }, { transportId, kind, rtpParameters }) {
    const transport = transportOf(member, transportId);
    if (transport.appData.direction !== 'send') throw new ProtocolError('forbidden', 'that transport only receives');
    if (member.producers.size > 0) throw new ProtocolError('forbidden', 'you are already sending audio');
    const producer = await mediaCall('creating the producer', () =>
      transport.produce({ kind, rtpParameters: rtpParameters as ms.RtpParameters }),
    );
    await space.addProducer(member, producer);
    return { producerId: producer.id };
  },

  async 'producer.close'({ member }, { producerId }) {
    const producer = member.producers.get(producerId);
    if (!producer) throw new ProtocolError('not_found', `no producer ${producerId} of yours`);
    producer.close();
    return DONE;
  },

  async 'producer.pause'({ space, member }, { producerId }) {
    return setPaused(space, member, producerId, true);
  },

  async 'producer.resume'({ space, member }, { producerId }) {
    return setPaused(space, member, producerId, false);
  },

  async 'consumer.create'({ space, member }, { transportId, producerId, rtpCapabilities }) {
    // Created paused, resumed by the client once its side is ready, so no early packets are lost.
    return createConsumer(space, member, transportOf(member, transportId), producerId, rtpCapabilities as ms.RtpCapabilities, true);
  },

  async 'consumer.resume'({ member }, { consumerId }) {
    const consumer = member.consumers.get(consumerId);
    if (!consumer) throw new ProtocolError('not_found', `no consumer ${consumerId} of yours`);
    await mediaCall('resuming the consumer', () => consumer.resume());
    return DONE;
  },
});
