// Runtime schemas for the mediasoup parameters that cross the wire. They check shape and bound sizes;
// mediasoup itself checks meaning, and its refusals come back as `media_error`.
import { z } from 'zod';

const Str = z.string().max(256);
const SmallInt = z.number().int().min(0).max(2 ** 32);
const Params = z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()]));

const RtcpFeedback = z.looseObject({ type: Str, parameter: Str.optional() });

const RtpCodecCapability = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: Str,
  preferredPayloadType: SmallInt.optional(),
  clockRate: SmallInt,
  channels: SmallInt.optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const HeaderExtensionCapability = z.looseObject({
  kind: z.enum(['audio', 'video']),
  uri: Str,
  preferredId: SmallInt,
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(RtpCodecCapability).max(128).optional(),
  headerExtensions: z.array(HeaderExtensionCapability).max(64).optional(),
});

const RtpCodecParameters = z.looseObject({
  mimeType: Str,
  payloadType: SmallInt,
  clockRate: SmallInt,
  channels: SmallInt.optional(),
  parameters: Params.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

export const RtpParametersSchema = z.looseObject({
  mid: Str.optional(),
  codecs: z.array(RtpCodecParameters).min(1).max(16),
  headerExtensions: z
    .array(z.looseObject({ uri: Str, id: SmallInt, encrypt: z.boolean().optional(), parameters: Params.optional() }))
    .max(32)
    .optional(),
  encodings: z.array(z.looseObject({ ssrc: SmallInt.optional() })).max(8).optional(),
  rtcp: z.looseObject({ cname: Str.optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.object({ algorithm: Str, value: z.string().max(512) })).min(1).max(8),
});

export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilitiesSchema>;
export type RtpParametersWire = z.infer<typeof RtpParametersSchema>;
export type DtlsParametersWire = z.infer<typeof DtlsParametersSchema>;

/** What the server sends so a client can build a WebRTC transport. */
export const TransportOptionsSchema = z.object({
  id: z.string(),
  iceParameters: z.object({ usernameFragment: z.string(), password: z.string(), iceLite: z.boolean().optional() }),
  iceCandidates: z
    .array(
      z.looseObject({
        foundation: z.string(),
        priority: z.number(),
        ip: z.string(),
        protocol: z.enum(['udp', 'tcp']),
        port: z.number().int(),
        type: z.string(),
        tcpType: z.string().optional(),
      }),
    )
    .max(64),
  dtlsParameters: DtlsParametersSchema,
});
export type TransportOptionsWire = z.infer<typeof TransportOptionsSchema>;
