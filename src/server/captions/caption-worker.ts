// The caption worker process: the SFU forks it (at lower CPU priority than the SFU and its media
// workers) and sends it speech; it answers caption lines and, every second, its load. A crash here
// costs captions for a moment, never the Space or its audio.
import { CaptionWorkerCore } from './CaptionWorkerCore.js';
import { openEngine } from './engines/openEngine.js';
import type { CaptionWorkerOptions, FromCaptionWorker, ToCaptionWorker } from './worker-messages.js';

const LOAD_EVERY_MS = 1000;

function send(message: FromCaptionWorker): void {
  process.send?.(message);
}

async function main(): Promise<void> {
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
}

main().catch((error: unknown) => {
  send({ t: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
