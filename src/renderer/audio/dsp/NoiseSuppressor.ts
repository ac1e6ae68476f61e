// RNNoise noise suppression as a chain stage, on whole 10 ms frames (480 samples at 48 kHz). It runs the
// WebAssembly build of RNNoise that @sapphi-red/web-noise-suppressor ships (Shiguredo's rnnoise-wasm),
// instantiated here directly, so it runs in the console's chain worker and in Node alike: that package's
// own AudioWorklet re-buffers 128-sample render quanta and adds 512 samples of delay on top of RNNoise's.
import type { AudioStage } from './decibels';

/** RNNoise's frame: 10 ms at 48 kHz, the only rate it knows. */
export const RNNOISE_FRAME = 480;
/** RNNoise works on 16-bit sample values. */
const SCALE = 32767;

interface RnnoiseExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  emscripten_stack_init(): void;
  rnnoise_create(model: number): number;
  rnnoise_destroy(state: number): void;
  rnnoise_process_frame(state: number, out: number, input: number): number;
  malloc(bytes: number): number;
  free(pointer: number): void;
}

/** One loaded instance of the RNNoise module; each NoiseSuppressor takes a denoiser state from it. */
export class Rnnoise {
  readonly #exports: RnnoiseExports;

  private constructor(exports: RnnoiseExports) {
    this.#exports = exports;
  }

  /** Instantiates the module from its .wasm bytes (`loadRnnoise` picks the SIMD build where it runs). */
  static async load(binary: BufferSource): Promise<Rnnoise> {
    let memory: WebAssembly.Memory | undefined;
    const env = {
      emscripten_memcpy_big: (dest: number, src: number, count: number) => {
        new Uint8Array(memory!.buffer).copyWithin(dest, src, src + count);
      },
      emscripten_resize_heap: (requested: number) => {
        const grow = Math.ceil((requested - memory!.buffer.byteLength) / 65536);
        try {
          memory!.grow(grow);
          return 1;
        } catch {
          return 0;
        }
      },
      __assert_fail: () => {
        throw new Error('RNNoise failed an internal check');
      },
    };
    const { instance } = await WebAssembly.instantiate(binary, { env });
    const exports = instance.exports as unknown as RnnoiseExports;
    memory = exports.memory;
    exports.emscripten_stack_init();
    exports.__wasm_call_ctors();
    return new Rnnoise(exports);
  }

  /** A denoiser: its state and its two frame buffers inside the module's memory. */
  createDenoiser(): { process(frame: Float32Array): number; destroy(): void } {
    const e = this.#exports;
    const state = e.rnnoise_create(0);
    const input = e.malloc(RNNOISE_FRAME * 4);
    const output = e.malloc(RNNOISE_FRAME * 4);
    if (!state || !input || !output) throw new Error('RNNoise could not allocate its state');
    let destroyed = false;
    return {
      process(frame: Float32Array): number {
        // The memory may have grown (and its buffer changed) since the last frame.
        const heap = new Float32Array(e.memory.buffer);
        for (let i = 0; i < RNNOISE_FRAME; i++) heap[input / 4 + i] = frame[i]! * SCALE;
        const voice = e.rnnoise_process_frame(state, output, input);
        const out = new Float32Array(e.memory.buffer, output, RNNOISE_FRAME);
        for (let i = 0; i < RNNOISE_FRAME; i++) frame[i] = out[i]! / SCALE;
        return voice;
      },
      destroy() {
        if (destroyed) return;
        destroyed = true;
        e.rnnoise_destroy(state);
        e.free(input);
        e.free(output);
      },
    };
  }
}

/**
 * The stage: whole frames go straight through RNNoise, so blocks of 480 samples (the 10 ms a capture
 * delivers, at 48 kHz) add nothing to RNNoise's own delay. Blocks of any other size are re-framed, which
 * costs one more frame of delay.
 */
export class NoiseSuppressor implements AudioStage {
  readonly #rnnoise: Rnnoise;
  #denoiser: ReturnType<Rnnoise['createDenoiser']>;
  /** Input waiting to fill a frame. */
  readonly #pending = new Float32Array(RNNOISE_FRAME);
  #pendingLength = 0;
  /** Denoised samples waiting to go out (a queue over a ring). */
  readonly #ready = new Float32Array(RNNOISE_FRAME * 4);
  #readyStart = 0;
  #readyLength = 0;
  /** Set once a block that is not a whole number of frames has been seen: from then on, re-frame. */
  #reframing = false;
  /** The voice probability RNNoise gave the last frame (0-1). */
  voiceProbability = 0;

  constructor(rnnoise: Rnnoise) {
    this.#rnnoise = rnnoise;
    this.#denoiser = rnnoise.createDenoiser();
  }

  /** Samples this stage delays the audio by, beyond RNNoise's own 10 ms. */
  get latency(): number {
    return this.#reframing ? RNNOISE_FRAME : 0;
  }

  process(block: Float32Array): void {
    if (!this.#reframing && block.length % RNNOISE_FRAME === 0) {
      for (let at = 0; at < block.length; at += RNNOISE_FRAME) {
        this.voiceProbability = this.#denoiser.process(block.subarray(at, at + RNNOISE_FRAME));
      }
      return;
    }
    if (block.length > 3 * RNNOISE_FRAME) throw new Error(`noise suppression takes blocks of up to ${3 * RNNOISE_FRAME} samples, not ${block.length}`);
    if (!this.#reframing) {
      // One frame of silence ahead of the first re-framed block keeps the queue from running dry.
      this.#reframing = true;
      this.#push(new Float32Array(RNNOISE_FRAME));
    }
    for (let i = 0; i < block.length; i++) {
      this.#pending[this.#pendingLength++] = block[i]!;
      if (this.#pendingLength === RNNOISE_FRAME) {
        this.voiceProbability = this.#denoiser.process(this.#pending);
        this.#push(this.#pending);
        this.#pendingLength = 0;
      }
    }
    for (let i = 0; i < block.length; i++) {
      block[i] = this.#ready[this.#readyStart]!;
      this.#readyStart = (this.#readyStart + 1) % this.#ready.length;
      this.#readyLength--;
    }
  }

  reset(): void {
    this.#denoiser.destroy();
    this.#denoiser = this.#rnnoise.createDenoiser();
    this.#pendingLength = 0;
    this.#readyStart = this.#readyLength = 0;
    this.#reframing = false;
  }

  destroy(): void {
    this.#denoiser.destroy();
  }

  #push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      this.#ready[(this.#readyStart + this.#readyLength) % this.#ready.length] = samples[i]!;
      this.#readyLength++;
    }
  }
}
