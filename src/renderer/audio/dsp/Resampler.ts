// Streaming sample-rate conversion by a rational factor (44.1 → 48 kHz is ×160/147): a polyphase
// windowed-sinc filter, so a microphone that captures at another rate reaches the console's 48 kHz chain
// (RNNoise's rate, and Opus's) with ~0.7 ms of delay and images kept ~70 dB down. One instance per channel.

/** Taps per output sample: the filter's length at the input rate. */
const TAPS = 64;
/** Kaiser window shape: about 70 dB of stop-band attenuation. */
const BETA = 7;
/** Pass band as a share of the lower Nyquist frequency. */
const ROLLOFF = 0.9;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Modified Bessel function of the first kind, order 0 (for the Kaiser window). */
function bessel0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Up by `#up`, down by `#down`. */
  readonly #up: number;
  readonly #down: number;
  /** The prototype filter at the up-sampled rate, tap k of phase p at [p + k·up]. */
  readonly #filter: Float32Array;
  /** The last TAPS-1 input samples, then the current block. */
  #buffer = new Float32Array(TAPS - 1);
  /** Where the next output falls, in up-sampled steps from the start of the next input block. */
  #position = 0;
  #output = new Float32Array(0);

  constructor(inputRate: number, outputRate: number) {
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = gcd(inputRate, outputRate);
    this.#up = outputRate / divisor;
    this.#down = inputRate / divisor;
    const length = TAPS * this.#up;
    // Cut-off relative to the up-sampled rate, below both Nyquist frequencies.
    const cutoff = (ROLLOFF * 0.5 * Math.min(inputRate, outputRate)) / (inputRate * this.#up);
    const centre = (length - 1) / 2;
    const norm = bessel0(BETA);
    this.#filter = new Float32Array(length);
    for (let n = 0; n < length; n++) {
      const x = n - centre;
      const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      const r = x / centre;
      // × up: each output sums only one tap in `up`, so the gain is brought back up.
      this.#filter[n] = sinc * (bessel0(BETA * Math.sqrt(Math.max(0, 1 - r * r))) / norm) * this.#up;
    }
  }

  /** Delay the filter adds, seconds. */
  get latency(): number {
    return (TAPS / 2) / this.inputRate;
  }

  /** Converts the next block; the result is valid until the next call. */
  process(input: Float32Array): Float32Array {
    const history = TAPS - 1;
    if (this.#buffer.length !== history + input.length) {
      const next = new Float32Array(history + input.length);
      next.set(this.#buffer.subarray(0, history));
      this.#buffer = next;
    }
    this.#buffer.set(input, history);
    const up = this.#up;
    const span = input.length * up;
    const count = Math.max(0, Math.ceil((span - this.#position) / this.#down));
    if (this.#output.length < count) this.#output = new Float32Array(count);
    const filter = this.#filter;
    const buffer = this.#buffer;
    let position = this.#position;
    for (let j = 0; j < count; j++) {
      const base = Math.floor(position / up);
      const phase = position - base * up;
      let sum = 0;
      // Newest sample with the first tap of this phase, back through the history.
      for (let k = 0, at = base + history; k < TAPS; k++, at--) sum += buffer[at]! * filter[phase + k * up]!;
      this.#output[j] = sum;
      position += this.#down;
    }
    this.#position = position - span;
    this.#buffer.copyWithin(0, input.length, input.length + history);
    return this.#output.subarray(0, count);
  }

  reset(): void {
    this.#buffer.fill(0);
    this.#position = 0;
  }
}
