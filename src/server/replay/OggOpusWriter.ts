// One speaker's Opus packets, stored as they came (no decoding, no re-encoding) in an Ogg Opus file
// (RFC 7845) whose granule positions are the replay's clock. Packets are buffered and written a page
// at a time by flush(); every page on disk is complete and checksummed, so a file cut short by a crash
// is a valid file up to its last flush, and `resume` continues it after a restart.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, no final xor. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(data: Buffer): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  return crc >>> 0;
}

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
const MAX_SEGMENTS = 255;

function page(serial: number, sequence: number, granule: bigint, flags: number, packets: Buffer[]): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[4] = 0;
  header[5] = flags;
  header.writeBigInt64LE(granule, 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  for (let i = 0; i < lacing.length; i++) header[27 + i] = lacing[i]!;
  const out = Buffer.concat([header, ...packets]);
  out.writeUInt32LE(oggCrc(out), 22);
  return out;
}

function segmentsOf(packet: Buffer): number {
  return Math.floor(packet.length / 255) + 1;
}

export interface OggOpusHead {
  channels: number;
  /** Written into the OpusTags header. */
  title: string;
}

function opusHead(channels: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1; // version
  head[9] = channels;
  head.writeUInt16LE(0, 10); // pre-skip: the stream is joined mid-way, there is no encoder priming to drop
  head.writeUInt32LE(48_000, 12);
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // mapping family 0: mono or stereo
  return head;
}

function opusTags(title: string): Buffer {
  const vendor = Buffer.from('Hostline replay');
  const comment = Buffer.from(`TITLE=${title}`);
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4 + 4 + comment.length);
  let o = tags.write('OpusTags', 0, 'latin1');
  o = tags.writeUInt32LE(vendor.length, o);
  o += vendor.copy(tags, o);
  o = tags.writeUInt32LE(1, o);
  o = tags.writeUInt32LE(comment.length, o);
  comment.copy(tags, o);
  return tags;
}

/** What a scan of an existing file found. */
interface Scan {
  /** Bytes of complete, valid pages from the start. */
  validBytes: number;
  serial: number;
  nextSequence: number;
  granule: number;
  headersComplete: boolean;
}

function scan(fd: number): Scan {
  const size = fstatSync(fd).size;
  const data = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, data, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  const result: Scan = { validBytes: 0, serial: 0, nextSequence: 0, granule: 0, headersComplete: false };
  let offset = 0;
  let pages = 0;
  while (offset + 27 <= read) {
    if (data.toString('latin1', offset, offset + 4) !== 'OggS') break;
    const segments = data[offset + 26]!;
    if (offset + 27 + segments > read) break;
    let body = 0;
    for (let i = 0; i < segments; i++) body += data[offset + 27 + i]!;
    const end = offset + 27 + segments + body;
    if (end > read) break;
    const pageBytes = Buffer.from(data.subarray(offset, end));
    const stored = pageBytes.readUInt32LE(22);
    pageBytes.writeUInt32LE(0, 22);
    if (oggCrc(pageBytes) !== stored) break;
    const granule = data.readBigInt64LE(offset + 6);
    if (granule >= 0n) result.granule = Number(granule);
    result.serial = data.readUInt32LE(offset + 14);
    result.nextSequence = data.readUInt32LE(offset + 18) + 1;
    pages++;
    offset = end;
    result.validBytes = end;
  }
  result.headersComplete = pages >= 2;
  return result;
}

export class OggOpusWriter {
  readonly path: string;
  readonly #fd: number;
  readonly #serial: number;
  #sequence: number;
  /** Samples written to disk (the last page's granule position). */
  #flushedGranule: number;
  /** Samples including the packets waiting for the next page. */
  #granule: number;
  /** Packets waiting for the next flush, each with the granule position at its end. */
  #pending: Array<{ packet: Buffer; granuleAfter: number }> = [];
  #bytes: number;
  #closed = false;

  private constructor(path: string, fd: number, serial: number, sequence: number, granule: number, bytes: number) {
    this.path = path;
    this.#fd = fd;
    this.#serial = serial;
    this.#sequence = sequence;
    this.#flushedGranule = granule;
    this.#granule = granule;
    this.#bytes = bytes;
  }

  /** Creates the file (replacing any) and writes the two Opus header pages. */
  static create(path: string, head: OggOpusHead): OggOpusWriter {
    const fd = openSync(path, 'w');
    const serial = (Math.random() * 0xffffffff) >>> 0;
    const headers = Buffer.concat([
      page(serial, 0, 0n, FLAG_BOS, [opusHead(head.channels)]),
      page(serial, 1, 0n, 0, [opusTags(head.title)]),
    ]);
    writeSync(fd, headers);
    return new OggOpusWriter(path, fd, serial, 2, 0, headers.length);
  }

  /**
   * Reopens a file written before a crash: keeps every complete page, cuts off a torn one at the end,
   * and carries on from the last granule position. Undefined when the file never got its headers.
   */
  static resume(path: string): OggOpusWriter | undefined {
    const fd = openSync(path, 'r+');
    const found = scan(fd);
    if (!found.headersComplete) {
      closeSync(fd);
      return undefined;
    }
    ftruncateSync(fd, found.validBytes);
    return new OggOpusWriter(path, fd, found.serial, found.nextSequence, found.granule, found.validBytes);
  }

  /** Samples (48 kHz) written or pending: where the next packet starts. */
  get granule(): number {
    return this.#granule;
  }

  /** Samples safely on disk. */
  get flushedGranule(): number {
    return this.#flushedGranule;
  }

  /** Bytes on disk. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Queues one packet of `samples` samples; it reaches the disk with the next flush. */
  write(packet: Buffer, samples: number): void {
    if (this.#closed) throw new Error(`${this.path} is closed`);
    this.#granule += samples;
    this.#pending.push({ packet, granuleAfter: this.#granule });
  }

  /** Writes the waiting packets as complete pages. `last` marks the end of the stream. */
  flush(last = false): void {
    if (this.#closed) return;
    if (this.#pending.length === 0 && !last) return;
    const pages: Buffer[] = [];
    let group: Array<{ packet: Buffer; granuleAfter: number }> = [];
    let segments = 0;
    const emit = (final: boolean) => {
      if (group.length === 0) return;
      pages.push(page(this.#serial, this.#sequence++, BigInt(group.at(-1)!.granuleAfter), final ? FLAG_EOS : 0, group.map((g) => g.packet)));
      group = [];
      segments = 0;
    };
    for (const pending of this.#pending) {
      const need = segmentsOf(pending.packet);
      if (segments + need > MAX_SEGMENTS) emit(false);
      group.push(pending);
      segments += need;
    }
    emit(last);
    this.#pending = [];
    if (pages.length === 0) return;
    const bytes = Buffer.concat(pages);
    // At an explicit offset: a resumed file is open read-write from its start.
    writeSync(this.#fd, bytes, 0, bytes.length, this.#bytes);
    this.#bytes += bytes.length;
    this.#flushedGranule = this.#granule;
  }

  /** Flushes (ending the stream when `last`) and closes the file. Idempotent. */
  close(last = true): void {
    if (this.#closed) return;
    this.flush(last);
    this.#closed = true;
    closeSync(this.#fd);
  }

  /** The file descriptor, for fdatasync by the owner. */
  get fd(): number {
    return this.#fd;
  }
}
