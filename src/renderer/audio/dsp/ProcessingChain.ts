// The console's pure-TypeScript stages, each with its bypass. Noise suppression is RNNoise (WebAssembly,
// the NoiseSuppressor stage), which SendPath places where the host's order puts it; the voice gate runs
// after the chain, because the voice detector listens before it.
import type { ChainSettings, StageId } from '../../../shared/console-settings';
import { Compressor } from './Compressor';
import type { AudioStage } from './decibels';
import { InputGain } from './InputGain';
import { Limiter } from './Limiter';
import { NoiseGate } from './NoiseGate';
import { VoiceGate } from './VoiceGate';

/** Stages this class runs itself: every stage but RNNoise, plus the voice gate. */
export type LocalStageId = Exclude<StageId, 'noiseSuppression'> | 'voiceGate';

/** What the console shows of the stages' state. */
export interface ChainActivity {
  gateOpen: boolean;
  gateGainDb: number;
  compressorReductionDb: number;
  limiterReductionDb: number;
  voiceGateGainDb: number;
}

export class ProcessingChain {
  readonly gain: InputGain;
  readonly gate: NoiseGate;
  readonly compressor: Compressor;
  readonly limiter: Limiter;
  readonly voiceGate: VoiceGate;
  readonly #stages: Record<LocalStageId, AudioStage>;
  #bypass: Record<LocalStageId, boolean> = { gain: false, gate: false, compressor: false, limiter: false, voiceGate: false };

  constructor(sampleRate: number, settings: ChainSettings) {
    this.gain = new InputGain(sampleRate, settings.gain);
    this.gate = new NoiseGate(sampleRate, settings.gate);
    this.compressor = new Compressor(sampleRate, settings.compressor);
    this.limiter = new Limiter(sampleRate, settings.limiter);
    this.voiceGate = new VoiceGate(sampleRate);
    this.#stages = { gain: this.gain, gate: this.gate, compressor: this.compressor, limiter: this.limiter, voiceGate: this.voiceGate };
    this.configure(settings);
  }

  configure(settings: ChainSettings): void {
    this.gain.set(settings.gain);
    this.gate.set(settings.gate);
    this.compressor.set(settings.compressor);
    this.limiter.set(settings.limiter);
    const was = this.#bypass;
    this.#bypass = {
      gain: settings.gain.bypass,
      gate: settings.gate.bypass,
      compressor: settings.compressor.bypass,
      limiter: settings.limiter.bypass,
      voiceGate: false,
    };
    // A stage coming back from bypass starts fresh rather than from a stale envelope.
    for (const id of Object.keys(was) as LocalStageId[]) if (was[id] && !this.#bypass[id]) this.#stages[id].reset();
  }

  /** Runs the given stages, in that order, over one block in place. */
  run(block: Float32Array, stages: readonly LocalStageId[]): void {
    for (const id of stages) if (!this.#bypass[id]) this.#stages[id].process(block);
  }

  activity(): ChainActivity {
    return {
      gateOpen: this.#bypass.gate || this.gate.isOpen,
      gateGainDb: this.#bypass.gate ? 0 : this.gate.gainDb,
      compressorReductionDb: this.#bypass.compressor ? 0 : this.compressor.gainReductionDb,
      limiterReductionDb: this.#bypass.limiter ? 0 : this.limiter.gainReductionDb,
      voiceGateGainDb: this.voiceGate.gainDb,
    };
  }
}
