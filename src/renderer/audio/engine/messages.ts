// Messages between the console engine (main thread) and its chain's AudioWorklet processors (the meters'
// are in ../meter/messages.ts).
import type { ChainSettings } from '../../../shared/console-settings';
import type { ChainActivity, LocalStageId } from '../dsp/ProcessingChain';

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
