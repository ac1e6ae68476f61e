// The caption worker process's main loop, given how to open its engine: the SFU forks it (at lower CPU
// priority than the SFU and its media workers) and sends it speech; it answers caption lines and,
// every second, its load. A crash here costs captions for a moment, never the Space or its audio.
// caption-worker.ts runs it with the configured engine; tests run it around a throttled one.
import { CaptionWorkerCore } from './CaptionWorkerCore.js';
import type { CaptionEngine, EngineChoice } from './engines/CaptionEngine.js';
import type { CaptionWorkerOptions, FromCaptionWorker, ToCaptionWorker } from './worker-messages.js';

const LOAD_EVERY_MS = 1000;

function send(message: FromCaptionWorker): void {
  // The SFU may be gone (it closed or died): nothing to report to, and nothing to throw.
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

export async function runCaptionWorker(openEngine: (choice: EngineChoice) => Promise<CaptionEngine>): Promise<void> {
  try {
    const options = JSON.parse(process.argv[2] ?? '{}') as CaptionWorkerOptions;
    const engine = await openEngine(options.engine);
    const core = new CaptionWorkerCore(engine, { maxStreams: options.maxStreams, shedMs: options.shedMs, emit: (line) => send({ t: 'line', line }) });
    process.on('message', (message: ToCaptionWorker) => core.accept(message));
    process.on('disconnect', () => {
      core.close();
      process.exit(0);
    });
    let cpu = process.cpuUsage();
    let at = performance.now();
    setInterval(() => {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      const now = performance.now();
      send({ t: 'load', load: core.load(now - at, (used.user + used.system) / 1000) });
      at = now;
    }, LOAD_EVERY_MS).unref();
    send({ t: 'ready', engine: engine.name, streamsPartials: engine.streamsPartials });
    // The first stream loads the model (about a second): before anyone speaks, not when they do.
    setImmediate(() => core.warm());
  } catch (error: unknown) {
    // Exit once the refusal is written (or soon anyway): the SFU reads it as fatal and stops restarting us.
    const message: FromCaptionWorker = { t: 'failed', message: error instanceof Error ? error.message : String(error) };
    setTimeout(() => process.exit(1), 2000).unref();
    if (process.connected && process.send) process.send(message, undefined, undefined, () => process.exit(1));
    else process.exit(1);
  }
}
