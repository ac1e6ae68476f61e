// What the console does to each block the microphone captures before it goes to the Stage: bring it to
// 48 kHz, run the host's chain in their order (RNNoise where it sits), then the voice gate and the talk
// gate (mute, push-to-talk), then add the soundboard's pads, and last the limiter, so it protects the
// listeners from the voice and the pads together. In music mode: both channels kept, and only the
// limiter, linked. Pure TypeScript over whole capture blocks (10 ms), so it runs in the console's chain
// worker and in Node.
import type { ChainSettings } from '../../../shared/console-settings';
import { timeCoefficient } from './decibels';
import type { NoiseSuppressor } from './NoiseSuppressor';
import { PadMix } from './PadMix';
import { ProcessingChain, type ChainActivity } from './ProcessingChain';
import { Resampler } from './Resampler';

/** The chain's rate: RNNoise's and Opus's. */
export const SEND_RATE = 48_000;

export interface SendPathSettings {
  chain: ChainSettings;
  /** Stereo, and the limiter only: for music and high-quality voice. */
  musicMode: boolean;
}

export interface SendBlock {
  /** What goes to the Stage: one channel, or two in music mode. Valid until the next block. */
  send: Float32Array[];
  /** The processed voice before the voice and talk gates, mono, for the voice detector. */
  voice: Float32Array;
  /** The soundboard's mix alone, mono, before the limiter: its own recording track and the monitor's. */
  pads: Float32Array;
}

export class SendPath {
  readonly chain: ProcessingChain;
  /** The soundboard's pads playing and the ducking of beds. */
  readonly pads = new PadMix(SEND_RATE);
  #settings: SendPathSettings;
  #noiseSuppressor: NoiseSuppressor | undefined;
  /** One per input channel, while the microphone's rate is not 48 kHz. */
  #resamplers: Resampler[] = [];
  #talking = true;
  /** The talk gate's gain now; it glides (10 ms) so muting never clicks. */
  #talkGain = 1;
  readonly #talkGlide = timeCoefficient(10, SEND_RATE);
  #send: Float32Array[] = [];
  #voice = new Float32Array(0);
  #padsMono = new Float32Array(0);

  constructor(settings: SendPathSettings) {
    this.#settings = settings;
    this.chain = new ProcessingChain(SEND_RATE, settings.chain);
  }

  get settings(): SendPathSettings {
    return this.#settings;
  }

  /** Channels that go to the Stage. */
  get channels(): 1 | 2 {
    return this.#settings.musicMode ? 2 : 1;
  }

  configure(settings: SendPathSettings): void {
    this.#settings = settings;
    this.chain.configure(settings.chain);
  }

  /** RNNoise, once loaded (undefined: none yet, the stage passes audio through). */
  setNoiseSuppressor(suppressor: NoiseSuppressor | undefined): void {
    this.#noiseSuppressor = suppressor;
  }

  setVoiceGateOpen(open: boolean): void {
    this.chain.voiceGate.setOpen(open);
  }

  /** Whether the host is heard: false while muted locally or push-to-talk is released. */
  setTalking(talking: boolean): void {
    this.#talking = talking;
  }

  activity(): ChainActivity {
    return this.chain.activity();
  }

  /** Processes one captured block: planar channels at `rate` (any rate, any channel count). */
  process(input: readonly Float32Array[], rate: number): SendBlock {
    const at48 = this.#toSendRate(input, rate);
    const frames = at48[0]?.length ?? 0;
    const send = this.#buffers(frames);
    const voice = this.#voice;
    if (this.#settings.musicMode) {
      send[0]!.set(at48[0]!);
      send[1]!.set(at48[1] ?? at48[0]!);
      for (let i = 0; i < frames; i++) voice[i] = (send[0]![i]! + send[1]![i]!) / 2;
    } else {
      const mono = send[0]!;
      mono.fill(0);
      for (const channel of at48) for (let i = 0; i < frames; i++) mono[i]! += channel[i]! / at48.length;
      for (const id of this.#settings.chain.order) {
        if (id === 'limiter') continue;
        if (id !== 'noiseSuppression') this.chain.run(mono, [id]);
        else if (!this.#settings.chain.noiseSuppression.bypass) this.#noiseSuppressor?.process(mono);
      }
      voice.set(mono);
      this.chain.run(mono, ['voiceGate']);
    }
    this.#applyTalkGate(send, frames);
    const pads = this.#mixPads(send, frames);
    if (this.#settings.musicMode) this.chain.limiter.processChannels(send);
    else this.chain.run(send[0]!, ['limiter']);
    return { send, voice, pads };
  }

  /** Adds the soundboard's mix to what goes to the Stage; answers the mix alone, mono. */
  #mixPads(send: Float32Array[], frames: number): Float32Array {
    const mono = this.#padsMono;
    if (!this.pads.active) {
      this.pads.ducker.gains(frames);
      mono.fill(0);
      return mono;
    }
    const mix = this.pads.process(frames, send.length);
    for (let c = 0; c < send.length; c++) {
      const out = send[c]!;
      const pad = mix[c]!;
      for (let i = 0; i < frames; i++) out[i]! += pad[i]!;
    }
    if (mix.length === 1) mono.set(mix[0]!);
    else for (let i = 0; i < frames; i++) mono[i] = (mix[0]![i]! + mix[1]![i]!) / 2;
    return mono;
  }

  #toSendRate(input: readonly Float32Array[], rate: number): readonly Float32Array[] {
    if (rate === SEND_RATE) {
      this.#resamplers = [];
      return input;
    }
    if (this.#resamplers.length !== input.length || this.#resamplers[0]!.inputRate !== rate) {
      this.#resamplers = input.map(() => new Resampler(rate, SEND_RATE));
    }
    return input.map((channel, c) => this.#resamplers[c]!.process(channel));
  }

  #buffers(frames: number): Float32Array[] {
    const channels = this.channels;
    if (this.#send.length !== channels || this.#send[0]!.length !== frames) {
      this.#send = Array.from({ length: channels }, () => new Float32Array(frames));
      this.#voice = new Float32Array(frames);
      this.#padsMono = new Float32Array(frames);
    }
    return this.#send;
  }

  #applyTalkGate(send: Float32Array[], frames: number): void {
    const target = this.#talking ? 1 : 0;
    let gain = this.#talkGain;
    if (gain === target && target === 1) return;
    for (let i = 0; i < frames; i++) {
      gain = target + (gain - target) * this.#talkGlide;
      for (const channel of send) channel[i]! *= gain;
    }
    // Close enough to call it there, so a long silence costs nothing.
    this.#talkGain = Math.abs(gain - target) < 1e-4 ? target : gain;
  }
}
