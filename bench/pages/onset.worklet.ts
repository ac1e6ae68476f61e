// AudioWorklet: reports the exact frame (on the AudioContext's clock) where a sound starts, that is where
// the signal first rises above a threshold after at least `quietMs` below it. Passes audio through.
import { worklet } from '../../src/renderer/audio/worklet-scope';

class OnsetProcessor extends worklet.AudioWorkletProcessor {
  readonly #threshold: number;
  readonly #quietFrames: number;
  #quiet = 0;

  constructor(options: { processorOptions?: { threshold?: number; quietMs?: number } }) {
    super(options);
    this.#threshold = options.processorOptions?.threshold ?? 0.05;
    this.#quietFrames = Math.round(((options.processorOptions?.quietMs ?? 100) / 1000) * worklet.sampleRate);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    const output = outputs[0]?.[0];
    if (channel && output) output.set(channel);
    if (!channel) {
      this.#quiet += 128;
      return true;
    }
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]!) > this.#threshold) {
        if (this.#quiet >= this.#quietFrames) this.port.postMessage({ frame: worklet.currentFrame + i });
        this.#quiet = 0;
      } else this.#quiet++;
    }
    return true;
  }
}

worklet.registerProcessor('bench-onset', OnsetProcessor);

