// Brick-wall limiter: a short look-ahead lets the gain come down smoothly *before* a peak arrives, so the
// output never exceeds the ceiling and never hard-clips. Stereo is limited linked: one gain from the
// louder channel, so a peak on one side does not shift the image.
import { dbToGain, gainToDb, timeCoefficient, type AudioStage } from './decibels';

export interface LimiterParams {
  /** Highest sample value allowed out, dBFS. */
  ceilingDb: number;
  releaseMs: number;
}

/** Look-ahead: 1.5 ms, about one cycle of a male voice's fundamental. */
const LOOKAHEAD_MS = 1.5;

export class Limiter implements AudioStage {
  readonly #sampleRate: number;
  readonly #lookahead: number;
  /** The audio of each channel, delayed by the look-ahead (ring buffers). */
  readonly #delays: Float32Array[] = [];
  #delayIndex = 0;
  /** Required gains of the last lookahead+1 samples, as a monotonic queue of (gain, sample number). */
  readonly #minGains: Float64Array;
  readonly #minTimes: Float64Array;
  #minHead = 0;
  #minTail = 0;
  #sampleNumber = 0;
  /** Gain after release smoothing, before the look-ahead box filter. */
  #held = 1;
  /** Box filter over the look-ahead: ring of held gains and their running sum. */
  readonly #box: Float64Array;
  #boxIndex = 0;
  #boxSum: number;
  #ceiling = 1;
  #release = 0;
  /** Gain applied to the sample going out now (linear). */
  #gain = 1;

  constructor(sampleRate: number, params: LimiterParams) {
    this.#sampleRate = sampleRate;
    this.#lookahead = Math.max(1, Math.round((LOOKAHEAD_MS / 1000) * sampleRate));
    const queue = this.#lookahead + 2;
    this.#minGains = new Float64Array(queue);
    this.#minTimes = new Float64Array(queue);
    this.#box = new Float64Array(this.#lookahead).fill(1);
    this.#boxSum = this.#lookahead;
    this.set(params);
  }

  set(params: LimiterParams): void {
    this.#ceiling = dbToGain(params.ceilingDb);
    this.#release = timeCoefficient(params.releaseMs, this.#sampleRate);
  }

  /** Delay the limiter adds, in samples. */
  get latency(): number {
    return this.#lookahead;
  }

  /** Gain reduction applied now, dB (positive means quieter). */
  get gainReductionDb(): number {
    return -gainToDb(this.#gain);
  }

  process(block: Float32Array): void {
    this.processChannels([block]);
  }

  /** Limits the channels of one block together, in place (all the same length). */
  processChannels(channels: readonly Float32Array[]): void {
    while (this.#delays.length < channels.length) this.#delays.push(new Float32Array(this.#lookahead));
    const delays = this.#delays;
    const block = channels[0]!;
    const L = this.#lookahead;
    const size = this.#minGains.length;
    const ceiling = this.#ceiling;
    for (let i = 0; i < block.length; i++) {
      let a = 0;
      for (const channel of channels) {
        const x = channel[i]!;
        const m = x < 0 ? -x : x;
        if (m > a) a = m;
      }
      const required = a > ceiling ? ceiling / a : 1;
      const n = this.#sampleNumber++;
      // Sliding minimum of the required gain over the last L+1 samples.
      while (this.#minTail !== this.#minHead) {
        const last = (this.#minTail - 1 + size) % size;
        if (this.#minGains[last]! < required) break;
        this.#minTail = last;
      }
      this.#minGains[this.#minTail] = required;
      this.#minTimes[this.#minTail] = n;
      this.#minTail = (this.#minTail + 1) % size;
      if (this.#minTimes[this.#minHead]! < n - L) this.#minHead = (this.#minHead + 1) % size;
      const windowMin = this.#minGains[this.#minHead]!;
      // Instant down, smooth up.
      this.#held = windowMin < this.#held ? windowMin : windowMin + (this.#held - windowMin) * this.#release;
      // Averaging over the look-ahead turns the step down into a ramp that ends as the peak comes out.
      this.#boxSum += this.#held - this.#box[this.#boxIndex]!;
      this.#box[this.#boxIndex] = this.#held;
      this.#boxIndex = this.#boxIndex + 1 === L ? 0 : this.#boxIndex + 1;
      const gain = this.#boxSum / L;
      for (let c = 0; c < channels.length; c++) {
        const delay = delays[c]!;
        const delayed = delay[this.#delayIndex]!;
        delay[this.#delayIndex] = channels[c]![i]!;
        let y = delayed * gain;
        // Guards only against rounding in the running sum; the ramp above already keeps |y| ≤ ceiling.
        if (y > ceiling) y = ceiling;
        else if (y < -ceiling) y = -ceiling;
        channels[c]![i] = y;
      }
      this.#delayIndex = this.#delayIndex + 1 === L ? 0 : this.#delayIndex + 1;
      this.#gain = gain;
    }
    // Re-sum now and then so floating-point drift in the running sum cannot accumulate.
    if ((this.#sampleNumber & 0xffff) < block.length) {
      let sum = 0;
      for (let k = 0; k < L; k++) sum += this.#box[k]!;
      this.#boxSum = sum;
    }
  }

  reset(): void {
    for (const delay of this.#delays) delay.fill(0);
    this.#box.fill(1);
    this.#boxSum = this.#lookahead;
    this.#held = 1;
    this.#gain = 1;
    this.#minHead = this.#minTail = 0;
  }
}
