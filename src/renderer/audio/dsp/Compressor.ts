// Compressor: above the threshold, every `ratio` dB in gives 1 dB out; attack and release shape how fast
// the gain reduction follows. Feed-forward, computed in dB with a soft knee (Giannoulis, Massberg, Reiss 2012).
import { dbToGain, gainToDb, timeCoefficient, type AudioStage } from './decibels';

export interface CompressorParams {
  thresholdDb: number;
  /** Input dB above the threshold per output dB, ≥ 1. */
  ratio: number;
  attackMs: number;
  releaseMs: number;
  /** Gain added after compression, dB. */
  makeupDb: number;
  /** Width of the soft knee around the threshold, dB (0 is a hard knee). */
  kneeDb: number;
}

/** Gain reduction (positive dB) the static curve asks for at an input level. */
export function staticGainReduction(levelDb: number, p: Pick<CompressorParams, 'thresholdDb' | 'ratio' | 'kneeDb'>): number {
  const over = levelDb - p.thresholdDb;
  const slope = 1 - 1 / Math.max(1, p.ratio);
  if (p.kneeDb > 0 && Math.abs(over) * 2 <= p.kneeDb) {
    const x = over + p.kneeDb / 2;
    return (slope * x * x) / (2 * p.kneeDb);
  }
  return over > 0 ? slope * over : 0;
}

export class Compressor implements AudioStage {
  readonly #sampleRate: number;
  #params: CompressorParams;
  /** Peak envelope of the input (linear); it decays with the release time. */
  #envelope = 0;
  /** Gain reduction being applied, dB (positive). */
  #reduction = 0;
  #attack = 0;
  #release = 0;
  #makeup = 1;

  constructor(sampleRate: number, params: CompressorParams) {
    this.#sampleRate = sampleRate;
    this.#params = params;
    this.set(params);
  }

  set(params: CompressorParams): void {
    this.#params = { ...params };
    this.#attack = timeCoefficient(params.attackMs, this.#sampleRate);
    this.#release = timeCoefficient(params.releaseMs, this.#sampleRate);
    this.#makeup = dbToGain(params.makeupDb);
  }

  /** Gain reduction applied now, dB (positive means quieter). */
  get gainReductionDb(): number {
    return this.#reduction;
  }

  process(block: Float32Array): void {
    const p = this.#params;
    let env = this.#envelope;
    let gr = this.#reduction;
    const attack = this.#attack;
    const release = this.#release;
    const makeup = this.#makeup;
    for (let i = 0; i < block.length; i++) {
      const x = block[i]!;
      const a = x < 0 ? -x : x;
      env = a > env ? a : env * release;
      const target = env > 1e-5 ? staticGainReduction(gainToDb(env), p) : 0;
      gr = target + (gr - target) * (target > gr ? attack : release);
      block[i] = x * makeup * dbToGain(-gr);
    }
    this.#envelope = env;
    this.#reduction = gr;
  }

  reset(): void {
    this.#envelope = 0;
    this.#reduction = 0;
  }
}
