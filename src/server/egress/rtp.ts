// Reads one RTP packet (RFC 3550) as mediasoup delivers it to a plain UDP socket: the fixed header,
// CSRCs, one- or two-byte header extensions (RFC 8285) and padding, leaving the codec payload. The
// ssrc-audio-level extension (RFC 6464) is read out when its id is given: level and voice activity.

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** The codec payload (a view into the datagram, without padding). */
  payload: Buffer;
  /** From ssrc-audio-level: the level in -dBov (0 loudest, 127 silence), and the sender's voice flag. */
  audioLevel?: { dBov: number; voice: boolean };
}

/** True for RTCP sent over the same port (rtcp-mux): packet types 192–223 in the second byte. */
export function isRtcp(datagram: Buffer): boolean {
  return datagram.length >= 2 && datagram[1]! >= 192 && datagram[1]! <= 223;
}

/** Parses an RTP datagram; undefined for anything that is not well-formed RTP version 2. */
export function parseRtp(datagram: Buffer, audioLevelId?: number): RtpHeader | undefined {
  if (datagram.length < 12 || datagram[0]! >> 6 !== 2) return undefined;
  const first = datagram[0]!;
  const padding = (first & 0x20) !== 0;
  const extension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  let offset = 12 + 4 * csrcCount;
  let audioLevel: RtpHeader['audioLevel'];
  if (extension) {
    if (datagram.length < offset + 4) return undefined;
    const profile = datagram.readUInt16BE(offset);
    const words = datagram.readUInt16BE(offset + 2);
    const start = offset + 4;
    const end = start + 4 * words;
    if (end > datagram.length) return undefined;
    if (audioLevelId !== undefined) audioLevel = readAudioLevel(datagram, profile, start, end, audioLevelId);
    offset = end;
  }
  let length = datagram.length - offset;
  if (padding) {
    const pad = datagram[datagram.length - 1]!;
    if (pad === 0 || pad > length) return undefined;
    length -= pad;
  }
  if (length < 0) return undefined;
  return {
    payloadType: datagram[1]! & 0x7f,
    marker: (datagram[1]! & 0x80) !== 0,
    sequenceNumber: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    payload: datagram.subarray(offset, offset + length),
    ...(audioLevel ? { audioLevel } : {}),
  };
}

function readAudioLevel(datagram: Buffer, profile: number, start: number, end: number, id: number): RtpHeader['audioLevel'] {
  const oneByte = profile === 0xbede;
  const twoByte = (profile & 0xfff0) === 0x1000;
  if (!oneByte && !twoByte) return undefined;
  let i = start;
  while (i < end) {
    const b = datagram[i]!;
    if (b === 0) {
      i++; // padding between elements
      continue;
    }
    let elementId: number;
    let length: number;
    if (oneByte) {
      elementId = b >> 4;
      length = (b & 0x0f) + 1;
      if (elementId === 15) return undefined;
      i += 1;
    } else {
      if (i + 1 >= end) return undefined;
      elementId = b;
      length = datagram[i + 1]!;
      i += 2;
    }
    if (i + length > end) return undefined;
    if (elementId === id && length >= 1) {
      const value = datagram[i]!;
      return { dBov: value & 0x7f, voice: (value & 0x80) !== 0 };
    }
    i += length;
  }
  return undefined;
}
