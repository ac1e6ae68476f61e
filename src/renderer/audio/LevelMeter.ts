// Level metering of a MediaStream: peak and RMS every 10 ms from an AudioWorklet, as dBFS, with the
// most recent readings kept for display (and for tests that check what was heard).
import { TypedEmitter } from '../../shared/TypedEmitter';
import workletUrl from './level-meter.worklet.ts?worker&url';

export interface LevelReading {
  /** Seconds on the AudioContext's clock at the end of the 10 ms block. */
  time: number;
  /** Wall-clock milliseconds when the reading arrived on the main thread. */
  wallTime: number;
  rms: number;
  peak: number;
}

export const SILENCE_DB = -100;
export function toDb(linear: number): number {
  return linear > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(linear)) : SILENCE_DB;
}

/** How many readings are kept: 5 minutes at 100 a second. */
const HISTORY = 30_000;

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();
function loadWorklet(context: AudioContext): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) {
    promise = context.audioWorklet.addModule(workletUrl);
    loaded.set(context, promise);
  }
  return promise;
}

export class LevelMeter extends TypedEmitter<{ reading: [LevelReading] }> {
  readonly #context: AudioContext;
  #node: AudioWorkletNode | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  readonly #history: LevelReading[] = [];
  #latest: LevelReading | undefined;

  constructor(context: AudioContext) {
    super();
    this.#context = context;
  }

  get latest(): LevelReading | undefined {
    return this.#latest;
  }

  history(): LevelReading[] {
    return this.#history.slice();
  }

  /** Starts metering a stream (replacing any earlier one). */
  async attach(stream: MediaStream): Promise<void> {
    await loadWorklet(this.#context);
    this.detach();
    this.#source = this.#context.createMediaStreamSource(stream);
    await this.attachNode(this.#source);
  }

  /** Meters whatever an audio node outputs (a mix bus, a processing chain's end). */
  async attachNode(input: AudioNode): Promise<void> {
    await loadWorklet(this.#context);
    this.#node?.disconnect();
    this.#node = new AudioWorkletNode(this.#context, 'hostline-level-meter');
    this.#node.port.onmessage = (event: MessageEvent<{ frame: number; rms: number; peak: number }>) => {
      const reading: LevelReading = {
        time: event.data.frame / this.#context.sampleRate,
        wallTime: performance.now(),
        rms: event.data.rms,
        peak: event.data.peak,
      };
      this.#latest = reading;
      this.#history.push(reading);
      if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
      this.safeEmit('reading', reading);
    };
    input.connect(this.#node);
    // A worklet only runs while it is pulled; a muted gain keeps it pulled without making sound.
    const sink = this.#context.createGain();
    sink.gain.value = 0;
    this.#node.connect(sink).connect(this.#context.destination);
  }

  detach(): void {
    this.#source?.disconnect();
    this.#node?.disconnect();
    this.#source = undefined;
    this.#node = undefined;
  }
}
