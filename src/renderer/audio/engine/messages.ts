// Messages between the console engine (main thread) and its AudioWorklet processors.
import type { ChainSettings } from '../../../shared/console-settings';
import type { ChainActivity, LocalStageId } from '../dsp/ProcessingChain';
import type { PeakRmsReading } from '../dsp/LevelMeter';

export type ChainCommand =
  | { type: 'configure'; settings: ChainSettings; stages: LocalStageId[] }
  | { type: 'voiceGate'; open: boolean };

export interface ChainProcessorOptions {
  settings: ChainSettings;
  stages: LocalStageId[];
}

export interface ChainReport {
  type: 'activity';
  stages: LocalStageId[];
  activity: ChainActivity;
  /** Audio-thread ms spent in this segment per second of audio, over the last report period. */
  loadMsPerSecond: number;
}

export interface MeterReading extends PeakRmsReading {
  /** Seconds on the AudioContext's clock at the end of the reading period. */
  time: number;
  /** Short-term (3 s) and momentary (400 ms) loudness, LUFS; absent on meters without loudness. */
  shortTermLufs?: number;
  momentaryLufs?: number;
}

export interface MeterProcessorOptions {
  /** Also measure loudness (K-weighting), which the host's own meters need and remote speakers do not. */
  loudness: boolean;
}
