// The embedded caption engine: Debian's pocketsphinx (libpocketsphinx3, the 5prealpha API) with its
// US English model, called through koffi. Each stream is one decoder (~90 MB after the first ~150);
// decoding is synchronous, so it runs in the caption worker process, never on the SFU's event loop.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CaptionEngine, Recognition, RecognisedWord, RecognitionStream } from './CaptionEngine.js';

/** Where Debian's pocketsphinx-en-us puts the model. */
export const POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
/** The Debian packages the engine needs, for the error that names them. */
export const POCKETSPHINX_PACKAGES = ['libpocketsphinx3', 'libsphinxbase3', 'pocketsphinx-en-us'] as const;
/** pocketsphinx counts time in frames of 10 ms. */
const FRAME_MS = 10;

type Pointer = object;
interface Native {
  init(argv: string[]): Pointer;
  startUtt(ps: Pointer): number;
  processRaw(ps: Pointer, samples: Int16Array): number;
  endUtt(ps: Pointer): number;
  hyp(ps: Pointer): string | null;
  words(ps: Pointer): RecognisedWord[];
  free(ps: Pointer): void;
  /** The decoder's running cepstral mean (what it adapted to its voice), or undefined if unreadable. */
  getCmn(ps: Pointer): CepstralMean | undefined;
  setCmn(ps: Pointer, cmn: CepstralMean): void;
}

/** sphinxbase's live cepstral mean normalisation state (cmn_t): the mean, its running sum, frames in it. */
interface CepstralMean {
  mean: number[];
  sum: number[];
  frames: number;
}

let native: Native | undefined;

/** Why the engine cannot run here, with the command that fixes it; undefined when it can. */
export function pocketsphinxMissing(): string | undefined {
  const model = `${POCKETSPHINX_MODEL_DIR}/en-us.lm.bin`;
  try {
    loadNative();
  } catch (error) {
    return `pocketsphinx is not installed (${error instanceof Error ? error.message : String(error)}): run as root \`apt-get install -y ${POCKETSPHINX_PACKAGES.join(' ')}\``;
  }
  if (!existsSync(model)) return `the pocketsphinx model is missing (${model}): run as root \`apt-get install -y pocketsphinx-en-us\``;
  return undefined;
}

function loadNative(): Native {
  if (native) return native;
  // koffi is CommonJS; the server bundle is ESM.
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  const sphinxbase = koffi.load('libsphinxbase.so.3');
  const ps = koffi.load('libpocketsphinx.so.3');
  const psArgs = ps.func('void *ps_args()');
  const parse = sphinxbase.func('void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)');
  const psInit = ps.func('void *ps_init(void *config)');
  const startUtt = ps.func('int ps_start_utt(void *ps)');
  const processRaw = ps.func('int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)');
  const endUtt = ps.func('int ps_end_utt(void *ps)');
  const getHyp = ps.func('const char *ps_get_hyp(void *ps, int32_t *score)');
  const segIter = ps.func('void *ps_seg_iter(void *ps)');
  const segNext = ps.func('void *ps_seg_next(void *seg)');
  const segWord = ps.func('const char *ps_seg_word(void *seg)');
  const segFrames = ps.func('void ps_seg_frames(void *seg, _Out_ int *sf, _Out_ int *ef)');
  const psFree = ps.func('int ps_free(void *ps)');
  // The cepstral mean lives in the decoder's feature computer: feat_t (sphinxbase/feat.h) up to its
  // cmn_struct, and cmn_t (sphinxbase/cmn.h), as laid out by libsphinxbase3 0.8+5prealpha.
  const getFeat = ps.func('void *ps_get_feat(void *ps)');
  const FeatHead = koffi.struct('hostline_feat_head', {
    refcount: 'int', name: 'void *', cepsize: 'int32_t', n_stream: 'int32_t', stream_len: 'void *', window_size: 'int32_t', n_sv: 'int32_t',
    sv_len: 'void *', subvecs: 'void *', sv_buf: 'void *', sv_dim: 'int32_t', cmn: 'int', varnorm: 'int32_t', agc: 'int', compute_feat: 'void *',
    cmn_struct: 'void *',
  });
  const Cmn = koffi.struct('hostline_cmn', { cmn_mean: 'void *', cmn_var: 'void *', sum: 'void *', nframe: 'int32_t', veclen: 'int32_t' });
  type FeatHeadValue = { cepsize: number; cmn_struct: Pointer | null };
  type CmnValue = { cmn_mean: Pointer | null; sum: Pointer | null; nframe: number; veclen: number };
  const cmnOf = (decoder: Pointer): { ptr: Pointer; value: CmnValue } | undefined => {
    const feat = getFeat(decoder) as Pointer | null;
    if (!feat) return undefined;
    const head = koffi.decode(feat, FeatHead) as FeatHeadValue;
    if (!head.cmn_struct) return undefined;
    const value = koffi.decode(head.cmn_struct, Cmn) as CmnValue;
    // Only a layout that reads back sensibly is trusted: one mean per cepstral coefficient.
    if (!value.cmn_mean || !value.sum || value.veclen !== head.cepsize || value.veclen < 1 || value.veclen > 64) return undefined;
    return { ptr: head.cmn_struct, value };
  };
  const nframeOffset = koffi.offsetof(Cmn, 'nframe');
  native = {
    init(argv) {
      const config = parse(null, psArgs(), argv.length, argv, 1) as Pointer | null;
      if (!config) throw new Error(`pocketsphinx refused its arguments: ${argv.join(' ')}`);
      const decoder = psInit(config) as Pointer | null;
      if (!decoder) throw new Error('pocketsphinx could not load its model');
      return decoder;
    },
    startUtt: (decoder) => startUtt(decoder) as number,
    processRaw: (decoder, samples) => processRaw(decoder, samples, samples.length, 0, 0) as number,
    endUtt: (decoder) => endUtt(decoder) as number,
    hyp: (decoder) => getHyp(decoder, null) as string | null,
    words(decoder) {
      const words: RecognisedWord[] = [];
      for (let seg = segIter(decoder) as Pointer | null; seg; seg = segNext(seg) as Pointer | null) {
        const word = segWord(seg) as string;
        const start = [0];
        const end = [0];
        segFrames(seg, start, end);
        words.push({ word, startMs: start[0]! * FRAME_MS, endMs: (end[0]! + 1) * FRAME_MS });
      }
      return words;
    },
    free: (decoder) => void psFree(decoder),
    getCmn(decoder) {
      const cmn = cmnOf(decoder);
      if (!cmn) return undefined;
      const { cmn_mean, sum, nframe, veclen } = cmn.value;
      return { mean: [...(koffi.decode(cmn_mean!, 'float', veclen) as number[])], sum: [...(koffi.decode(sum!, 'float', veclen) as number[])], frames: nframe };
    },
    setCmn(decoder, state) {
      const cmn = cmnOf(decoder);
      if (!cmn || state.mean.length !== cmn.value.veclen) return;
      koffi.encode(cmn.value.cmn_mean!, koffi.array('float', state.mean.length), state.mean);
      koffi.encode(cmn.value.sum!, koffi.array('float', state.sum.length), state.sum);
      koffi.encode(cmn.ptr, nframeOffset, 'int32_t', state.frames);
    },
  };
  return native;
}

/** Fillers pocketsphinx reports as words: silence, breath, noise. */
function isFiller(word: string): boolean {
  return word.startsWith('<') || word.startsWith('[') || word.startsWith('+');
}

/** Drops the `(2)` pronunciation-variant suffix pocketsphinx adds to some words. */
function baseWord(word: string): string {
  return word.replace(/\(\d+\)$/, '');
}

/** The seed each utterance's dither starts from: the same audio always gets the same dither. */
const DITHER_SEED = 0x2545f491;

/**
 * Pocketsphinx's own `-dither` draws from one generator for the whole process, so with two talkers the
 * noise each decoder got depended on how their packets interleaved (on timing): the same noisy speech
 * scored 19 % or 37 % WER from one run to the next. This adds the same half-bit noise (one in four
 * samples raised by one, as sphinxbase does, so no frame is digital silence) from a generator per
 * stream, restarted with every utterance.
 */
class Dither {
  #state = DITHER_SEED;

  restart(): void {
    this.#state = DITHER_SEED;
  }

  apply(samples: Int16Array): Int16Array {
    const out = new Int16Array(samples.length);
    let x = this.#state;
    for (let i = 0; i < samples.length; i++) {
      // xorshift32
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const s = samples[i]!;
      out[i] = (x & 3) === 0 && s < 32767 ? s + 1 : s;
    }
    this.#state = x;
    return out;
  }
}

class PocketsphinxStream implements RecognitionStream {
  /** The native decoder; undefined once closed. */
  #decoder: Pointer | undefined;
  readonly #native: Native;
  #inUtterance = false;
  /** Samples fed over the decoder's life: its segment frames count from its first utterance. */
  #samplesFed = 0;
  /** `#samplesFed` when the current utterance began. */
  #utteranceOffset = 0;
  readonly #dither = new Dither();

  /** The cepstral mean of a fresh decoder (the model's -cmninit): where a new voice starts from. */
  readonly #initialCmn: CepstralMean | undefined;

  constructor(nativeLib: Native, argv: string[]) {
    this.#native = nativeLib;
    this.#decoder = nativeLib.init(argv);
    this.#initialCmn = nativeLib.getCmn(this.#decoder);
  }

  /** The cepstral mean this decoder adapted to its talker's voice (and room, and microphone). */
  adaptation(): unknown {
    return this.#decoder ? this.#native.getCmn(this.#decoder) : undefined;
  }

  adapt(state: unknown): void {
    const cmn = (state as CepstralMean | undefined) ?? this.#initialCmn;
    if (cmn && this.#decoder && !this.#inUtterance) this.#native.setCmn(this.#decoder, cmn);
  }

  #live(): Pointer {
    if (!this.#decoder) throw new Error('this recognition stream is closed');
    return this.#decoder;
  }

  startUtterance(): void {
    const decoder = this.#live();
    if (this.#inUtterance) this.#native.endUtt(decoder);
    if (this.#native.startUtt(decoder) < 0) throw new Error('pocketsphinx could not start an utterance');
    this.#inUtterance = true;
    this.#utteranceOffset = this.#samplesFed;
    this.#dither.restart();
  }

  write(samples: Int16Array): void {
    if (!this.#inUtterance) this.startUtterance();
    if (this.#native.processRaw(this.#live(), this.#dither.apply(samples)) < 0) throw new Error('pocketsphinx could not process audio');
    this.#samplesFed += samples.length;
  }

  partial(): string | null {
    if (!this.#inUtterance) return null;
    return this.#native.hyp(this.#live()) ?? '';
  }

  async endUtterance(): Promise<Recognition> {
    const decoder = this.#live();
    if (!this.#inUtterance) return { text: '', words: [] };
    this.#native.endUtt(decoder);
    this.#inUtterance = false;
    const offsetMs = (this.#utteranceOffset / 16000) * 1000;
    const words = this.#native
      .words(decoder)
      .filter((w) => !isFiller(w.word))
      .map((w) => ({ word: baseWord(w.word), startMs: Math.max(0, w.startMs - offsetMs), endMs: Math.max(0, w.endMs - offsetMs) }));
    return { text: words.map((w) => w.word).join(' '), words };
  }

  close(): void {
    if (!this.#decoder) return;
    if (this.#inUtterance) this.#native.endUtt(this.#decoder);
    this.#native.free(this.#decoder);
    this.#decoder = undefined;
  }
}

export class PocketsphinxEngine implements CaptionEngine {
  readonly name = 'pocketsphinx (Debian en-us)';
  readonly sampleRate = 16000 as const;
  readonly streamsPartials = true;
  readonly #argv: string[];

  constructor(options: { modelDir?: string } = {}) {
    const missing = pocketsphinxMissing();
    if (missing) throw new Error(missing);
    const dir = options.modelDir ?? POCKETSPHINX_MODEL_DIR;
    this.#argv = ['-hmm', `${dir}/en-us`, '-lm', `${dir}/en-us.lm.bin`, '-dict', `${dir}/cmudict-en-us.dict`, '-logfn', '/dev/null', '-dither', 'no',
      // Narrower beams: 40 % less CPU on noisy speech, the same words on our test speech (README).
      '-maxhmmpf', '3000', '-maxwpf', '10'];
  }

  openStream(): RecognitionStream {
    return new PocketsphinxStream(loadNative(), this.#argv);
  }

  close(): void {}
}
