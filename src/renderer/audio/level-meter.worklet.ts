// AudioWorklet: measures peak and RMS of its input every 10 ms and posts them to the main thread.
// It passes audio through untouched.
import { worklet } from './worklet-scope';

class LevelMeterProcessor extends worklet.AudioWorkletProcessor {
  /** Samples per reading: 10 ms. */
  readonly #block = Math.round(worklet.sampleRate / 100);
  #count = 0;
  #sumSquares = 0;
  #peak = 0;

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const output = outputs[0];
    const channel = input?.[0];
    const frames = output?.[0]?.length ?? 128;
    for (let c = 0; c < (output?.length ?? 0); c++) output![c]!.set(input?.[c] ?? input?.[0] ?? new Float32Array(frames));
    for (let i = 0; i < frames; i++) {
      const s = channel ? channel[i]! : 0;
      this.#sumSquares += s * s;
      const a = Math.abs(s);
      if (a > this.#peak) this.#peak = a;
      if (++this.#count === this.#block) {
        this.port.postMessage({
          frame: worklet.currentFrame + i,
          rms: Math.sqrt(this.#sumSquares / this.#block),
          peak: this.#peak,
        });
        this.#count = 0;
        this.#sumSquares = 0;
        this.#peak = 0;
      }
    }
    return true;
  }
}

worklet.registerProcessor('hostline-level-meter', LevelMeterProcessor);
