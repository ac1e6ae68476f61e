// Audio through the SFU: WebRTC transports, the producer a Stage member sends, the consumers everyone
// hears with, and the events that keep them in step.
import { z } from 'zod';
import { EVERY_MEMBER, STAGE } from '../access.js';
import { DtlsParametersSchema, RtpCapabilitiesSchema, RtpParametersSchema, TransportOptionsSchema } from '../media.js';
import { feature, request } from './define.js';
import { Done, Id } from './fields.js';

export const ProducerInfoSchema = z.object({
  producerId: z.string(),
  memberId: z.string(),
  displayName: z.string(),
  paused: z.boolean(),
});

const ProducerTarget = z.strictObject({ producerId: Id });

/** A consumer the server made: what the client needs to receive it. */
export const ConsumerSchema = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  kind: z.literal('audio'),
  rtpParameters: RtpParametersSchema,
});

export const media = feature({
  requests: {
    'transport.create': request({
      data: z.strictObject({ direction: z.enum(['send', 'recv']) }),
      reply: TransportOptionsSchema,
      access: EVERY_MEMBER,
    }),
    'transport.connect': request({
      data: z.strictObject({ transportId: Id, dtlsParameters: DtlsParametersSchema }),
      reply: Done,
      access: EVERY_MEMBER,
    }),
    /** Stage only: start sending audio. */
    'producer.create': request({
      data: z.strictObject({ transportId: Id, kind: z.literal('audio'), rtpParameters: RtpParametersSchema }),
      reply: z.object({ producerId: z.string() }),
      access: STAGE,
    }),
    'producer.close': request({ data: ProducerTarget, reply: Done, access: STAGE }),
    /** Mute yourself. */
    'producer.pause': request({ data: ProducerTarget, reply: Done, access: STAGE }),
    /** Unmute yourself (nobody can unmute someone else). */
    'producer.resume': request({ data: ProducerTarget, reply: Done, access: STAGE }),
    /** Ask to hear a producer; the consumer is created paused and resumed by `consumer.resume`. */
    'consumer.create': request({
      data: z.strictObject({ transportId: Id, producerId: Id, rtpCapabilities: RtpCapabilitiesSchema }),
      reply: ConsumerSchema,
      access: EVERY_MEMBER,
    }),
    'consumer.resume': request({ data: z.strictObject({ consumerId: Id }), reply: Done, access: EVERY_MEMBER }),
  },
  events: {
    /** Someone on the Stage started sending audio. */
    'producer.added': ProducerInfoSchema,
    'producer.removed': z.object({ producerId: z.string() }),
    'producer.paused': z.object({ producerId: z.string(), paused: z.boolean() }),
    /** The server closed one of this client's consumers (its producer went away). */
    'consumer.closed': z.object({ consumerId: z.string() }),
    /** The Space moved to a new media router (its worker died): set up transports again. */
    'space.mediarestart': z.object({ routerRtpCapabilities: RtpCapabilitiesSchema }),
  },
});
