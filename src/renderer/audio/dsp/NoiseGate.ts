// Noise gate: opens when the level rises above the open threshold, and closes once it has stayed under
// the (lower) close threshold for the hold time. Two thresholds so breaths and word endings don't chatter.
import { dbToGain, gainToDb, timeCoefficient, type AudioStage } from './decibels';

export interface NoiseGateParams {
  /** Level (dBFS peak) that opens the gate. */
  openDb: number;
  /** Level (dBFS peak) under which the gate starts to close; at most openDb. */
  closeDb: number;
  /** How fast the gate opens, ms. */
  attackMs: number;
  /** How long the level must stay under closeDb before closing, ms. */
  holdMs: number;
  /** How fast the gate closes, ms. */
  releaseMs: number;
  /** Attenuation when closed, dB (e.g. -80 is silence, -20 keeps some room tone). */
  rangeDb: number;
}

export class NoiseGate implements AudioStage {
  readonly #sampleRate: number;
  #open = false;
  /** Samples the level has been under closeDb while open. */
  #quietSamples = 0;
  /** Peak envelope of the input (linear). */
  #envelope = 0;
  /** Gain applied now (linear). */
  #gain: number;
  #openLevel = 0;
  #closeLevel = 0;
  #holdSamples = 0;
  #closedGain = 0;
  #attack = 0;
  #release = 0;
  /** Peak detector decay: 10 ms, short enough to follow syllables, long enough to bridge a 50 Hz cycle. */
  readonly #detectorDecay: number;

  constructor(sampleRate: number, params: NoiseGateParams) {
    this.#sampleRate = sampleRate;
    this.#detectorDecay = timeCoefficient(10, sampleRate);
    this.set(params);
    this.#gain = this.#closedGain;
  }

  set(params: NoiseGateParams): void {
    this.#openLevel = dbToGain(params.openDb);
    this.#closeLevel = dbToGain(Math.min(params.closeDb, params.openDb));
    this.#holdSamples = Math.round((params.holdMs / 1000) * this.#sampleRate);
    this.#closedGain = dbToGain(params.rangeDb);
    this.#attack = timeCoefficient(params.attackMs, this.#sampleRate);
    this.#release = timeCoefficient(params.releaseMs, this.#sampleRate);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** The gain applied now, in dB (0 when fully open). */
  get gainDb(): number {
    return gainToDb(this.#gain);
  }

  process(block: Float32Array): void {
    let env = this.#envelope;
    let gain = this.#gain;
    let open = this.#open;
    let quiet = this.#quietSamples;
    const decay = this.#detectorDecay;
    for (let i = 0; i < block.length; i++) {
      const x = block[i]!;
      const a = x < 0 ? -x : x;
      env = a > env ? a : env * decay;
      if (!open) {
        if (env >= this.#openLevel) {
          open = true;
          quiet = 0;
        }
      } else if (env < this.#closeLevel) {
        if (++quiet >= this.#holdSamples) open = false;
      } else {
        quiet = 0;
      }
      const target = open ? 1 : this.#closedGain;
      const coefficient = target > gain ? this.#attack : this.#release;
      gain = target + (gain - target) * coefficient;
      block[i] = x * gain;
    }
    this.#envelope = env;
    this.#gain = gain;
    this.#open = open;
    this.#quietSamples = quiet;
  }

  reset(): void {
    this.#envelope = 0;
    this.#open = false;
    this.#quietSamples = 0;
    this.#gain = this.#closedGain;
  }
}
