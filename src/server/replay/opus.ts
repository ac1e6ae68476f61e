// What the replay needs to know of an Opus packet (RFC 6716 §3.1) without decoding it: how many
// samples it holds, and whether it is coded in stereo; plus silence packets to fill gaps with.

export const OPUS_RATE = 48_000;

/** Samples (at 48 kHz) of one frame, by TOC configuration number. */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4]!; // SILK: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config % 2]!; // hybrid: 10, 20 ms
  return [120, 240, 480, 960][config % 4]!; // CELT: 2.5, 5, 10, 20 ms
}

/** Samples (48 kHz) the packet decodes to, or 0 for a packet that is not valid Opus. */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length < 1) return 0;
  const toc = packet[0]!;
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1 || code === 2) frames = 2;
  else {
    if (packet.length < 2) return 0;
    frames = packet[1]! & 0x3f;
  }
  const samples = frames * frameSamples(toc >> 3);
  // A packet holds at most 120 ms.
  return samples > 5760 ? 0 : samples;
}

export function opusPacketIsStereo(packet: Buffer): boolean {
  return packet.length > 0 && (packet[0]! & 0x04) !== 0;
}

/**
 * CELT-only fullband mono packets that decode to digital silence (the range coder's first symbol is
 * the silence flag), one per frame size, longest first: 20, 10, 5 and 2.5 ms.
 */
const SILENCE: Array<{ samples: number; packet: Buffer }> = [
  { samples: 960, packet: Buffer.from([31 << 3, 0xff, 0xfe]) },
  { samples: 480, packet: Buffer.from([30 << 3, 0xff, 0xfe]) },
  { samples: 240, packet: Buffer.from([29 << 3, 0xff, 0xfe]) },
  { samples: 120, packet: Buffer.from([28 << 3, 0xff, 0xfe]) },
];

/** The finest step silence can fill, in samples (2.5 ms). */
export const SILENCE_STEP = 120;

/** Silence packets covering `samples` (rounded down to 2.5 ms), longest first. */
export function silencePackets(samples: number): Array<{ samples: number; packet: Buffer }> {
  const out: Array<{ samples: number; packet: Buffer }> = [];
  let left = Math.max(0, Math.floor(samples));
  for (const s of SILENCE) {
    while (left >= s.samples) {
      out.push(s);
      left -= s.samples;
    }
  }
  return out;
}
