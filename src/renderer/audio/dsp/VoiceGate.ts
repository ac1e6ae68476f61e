// The voice gate: closes the microphone between phrases when the voice detector says nobody speaks.
// Opens fast so the first syllable survives, closes slowly so word endings are not cut.
import { dbToGain, gainToDb, timeCoefficient, type AudioStage } from './decibels';

export class VoiceGate implements AudioStage {
  #open = true;
  #gain = 1;
  readonly #closedGain = dbToGain(-60);
  readonly #attack: number;
  readonly #release: number;

  constructor(sampleRate: number) {
    this.#attack = timeCoefficient(5, sampleRate);
    this.#release = timeCoefficient(120, sampleRate);
  }

  setOpen(open: boolean): void {
    this.#open = open;
  }

  get gainDb(): number {
    return gainToDb(this.#gain);
  }

  process(block: Float32Array): void {
    const target = this.#open ? 1 : this.#closedGain;
    let g = this.#gain;
    if (g === target && g === 1) return;
    const a = target > g ? this.#attack : this.#release;
    for (let i = 0; i < block.length; i++) {
      g = target + (g - target) * a;
      block[i]! *= g;
    }
    this.#gain = Math.abs(g - target) < 1e-7 ? target : g;
  }

  reset(): void {
    this.#gain = this.#open ? 1 : this.#closedGain;
  }
}
