// WAV files for recording: a streaming mono float32 writer whose header is kept valid as it grows (so a
// crash leaves a playable file), header repair from the file's length, and a 24-bit PCM export writer.
import { open, type FileHandle } from 'node:fs/promises';

/** RIFF + fmt (18 bytes, float) + fact + data headers of a float32 file. */
export const FLOAT_HEADER_BYTES = 58;
/** RIFF + fmt (16 bytes, PCM) + data headers of a PCM file. */
export const PCM_HEADER_BYTES = 44;
/** Zeros are written in pieces of this size, so a late joiner's padding never needs one huge buffer. */
const ZERO_PIECE = Buffer.alloc(1 << 20);

/** The header of a mono float32 WAV holding `frames` samples. */
export function floatWavHeader(sampleRate: number, frames: number): Buffer {
  const data = frames * 4;
  const h = Buffer.alloc(FLOAT_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(FLOAT_HEADER_BYTES - 8 + data, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(18, 16);
  h.writeUInt16LE(3, 20); // WAVE_FORMAT_IEEE_FLOAT
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(32, 34);
  h.writeUInt16LE(0, 36);
  h.write('fact', 38, 'ascii');
  h.writeUInt32LE(4, 42);
  h.writeUInt32LE(frames, 46);
  h.write('data', 50, 'ascii');
  h.writeUInt32LE(data, 54);
  return h;
}

/** The header of a mono 24-bit PCM WAV holding `frames` samples. */
export function pcm24WavHeader(sampleRate: number, frames: number): Buffer {
  const data = frames * 3;
  const h = Buffer.alloc(PCM_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 3, 28);
  h.writeUInt16LE(3, 32);
  h.writeUInt16LE(24, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data, 40);
  return h;
}

/** Patches the three size fields of a float32 file of ours. */
async function patchFloatSizes(fh: FileHandle, frames: number): Promise<void> {
  const header = floatWavHeader(0, frames);
  await fh.write(header, 4, 4, 4);
  await fh.write(header, 46, 4, 46);
  await fh.write(header, 54, 4, 54);
}

/**
 * Makes an interrupted float32 track whole: cuts a torn last sample, writes the sizes the file's length
 * implies. Returns the frames it holds.
 */
export async function repairFloatWav(path: string): Promise<number> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    if (size < FLOAT_HEADER_BYTES) {
      // Died before the header reached the disk: rewrite it over an empty track.
      await fh.truncate(0);
      await fh.write(floatWavHeader(48_000, 0), 0, FLOAT_HEADER_BYTES, 0);
      await fh.datasync();
      return 0;
    }
    const frames = Math.floor((size - FLOAT_HEADER_BYTES) / 4);
    await fh.truncate(FLOAT_HEADER_BYTES + frames * 4);
    await patchFloatSizes(fh, frames);
    await fh.datasync();
    return frames;
  } finally {
    await fh.close();
  }
}

/** Extends one of our float32 files with silence to `frames` (recovered tracks end together). */
export async function padFloatWav(path: string, frames: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    const have = Math.floor((size - FLOAT_HEADER_BYTES) / 4);
    if (have >= frames) return;
    for (let at = FLOAT_HEADER_BYTES + have * 4, end = FLOAT_HEADER_BYTES + frames * 4; at < end; at += ZERO_PIECE.length) {
      await fh.write(ZERO_PIECE, 0, Math.min(ZERO_PIECE.length, end - at), at);
    }
    await patchFloatSizes(fh, frames);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Reads the frame count and data offset of one of our float32 files (for export and the library). */
export async function readFloatWavFrames(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    return Math.max(0, Math.floor((size - FLOAT_HEADER_BYTES) / 4));
  } finally {
    await fh.close();
  }
}

/**
 * One track being recorded. Writes land at their place in the file (a gap before them is filled with
 * silence, an overlap is dropped); `flush()` patches the header and syncs to disk. Calls are queued, so
 * callers never await individual writes.
 */
export class WavTrackWriter {
  readonly path: string;
  readonly #fh: FileHandle;
  /** Frames that will be in the file once the queue has drained. */
  #frames = 0;
  /** Frames the header last claimed on disk. */
  #syncedFrames = -1;
  /** Every file operation, in order. */
  #queue: Promise<void> = Promise.resolve();
  /** The first failure; every later call reports it. */
  #error: Error | undefined;
  #closed = false;

  private constructor(path: string, fh: FileHandle) {
    this.path = path;
    this.#fh = fh;
  }

  static async create(path: string, sampleRate: number): Promise<WavTrackWriter> {
    const fh = await open(path, 'wx');
    await fh.write(floatWavHeader(sampleRate, 0), 0, FLOAT_HEADER_BYTES, 0);
    await fh.datasync();
    return new WavTrackWriter(path, fh);
  }

  /** Frames written or queued. */
  get frames(): number {
    return this.#frames;
  }
  get error(): Error | undefined {
    return this.#error;
  }

  /** Places float32 little-endian samples at `position` (frames from the start of the track). */
  write(position: number, bytes: Uint8Array): void {
    if (this.#closed) throw new Error(`track ${this.path} is closed`);
    let data = bytes;
    if (position < this.#frames) {
      const skip = (this.#frames - position) * 4;
      if (skip >= data.byteLength) return;
      data = data.subarray(skip);
      position = this.#frames;
    }
    if (position > this.#frames) this.padTo(position);
    const at = FLOAT_HEADER_BYTES + this.#frames * 4;
    this.#frames += data.byteLength / 4;
    this.#enqueue(async () => {
      await this.#fh.write(data, 0, data.byteLength, at);
    });
  }

  /** Fills with silence up to `frames`. */
  padTo(frames: number): void {
    if (frames <= this.#frames) return;
    let at = FLOAT_HEADER_BYTES + this.#frames * 4;
    const end = FLOAT_HEADER_BYTES + frames * 4;
    this.#frames = frames;
    this.#enqueue(async () => {
      while (at < end) {
        const n = Math.min(ZERO_PIECE.length, end - at);
        await this.#fh.write(ZERO_PIECE, 0, n, at);
        at += n;
      }
    });
  }

  /** Cuts the track to `frames` (the recording's agreed end), if it is longer. */
  truncateTo(frames: number): void {
    if (frames >= this.#frames) return;
    this.#frames = Math.max(0, frames);
    const size = FLOAT_HEADER_BYTES + this.#frames * 4;
    this.#enqueue(async () => {
      await this.#fh.truncate(size);
    });
  }

  /** Makes what was written so far durable: header sizes patched, data synced. */
  flush(): Promise<void> {
    this.#enqueue(async () => {
      const frames = this.#frames;
      if (frames === this.#syncedFrames) return;
      await patchFloatSizes(this.#fh, frames);
      await this.#fh.datasync();
      this.#syncedFrames = frames;
    });
    return this.#settled();
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#settled();
    await this.flush().catch(() => undefined);
    this.#closed = true;
    await this.#queue;
    await this.#fh.close().catch(() => undefined);
    if (this.#error) throw this.#error;
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#error) return;
      try {
        await step();
      } catch (error) {
        this.#error = error as Error;
      }
    });
  }

  async #settled(): Promise<void> {
    await this.#queue;
    if (this.#error) throw this.#error;
  }
}

/** Writes a mono 24-bit PCM file from float samples, in pieces (export). */
export class Pcm24Writer {
  readonly #fh: FileHandle;
  readonly #rate: number;
  #frames = 0;

  private constructor(fh: FileHandle, rate: number) {
    this.#fh = fh;
    this.#rate = rate;
  }

  static async create(path: string, sampleRate: number): Promise<Pcm24Writer> {
    const fh = await open(path, 'w');
    await fh.write(pcm24WavHeader(sampleRate, 0), 0, PCM_HEADER_BYTES, 0);
    return new Pcm24Writer(fh, sampleRate);
  }

  async write(samples: Float32Array): Promise<void> {
    const out = Buffer.alloc(samples.length * 3);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      // Clamp: float tracks can exceed full scale (a loud mix); PCM cannot.
      const v = Math.round(Math.max(-1, Math.min(1, Number.isFinite(s) ? s : 0)) * 8388607);
      out.writeIntLE(v, i * 3, 3);
    }
    await this.#fh.write(out, 0, out.length, PCM_HEADER_BYTES + this.#frames * 3);
    this.#frames += samples.length;
  }

  async close(): Promise<number> {
    await this.#fh.write(pcm24WavHeader(this.#rate, this.#frames), 0, PCM_HEADER_BYTES, 0);
    await this.#fh.close();
    return this.#frames;
  }
}

/** Reads frames [from, to) of one of our float32 files, in pieces of `piece` frames. */
export async function* readFloatFrames(path: string, from: number, to: number, piece = 48_000): AsyncGenerator<Float32Array> {
  const fh = await open(path, 'r');
  try {
    for (let at = from; at < to; at += piece) {
      const n = Math.min(piece, to - at);
      const buf = Buffer.alloc(n * 4);
      const { bytesRead } = await fh.read(buf, 0, n * 4, FLOAT_HEADER_BYTES + at * 4);
      // A track shorter than the range (it stopped early) reads as silence.
      const out = new Float32Array(n);
      const got = Math.floor(bytesRead / 4);
      for (let i = 0; i < got; i++) out[i] = buf.readFloatLE(i * 4);
      yield out;
    }
  } finally {
    await fh.close();
  }
}
