// Messages between the console engine (main thread) and its chain worker (the meters' are in
// ../meter/messages.ts).
import type { ChainActivity } from '../dsp/ProcessingChain';
import type { DuckingParams } from '../dsp/Ducker';
import type { PadPlayback } from '../dsp/PadVoice';
import type { SendPathSettings } from '../dsp/SendPath';

/** From the console engine to its chain worker. */
export type ChainCommand =
  | {
      type: 'start';
      /** Where the processed audio goes (the Stage's track) and the voice detector's feed. */
      send: WritableStream<AudioData>;
      voice: WritableStream<AudioData>;
      settings: SendPathSettings;
    }
  /** A microphone's frames (a new one replaces the last). */
  | { type: 'input'; readable: ReadableStream<AudioData> }
  | { type: 'configure'; settings: SendPathSettings }
  /** RNNoise's .wasm, sent once, the first time noise suppression is wanted. */
  | { type: 'noiseSuppressor'; wasm: ArrayBuffer }
  | { type: 'voiceGate'; open: boolean }
  | { type: 'talk'; open: boolean }
  /** The soundboard: a pad's decoded audio (planar, 48 kHz, transferred), playing and stopping it. */
  | { type: 'padLoad'; padId: string; channels: Float32Array[] }
  | { type: 'padUnload'; padId: string }
  | { type: 'padPlay'; padId: string; playback: PadPlayback }
  | { type: 'padUpdate'; padId: string; playback: PadPlayback }
  | { type: 'padStop'; padId: string }
  | { type: 'ducking'; params: DuckingParams }
  /** Whether the host or a speaker talks (the voice detector, the Space's speaking): beds dip. */
  | { type: 'someoneTalking'; talking: boolean };

export interface ChainReport {
  type: 'activity';
  activity: ChainActivity;
  /** Worker time spent per second of audio, ms. */
  loadMsPerSecond: number;
  /** From capture to leaving the chain, ms, over the report period. */
  delayMs: { median: number; max: number };
  /** What the microphone delivers. */
  inputRate: number;
  inputChannels: number;
}

/** From the chain worker to the engine. */
export type ChainEvent = ChainReport | { type: 'error'; message: string };
