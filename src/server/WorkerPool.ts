// The mediasoup worker processes, one per core by default. New Spaces go to the least loaded worker.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';

export type WorkerPoolEvents = {
  /** A worker process died; the Spaces routed on it must move (issue 6). */
  workerdied: [worker: ms.Worker, error: Error];
};

export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  /** Live workers with the number of routers each carries. */
  readonly #load = new Map<ms.Worker, number>();
  readonly #logger: Logger;
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

  async #spawn(rtcMinPort: number, rtcMaxPort: number, logLevel: ms.WorkerLogLevel): Promise<void> {
    const worker = await mediasoup.createWorker({ rtcMinPort, rtcMaxPort, logLevel });
    this.#load.set(worker, 0);
    this.#logger.info('worker started', { pid: worker.pid, rtcMinPort, rtcMaxPort });
    worker.on('died', (error: Error) => {
      this.#load.delete(worker);
      this.#logger.error('worker died', { pid: worker.pid, error });
      this.safeEmit('workerdied', worker, error);
    });
  }
}
