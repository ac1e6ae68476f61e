// AudioWorklet: a recording tap. Collects its mono input into 100 ms chunks and posts each, with the
// audio clock's frame of its first sample, to the main thread (the buffer is transferred, not copied).
import { worklet } from '../audio/worklet-scope';
import type { TapCommand, TapMessage } from './messages';

class RecorderTapProcessor extends worklet.AudioWorkletProcessor {
  /** 100 ms: small enough that a crash loses little, large enough to keep messages few. */
  readonly #size = Math.round(worklet.sampleRate / 10);
  #chunk = new Float32Array(this.#size);
  #filled = 0;
  #firstFrame = 0;
  #stopped = false;

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (event: MessageEvent<TapCommand>) => {
      this.#post();
      // Port messages keep their order: the Recorder sees the last chunk before this answer.
      this.port.postMessage({ type: 'flushed' } satisfies TapMessage);
      if (event.data.type === 'stop') this.#stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.#stopped) return false;
    const input = inputs[0]?.[0];
    const frames = input?.length ?? 128;
    let offset = 0;
    while (offset < frames) {
      if (this.#filled === 0) this.#firstFrame = worklet.currentFrame + offset;
      const n = Math.min(frames - offset, this.#size - this.#filled);
      // No input connected (a track that has not started) records as silence.
      if (input) this.#chunk.set(input.subarray(offset, offset + n), this.#filled);
      else this.#chunk.fill(0, this.#filled, this.#filled + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === this.#size) this.#post();
    }
    return true;
  }

  #post(): void {
    if (this.#filled === 0) return;
    const samples = this.#filled === this.#size ? this.#chunk : this.#chunk.slice(0, this.#filled);
    const message: TapMessage = { type: 'chunk', frame: this.#firstFrame, samples };
    this.port.postMessage(message, [samples.buffer]);
    this.#chunk = new Float32Array(this.#size);
    this.#filled = 0;
  }
}

worklet.registerProcessor('hostline-recorder-tap', RecorderTapProcessor);
