// Reads the Opus packets out of an Ogg Opus file (as ffmpeg writes it), to send real Opus as RTP in
// tests. Only for preparing test input: checks of what the server wrote use ffprobe, ffmpeg and sox.
import { readFileSync } from 'node:fs';

export function oggPackets(path: string): Buffer[] {
  const data = readFileSync(path);
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= data.length && data.toString('latin1', offset, offset + 4) === 'OggS') {
    const segments = data[offset + 26]!;
    const lacing = data.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const size of lacing) {
      partial.push(data.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    offset = body;
  }
  // The first two packets are the OpusHead and OpusTags headers.
  return packets.slice(2);
}
