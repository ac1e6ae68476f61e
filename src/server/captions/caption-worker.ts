// The caption worker process's entry (built to out/main/caption-worker.js and forked by the SFU): the
// main loop of worker-main.ts with the engine the server was configured with.
import { openEngine } from './engines/openEngine.js';
import { runCaptionWorker } from './worker-main.js';

void runCaptionWorker(openEngine);
