// A caption worker whose engine is deliberately slow, for the load-shedding tests: the real worker
// main loop and the real pocketsphinx engine, but every write of audio also burns CPU for
// THROTTLE_FACTOR times the audio's own length, so the worker falls behind at a known rate whatever
// the machine's load. Built by buildCaptionWorker({ throttle }) in tests/support/captions.ts.
import type { CaptionEngine, RecognitionStream } from '../../src/server/captions/engines/CaptionEngine';
import { openEngine } from '../../src/server/captions/engines/openEngine';
import { runCaptionWorker } from '../../src/server/captions/worker-main';

declare const THROTTLE_FACTOR: number;

function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a slow engine
  }
}

function throttled(engine: CaptionEngine): CaptionEngine {
  return {
    name: `${engine.name}, throttled ×${THROTTLE_FACTOR}`,
    sampleRate: engine.sampleRate,
    streamsPartials: engine.streamsPartials,
    openStream(): RecognitionStream {
      const stream = engine.openStream();
      return {
        startUtterance: () => stream.startUtterance(),
        write(samples) {
          burn(((samples.length / engine.sampleRate) * 1000) * THROTTLE_FACTOR);
          stream.write(samples);
        },
        partial: () => stream.partial(),
        endUtterance: () => stream.endUtterance(),
        close: () => stream.close(),
      };
    },
    close: () => engine.close(),
  };
}

void runCaptionWorker(async (choice) => throttled(await openEngine(choice)));
