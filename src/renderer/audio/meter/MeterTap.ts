// The one meter stack's main-thread end: `connectMeter` puts the meter worklet on any audio node, and a
// MeterTap keeps its latest reading for drawing and recent history for people (and tests, and the
// listener's mic check) checking what was measured. Every meter in the studio and on the listener page
// is one of these.
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { MeterOptions, MeterReading } from './messages';
import workletUrl from './meter.worklet.ts?worker&url';

/** Readings kept: 5 minutes at 100 a second. */
const HISTORY = 30_000;

export interface TimedMeterReading extends MeterReading {
  /** performance.now() when the reading reached the main thread. */
  wallTime: number;
}

export class MeterTap extends TypedEmitter<{ reading: [TimedMeterReading] }> {
  #latest: TimedMeterReading | undefined;
  readonly #history: TimedMeterReading[] = [];

  get latest(): TimedMeterReading | undefined {
    return this.#latest;
  }

  history(): TimedMeterReading[] {
    return this.#history.slice();
  }

  /** Listens to a meter worklet's port. */
  listen(port: MessagePort): void {
    port.onmessage = (event: MessageEvent<MeterReading>) => {
      const reading = { ...event.data, wallTime: performance.now() };
      this.#latest = reading;
      this.#history.push(reading);
      if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
      this.safeEmit('reading', reading);
    };
  }
}

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Loads the meter worklet into a context, once. */
export function loadMeterWorklet(context: BaseAudioContext): Promise<void> {
  let promise = loaded.get(context);
  if (!promise) {
    promise = context.audioWorklet.addModule(workletUrl);
    loaded.set(context, promise);
  }
  return promise;
}

/** Meters what `input` outputs into `tap` (load the worklet first); answers the function that stops it. */
export function connectMeter(input: AudioNode, tap: MeterTap, options: MeterOptions): () => void {
  const context = input.context;
  const node = new AudioWorkletNode(context, 'hostline-meter', {
    channelCount: 1,
    channelCountMode: 'explicit',
    outputChannelCount: [1],
    processorOptions: options,
  });
  tap.listen(node.port);
  input.connect(node);
  // A worklet only runs while it is pulled; a muted gain keeps it pulled without making sound.
  const sink = context.createGain();
  sink.gain.value = 0;
  node.connect(sink).connect(context.destination);
  return () => {
    input.disconnect(node);
    node.disconnect();
    sink.disconnect();
    node.port.onmessage = null;
  };
}
