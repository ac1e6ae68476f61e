// The RTP reader the stage tap uses: header fields, CSRCs, header extensions and padding.
import { describe, expect, it } from 'vitest';
import { isRtcp, parseRtp } from '../../src/server/egress/rtp';

function packet(options: { csrcs?: number; extension?: Buffer; padding?: number; payload?: Buffer; marker?: boolean } = {}): Buffer {
  const payload = options.payload ?? Buffer.from([1, 2, 3, 4]);
  const header = Buffer.alloc(12 + 4 * (options.csrcs ?? 0));
  header[0] = 0x80 | (options.padding ? 0x20 : 0) | (options.extension ? 0x10 : 0) | (options.csrcs ?? 0);
  header[1] = (options.marker ? 0x80 : 0) | 111;
  header.writeUInt16BE(65535, 2);
  header.writeUInt32BE(0xfffffff0, 4);
  header.writeUInt32BE(0xdeadbeef, 8);
  const pad = options.padding ? Buffer.concat([Buffer.alloc(options.padding - 1), Buffer.from([options.padding])]) : Buffer.alloc(0);
  return Buffer.concat([header, options.extension ?? Buffer.alloc(0), payload, pad]);
}

describe('parseRtp', () => {
  it('reads the fixed header and leaves the payload', () => {
    const rtp = parseRtp(packet({ marker: true }))!;
    expect(rtp).toMatchObject({ payloadType: 111, marker: true, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef });
    expect([...rtp.payload]).toEqual([1, 2, 3, 4]);
  });

  it('skips CSRCs and padding', () => {
    const rtp = parseRtp(packet({ csrcs: 2, padding: 3 }))!;
    expect([...rtp.payload]).toEqual([1, 2, 3, 4]);
  });

  it('reads the audio level from a one-byte header extension, among others', () => {
    // id 3 (2 bytes), then id 1 = audio level 0x80|42, then padding to the word.
    const extension = Buffer.from([0xbe, 0xde, 0x00, 0x02, 0x31, 0xaa, 0xbb, 0x10, 0x80 | 42, 0, 0, 0]);
    const rtp = parseRtp(packet({ extension }), 1)!;
    expect(rtp.audioLevel).toEqual({ dBov: 42, voice: true });
    expect([...rtp.payload]).toEqual([1, 2, 3, 4]);
    expect(parseRtp(packet({ extension }), 5)!.audioLevel).toBeUndefined();
  });

  it('reads the audio level from a two-byte header extension', () => {
    const extension = Buffer.from([0x10, 0x00, 0x00, 0x01, 7, 1, 20, 0]);
    expect(parseRtp(packet({ extension }), 7)!.audioLevel).toEqual({ dBov: 20, voice: false });
  });

  it('refuses what is not RTP: short, wrong version, extension or padding past the end', () => {
    expect(parseRtp(Buffer.alloc(11))).toBeUndefined();
    const v1 = packet();
    v1[0] = 0x40;
    expect(parseRtp(v1)).toBeUndefined();
    expect(parseRtp(packet({ extension: Buffer.from([0xbe, 0xde, 0x00, 0x09]), payload: Buffer.alloc(0) }))).toBeUndefined();
    const badPad = packet({ padding: 2 });
    badPad[badPad.length - 1] = 200;
    expect(parseRtp(badPad)).toBeUndefined();
  });

  it('tells RTCP from RTP on a muxed port', () => {
    expect(isRtcp(Buffer.from([0x80, 200, 0, 6]))).toBe(true);
    expect(isRtcp(packet())).toBe(false);
  });
});
