// What the meter worklet posts to the main thread, and how it is set up.
import type { PeakRmsReading } from '../dsp/PeakRmsMeter';

export interface MeterReading extends PeakRmsReading {
  /** Seconds on the AudioContext's clock at the end of the reading period. */
  time: number;
  /** Short-term (3 s) and momentary (400 ms) loudness, LUFS; absent on meters without loudness. */
  shortTermLufs?: number;
  momentaryLufs?: number;
}

export interface MeterOptions {
  /** Also measure loudness (K-weighting), which the host's own meters need and remote speakers do not. */
  loudness: boolean;
  /** One reading per period: 20 ms for the console's meters, 10 ms where a mic check or a test reads them. */
  periodMs: number;
}
