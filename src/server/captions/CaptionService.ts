// Live captions for every Space of one SFU: one caption worker process (started when the first Space
// turns captions on), the SpaceCaptions of each live Space, and the saved captions of ended ones.
// Lines and load reports from the worker are routed to the Space their talker belongs to.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { Space } from '../Space.js';
import { CaptionStore } from './CaptionStore.js';
import { CaptionWorkerProcess } from './CaptionWorkerProcess.js';
import { BEHIND_MS, SHED_MS } from './CaptionWorkerCore.js';
import type { EngineChoice } from './engines/CaptionEngine.js';
import { SpaceCaptions } from './SpaceCaptions.js';

export interface CaptionServiceOptions {
  engine: EngineChoice;
  /** Recognition streams the worker keeps at most (each ~90 MB with pocketsphinx). */
  maxStreams: number;
  /** The built caption worker script; defaults to `defaultWorkerScript()`. */
  workerScript?: string;
  dataDir?: string;
  /** How far behind a speaker's captions may fall before audio is skipped, ms. */
  shedMs?: number;
  /** nice(1) value of the worker (default 10: below the SFU and its media workers). */
  nice?: number;
  /** Silence after which a ready worker is killed and restarted, ms (default WATCHDOG_MS). */
  watchdogMs?: number;
}

/**
 * The built caption worker: beside the running bundle (out/main/caption-worker.js, where electron-vite
 * puts both), or, when the server runs from source (tests, tsx), the build's copy in out/main.
 */
export function defaultWorkerScript(here = import.meta.dirname): string {
  const beside = join(here, 'caption-worker.js');
  if (existsSync(beside) || !existsSync(join(here, 'caption-worker.ts'))) return beside;
  return join(here, '..', '..', '..', 'out', 'main', 'caption-worker.js');
}

export class CaptionService {
  readonly store: CaptionStore;
  readonly #logger: Logger;
  readonly #worker: CaptionWorkerProcess;
  readonly #spaces = new Map<string, SpaceCaptions>();
  readonly #thresholds: { behindMs: number; shedMs: number };
  #engineName: string | undefined;

  constructor(options: CaptionServiceOptions, logger: Logger) {
    this.#logger = logger.child({ component: 'captions' });
    this.store = new CaptionStore(options.dataDir);
    this.#thresholds = { behindMs: BEHIND_MS, shedMs: options.shedMs ?? SHED_MS };
    const script = options.workerScript ?? defaultWorkerScript();
    this.#worker = new CaptionWorkerProcess(script, { engine: options.engine, maxStreams: options.maxStreams, shedMs: options.shedMs }, this.#logger, {
      nice: options.nice,
      watchdogMs: options.watchdogMs,
    });
    if (!existsSync(script)) this.#logger.warn('caption worker script missing: build first (npm run build)', { script });
    this.#worker.on('ready', ({ engine }) => {
      this.#engineName = engine;
      for (const captions of this.#spaces.values()) captions.onLoad({ backlogMs: {}, skippedMs: {} }, this.#thresholds);
    });
    this.#worker.on('line', (line) => this.#spaces.get(line.talker.split(':')[0]!)?.onWorkerLine(line));
    this.#worker.on('load', (load) => {
      for (const captions of this.#spaces.values()) captions.onLoad(load, this.#thresholds);
    });
    this.#worker.on('down', () => {
      for (const captions of this.#spaces.values()) {
        captions.onWorkerDown();
        captions.onLoad('down', this.#thresholds);
      }
    });
  }

  /** The engine the worker runs, once it is up. */
  get engineName(): string | undefined {
    return this.#engineName;
  }

  get workerPid(): number | undefined {
    return this.#worker.pid;
  }

  /** The caption worker process (for operators' health checks and tests). */
  get worker(): CaptionWorkerProcess {
    return this.#worker;
  }

  /** Gives a new Space its captions (on or off as the host chose at creation). */
  attach(space: Space, enabled: boolean): SpaceCaptions {
    if (enabled) this.#ensureRunning();
    const captions = new SpaceCaptions({
      space,
      worker: { send: (message) => this.#worker.send(message), ensureRunning: () => this.#ensureRunning() },
      store: this.store,
      logger: this.#logger.child({ spaceId: space.id }),
      enabled,
    });
    this.#spaces.set(space.id, captions);
    space.once('ended', () => this.#spaces.delete(space.id));
    return captions;
  }

  of(spaceId: string): SpaceCaptions | undefined {
    return this.#spaces.get(spaceId);
  }

  close(): void {
    for (const captions of this.#spaces.values()) captions.close();
    this.#spaces.clear();
    this.#worker.close();
  }

  #ensureRunning(): string | undefined {
    if (this.#worker.fatal) return this.#worker.fatal;
    this.#worker.start();
    return undefined;
  }
}
