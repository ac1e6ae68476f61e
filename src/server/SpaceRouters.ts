// The routers one Space uses on this node. The source router holds the Stage's producers (on the
// origin node they are made there; on an edge node they arrive there from the origin); every other
// worker of the pool may carry a router of the Space for listeners, fed from the source with
// `pipeToRouter`, once per producer and router. A new listener goes to the least loaded worker, so one
// Space can use every core of the machine.
import type { types as ms } from 'mediasoup';
import type { Logger } from './logger.js';
import type { WorkerPool } from './WorkerPool.js';

/** Pipes inside one machine need neither encryption nor retransmission. */
const LOCAL_PIPE: Pick<ms.PipeToRouterOptions, 'listenInfo' | 'enableSctp' | 'enableSrtp' | 'enableRtx'> = {
  listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
  enableSctp: false,
  enableSrtp: false,
  enableRtx: false,
};

export class SpaceRouters {
  /** The node's workers; none for a Space on a bare router (tests of its parts): one router then. */
  readonly #pool: WorkerPool | undefined;
  readonly #codecs: ms.RouterRtpCodecCapability[];
  readonly #logger: Logger;
  /** Where the Stage's producers are on this node. */
  #source: ms.Router;
  /** The Space's listener routers on the other workers, by worker (made on first use). */
  readonly #byWorker = new Map<ms.Worker, Promise<ms.Router>>();
  /** Listener routers made so far and still open. */
  readonly #routers = new Set<ms.Router>();
  /** Producers piped to each listener router: router id → producer id → the pipe being made. */
  readonly #pipes = new Map<string, Map<string, Promise<void>>>();
  /** Routers this class closed on purpose (a move, the end): their closing is not a loss. */
  readonly #retired = new WeakSet<ms.Router>();
  #closed = false;

  constructor(pool: WorkerPool | undefined, source: ms.Router, codecs: ms.RouterRtpCodecCapability[], logger: Logger) {
    this.#pool = pool;
    this.#source = source;
    this.#codecs = codecs;
    this.#logger = logger;
  }

  get source(): ms.Router {
    return this.#source;
  }

  /** Every router of the Space on this node: the source first. */
  routers(): ms.Router[] {
    return [this.#source, ...this.#routers];
  }

  /** Pipes from the source to the listener routers (one per producer and router). */
  get pipeCount(): number {
    let count = 0;
    for (const pipes of this.#pipes.values()) count += pipes.size;
    return count;
  }

  /**
   * Whether `router` (a listener router) died with its worker while the Space's source lives: what
   * was on it must be set up again. False for routers this class closed, and for the source.
   */
  isLost(router: ms.Router): boolean {
    return router !== this.#source && router.closed && !this.#retired.has(router) && !this.#closed && !this.#source.closed;
  }

  /**
   * The router a new listener's receive transport goes on: this Space's router on the least loaded
   * live worker (the source itself when that worker is the source's, or the pool has one worker).
   */
  async forListener(): Promise<ms.Router> {
    const pool = this.#pool;
    const worker = pool?.leastLoadedWorker();
    if (this.#closed || !pool || !worker || worker === pool.workerOf(this.#source)) return this.#source;
    let made = this.#byWorker.get(worker);
    if (!made) {
      made = this.#open(pool, worker);
      this.#byWorker.set(worker, made);
    }
    try {
      const router = await made;
      return router.closed ? this.#source : router;
    } catch (error) {
      this.#logger.warn('could not open a listener router; using the source', { error: String(error) });
      this.#byWorker.delete(worker);
      return this.#source;
    }
  }

  /** Makes `producerId` (on the source router) consumable on `router`; once per producer and router. */
  async reach(producerId: string, router: ms.Router): Promise<void> {
    if (router === this.#source) return;
    let pipes = this.#pipes.get(router.id);
    if (!pipes) {
      pipes = new Map();
      this.#pipes.set(router.id, pipes);
    }
    let pipe = pipes.get(producerId);
    if (!pipe) {
      const forRouter = pipes;
      pipe = this.#source.pipeToRouter({ producerId, router, ...LOCAL_PIPE }).then(({ pipeProducer }) => {
        // The piped producer closes with the original; a new producer of the same id pipes afresh.
        pipeProducer?.observer.once('close', () => forRouter.delete(producerId));
      });
      pipe.catch(() => forRouter.delete(producerId));
      pipes.set(producerId, pipe);
    }
    await pipe;
  }

  /**
   * The source moved to a new router (its worker died): the listener routers go too, since their
   * pipes came from the old one; listeners are placed afresh as they set their media up again.
   */
  setSource(router: ms.Router): void {
    this.#source = router;
    this.#retireAll();
  }

  close(): void {
    this.#closed = true;
    this.#retireAll();
  }

  async #open(pool: WorkerPool, worker: ms.Worker): Promise<ms.Router> {
    const router = await pool.createRouterOn(worker, this.#codecs);
    if (this.#closed) {
      this.#retired.add(router);
      router.close();
      return router;
    }
    this.#routers.add(router);
    router.observer.once('close', () => {
      this.#routers.delete(router);
      this.#pipes.delete(router.id);
      this.#byWorker.delete(worker);
      if (this.isLost(router)) this.#logger.warn('a listener router died with its worker', { routerId: router.id });
    });
    return router;
  }

  #retireAll(): void {
    for (const router of this.#routers) {
      this.#retired.add(router);
      router.close();
    }
    this.#routers.clear();
    this.#byWorker.clear();
    this.#pipes.clear();
  }
}
