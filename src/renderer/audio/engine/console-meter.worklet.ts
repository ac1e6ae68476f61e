// AudioWorklet: the console's meter. Peak, RMS, peak hold and clips every 20 ms, plus loudness (LUFS),
// posted to the main thread, which only draws. Audio passes through untouched.
import { worklet } from '../worklet-scope';
import { PeakRmsMeter } from '../dsp/LevelMeter';
import { LoudnessMeter, type LoudnessReading } from '../dsp/Loudness';
import type { MeterProcessorOptions, MeterReading } from './messages';

class ConsoleMeterProcessor extends worklet.AudioWorkletProcessor {
  readonly #levels = new PeakRmsMeter(worklet.sampleRate, { periodMs: 20 });
  readonly #loudness: LoudnessMeter | undefined;
  #lastLoudness: LoudnessReading | undefined;
  readonly #silence = new Float32Array(128);

  constructor(options: AudioWorkletNodeOptions & { processorOptions: MeterProcessorOptions }) {
    super(options);
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

worklet.registerProcessor('hostline-console-meter', ConsoleMeterProcessor);
