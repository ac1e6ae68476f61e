// Loudness in LUFS as ITU-R BS.1770 / EBU R128 define it: K-weighting (a high shelf for the head, a high
// pass for the ear), mean square over 400 ms (momentary) and 3 s (short-term), reported every 100 ms.
import { SILENCE_DB } from './decibels';

/** A biquad in direct form I. */
class Biquad {
  #x1 = 0;
  #x2 = 0;
  #y1 = 0;
  #y2 = 0;
  constructor(
    readonly b0: number,
    readonly b1: number,
    readonly b2: number,
    readonly a1: number,
    readonly a2: number,
  ) {}

  step(x: number): number {
    const y = this.b0 * x + this.b1 * this.#x1 + this.b2 * this.#x2 - this.a1 * this.#y1 - this.a2 * this.#y2;
    this.#x2 = this.#x1;
    this.#x1 = x;
    this.#y2 = this.#y1;
    this.#y1 = y;
    return y;
  }

  reset(): void {
    this.#x1 = this.#x2 = this.#y1 = this.#y2 = 0;
  }
}

/** The two K-weighting filters for any sample rate (the BS.1770 analog prototypes, as libebur128 derives them). */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf = new Biquad(
    (Vh + (Vb * K) / Q + K * K) / a0,
    (2 * (K * K - Vh)) / a0,
    (Vh - (Vb * K) / Q + K * K) / a0,
    (2 * (K * K - 1)) / a0,
    (1 - K / Q + K * K) / a0,
  );
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highPass = new Biquad(1, -2, 1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0);
  return [shelf, highPass];
}

export interface LoudnessReading {
  /** Momentary loudness (last 400 ms), LUFS. */
  momentaryLufs: number;
  /** Short-term loudness (last 3 s), LUFS. */
  shortTermLufs: number;
}

function lufs(meanSquare: number, channelWeight: number): number {
  const power = meanSquare * channelWeight;
  return power > 0 ? Math.max(SILENCE_DB, -0.691 + 10 * Math.log10(power)) : SILENCE_DB;
}

export class LoudnessMeter {
  readonly #filters: [Biquad, Biquad];
  readonly #blockSamples: number;
  /** Channel weight: a mono voice is heard on both ears, so it counts as dual mono (two channels). */
  readonly #channelWeight: number;
  #count = 0;
  #sum = 0;
  /** Mean squares of the last 30 blocks of 100 ms, newest last. */
  readonly #blocks: number[] = [];

  constructor(sampleRate: number, options: { dualMono?: boolean } = {}) {
    this.#filters = kWeightingFilters(sampleRate);
    this.#blockSamples = Math.round(sampleRate / 10);
    this.#channelWeight = options.dualMono === false ? 1 : 2;
  }

  /** Feeds samples; calls `onReading` every 100 ms. */
  process(block: Float32Array, onReading?: (reading: LoudnessReading) => void): void {
    const [shelf, highPass] = this.#filters;
    for (let i = 0; i < block.length; i++) {
      const y = highPass.step(shelf.step(block[i]!));
      this.#sum += y * y;
      if (++this.#count === this.#blockSamples) {
        this.#blocks.push(this.#sum / this.#count);
        if (this.#blocks.length > 30) this.#blocks.shift();
        this.#count = 0;
        this.#sum = 0;
        onReading?.(this.reading());
      }
    }
  }

  reading(): LoudnessReading {
    const mean = (n: number) => {
      const last = this.#blocks.slice(-n);
      return last.length ? last.reduce((s, v) => s + v, 0) / n : 0;
    };
    return {
      momentaryLufs: lufs(mean(4), this.#channelWeight),
      shortTermLufs: lufs(mean(30), this.#channelWeight),
    };
  }

  reset(): void {
    this.#filters.forEach((f) => f.reset());
    this.#blocks.length = 0;
    this.#count = 0;
    this.#sum = 0;
  }
}
