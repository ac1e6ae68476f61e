// AudioWorklet: the one level meter. Peak, RMS, peak hold and clips every period (10 or 20 ms), plus
// loudness (LUFS) where asked, posted to the main thread, which only draws. Audio passes through untouched.
import { worklet } from '../worklet-scope';
import { PeakRmsMeter } from '../dsp/PeakRmsMeter';
import { LoudnessMeter, type LoudnessReading } from '../dsp/Loudness';
import type { MeterOptions, MeterReading } from './messages';

class MeterProcessor extends worklet.AudioWorkletProcessor {
  readonly #levels: PeakRmsMeter;
  readonly #loudness: LoudnessMeter | undefined;
  #lastLoudness: LoudnessReading | undefined;
  readonly #silence = new Float32Array(128);

  constructor(options: AudioWorkletNodeOptions & { processorOptions: MeterOptions }) {
    super(options);
    this.#levels = new PeakRmsMeter(worklet.sampleRate, { periodMs: options.processorOptions.periodMs });
    if (options.processorOptions.loudness) this.#loudness = new LoudnessMeter(worklet.sampleRate);
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0] ?? this.#silence;
    const out = outputs[0]?.[0];
    if (out) out.set(input.length === out.length ? input : this.#silence);
    this.#loudness?.process(input, (reading) => (this.#lastLoudness = reading));
    const frame = worklet.currentFrame;
    this.#levels.process(input, (levels, offset) => {
      const reading: MeterReading = {
        ...levels,
        time: (frame + offset + 1) / worklet.sampleRate,
        shortTermLufs: this.#lastLoudness?.shortTermLufs,
        momentaryLufs: this.#lastLoudness?.momentaryLufs,
      };
      this.port.postMessage(reading);
    });
    return true;
  }
}

worklet.registerProcessor('hostline-meter', MeterProcessor);
