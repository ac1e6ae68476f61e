// The mediasoup worker processes, one per core by default. New Spaces go to the least loaded worker.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';

export type WorkerPoolEvents = {
  /** A worker process died; its routers are closed and the Spaces on them must move. */
  workerdied: [worker: ms.Worker, error: Error];
  /** A replacement worker is up after a death. */
  workerreplaced: [worker: ms.Worker];
};

export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  /** Live workers with the number of routers each carries. */
  readonly #load = new Map<ms.Worker, number>();
  readonly #logger: Logger;
  /** Each worker's RTC port slice, so a replacement gets the dead one's ports. */
  readonly #slices = new Map<ms.Worker, { rtcMinPort: number; rtcMaxPort: number; logLevel: ms.WorkerLogLevel }>();
  /** Replacement spawns in flight; routers wait for them when no worker is left. */
  #respawning: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(logger: Logger) {
    super();
    this.#logger = logger;
  }

  static async start(config: ServerConfig, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(logger.child({ component: 'workers' }));
    const perWorker = Math.floor((config.rtcMaxPort - config.rtcMinPort + 1) / config.workers);
    if (perWorker < 1) throw new Error('the RTC port range is smaller than the number of workers');
    for (let i = 0; i < config.workers; i++) {
      // Each worker gets its own slice of the port range so they never compete for a port.
      const rtcMinPort = config.rtcMinPort + i * perWorker;
      await pool.#spawn(rtcMinPort, rtcMinPort + perWorker - 1, config.logLevel === 'debug' ? 'debug' : 'warn');
    }
    return pool;
  }

  get size(): number {
    return this.#load.size;
  }

  workers(): ms.Worker[] {
    return [...this.#load.keys()];
  }

  /** Creates a router on the least loaded worker. */
  async createRouter(mediaCodecs: ms.RtpCodecCapability[]): Promise<ms.Router> {
    if (this.#closed) throw new Error('the worker pool is closed');
    if (this.#load.size === 0) await this.#respawning;
    const [worker] = [...this.#load.entries()].sort((a, b) => a[1] - b[1])[0] ?? [];
    if (!worker) throw new Error('no mediasoup worker is running');
    const router = await worker.createRouter({ mediaCodecs });
    this.#load.set(worker, (this.#load.get(worker) ?? 0) + 1);
    router.observer.once('close', () => {
      const load = this.#load.get(worker);
      if (load !== undefined) this.#load.set(worker, load - 1);
    });
    return router;
  }

  close(): void {
    this.#closed = true;
    for (const worker of this.#load.keys()) worker.close();
    this.#load.clear();
  }

  async #spawn(rtcMinPort: number, rtcMaxPort: number, logLevel: ms.WorkerLogLevel): Promise<ms.Worker> {
    const worker = await mediasoup.createWorker({ rtcMinPort, rtcMaxPort, logLevel });
    this.#load.set(worker, 0);
    this.#slices.set(worker, { rtcMinPort, rtcMaxPort, logLevel });
    this.#logger.info('worker started', { pid: worker.pid, rtcMinPort, rtcMaxPort });
    worker.on('died', (error: Error) => {
      this.#load.delete(worker);
      const slice = this.#slices.get(worker)!;
      this.#slices.delete(worker);
      this.#logger.error('worker died', { pid: worker.pid, error });
      // Start the replacement before telling anyone, so the Spaces can move as soon as possible.
      if (!this.#closed) {
        this.#respawning = this.#respawning
          .then(() => this.#spawn(slice.rtcMinPort, slice.rtcMaxPort, slice.logLevel))
          .then((replacement) => this.safeEmit('workerreplaced', replacement))
          .catch((spawnError: unknown) => this.#logger.error('could not replace a dead worker', { error: spawnError }));
      }
      this.safeEmit('workerdied', worker, error);
    });
    return worker;
  }
}
