// Decodes one talker's Opus packets with the system's libopus (Debian's libopus0) through koffi,
// straight to 16 kHz mono: libopus decodes any Opus stream at 8–48 kHz itself, band-limiting
// properly, so the recogniser's rate needs no resampler of our own. A lost packet is concealed
// (libopus's packet-loss concealment) so the recogniser never hears a hole.
import { createRequire } from 'node:module';

/** The longest Opus packet is 120 ms; at 16 kHz that is 1920 samples. */
const MAX_FRAME_SAMPLES = 1920;
export const DECODE_RATE = 16000;

type Pointer = object;
interface OpusNative {
  create(rate: number, channels: number): Pointer;
  decode(decoder: Pointer, packet: Uint8Array | null, out: Int16Array, frameSize: number): number;
  destroy(decoder: Pointer): void;
}

let native: OpusNative | undefined;

function loadOpus(): OpusNative {
  if (native) return native;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  let lib;
  try {
    lib = koffi.load('libopus.so.0');
  } catch (error) {
    throw new Error(`libopus is not installed (${error instanceof Error ? error.message : String(error)}): run as root \`apt-get install -y libopus0\``);
  }
  const create = lib.func('void *opus_decoder_create(int32_t fs, int channels, _Out_ int *error)');
  const decode = lib.func('int opus_decode(void *st, const uint8_t *data, int32_t len, _Out_ int16_t *pcm, int frame_size, int decode_fec)');
  const destroy = lib.func('void opus_decoder_destroy(void *st)');
  native = {
    create(rate, channels) {
      const error = [0];
      const decoder = create(rate, channels, error) as Pointer | null;
      if (!decoder || error[0] !== 0) throw new Error(`libopus refused a decoder (error ${error[0]})`);
      return decoder;
    },
    decode: (decoder, packet, out, frameSize) => decode(decoder, packet, packet?.length ?? 0, out, frameSize, 0) as number,
    destroy: (decoder) => void destroy(decoder),
  };
  return native;
}

export class OpusDecoder {
  readonly #native = loadOpus();
  /** The native decoder; undefined once closed. */
  #decoder: Pointer | undefined = this.#native.create(DECODE_RATE, 1);
  readonly #out = new Int16Array(MAX_FRAME_SAMPLES);
  /** Samples per frame of the last good packet, for concealing a loss of the same length. */
  #lastFrame = DECODE_RATE / 50;

  /** Decodes one packet to 16 kHz mono samples (a fresh array). A malformed packet is concealed. */
  decode(packet: Uint8Array): Int16Array {
    const decoder = this.#live();
    const n = this.#native.decode(decoder, packet, this.#out, MAX_FRAME_SAMPLES);
    if (n < 0) return this.conceal(1);
    this.#lastFrame = n;
    return this.#out.slice(0, n);
  }

  /** Stands in for `frames` lost packets with libopus's concealment. */
  conceal(frames: number): Int16Array {
    const decoder = this.#live();
    const out = new Int16Array(this.#lastFrame * frames);
    for (let i = 0; i < frames; i++) {
      const n = this.#native.decode(decoder, null, this.#out, this.#lastFrame);
      if (n > 0) out.set(this.#out.subarray(0, n), i * this.#lastFrame);
    }
    return out;
  }

  /** Forgets the stream's history (after a long gap, the next packet starts afresh). */
  reset(): void {
    this.close();
    this.#decoder = this.#native.create(DECODE_RATE, 1);
  }

  close(): void {
    if (this.#decoder) this.#native.destroy(this.#decoder);
    this.#decoder = undefined;
  }

  #live(): Pointer {
    if (!this.#decoder) throw new Error('this Opus decoder is closed');
    return this.#decoder;
  }
}
