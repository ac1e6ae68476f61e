// Input gain: a trim in dB before everything else, smoothed so moving the fader never clicks.
import { dbToGain, timeCoefficient, type AudioStage } from './decibels';

export interface InputGainParams {
  /** Trim in dB, -24 to +24. */
  gainDb: number;
}

export class InputGain implements AudioStage {
  /** Linear gain being applied now; glides towards #target. */
  #current: number;
  #target: number;
  /** 5 ms glide: fast enough to feel immediate, slow enough not to click. */
  readonly #glide: number;

  constructor(sampleRate: number, params: InputGainParams) {
    this.#glide = timeCoefficient(5, sampleRate);
    this.#target = dbToGain(params.gainDb);
    this.#current = this.#target;
  }

  set(params: InputGainParams): void {
    this.#target = dbToGain(params.gainDb);
  }

  process(block: Float32Array): void {
    const target = this.#target;
    let g = this.#current;
    if (g === target) {
      if (g !== 1) for (let i = 0; i < block.length; i++) block[i]! *= g;
      return;
    }
    const a = this.#glide;
    for (let i = 0; i < block.length; i++) {
      g = target + (g - target) * a;
      block[i]! *= g;
    }
    this.#current = Math.abs(g - target) < 1e-6 ? target : g;
  }

  reset(): void {
    this.#current = this.#target;
  }
}
