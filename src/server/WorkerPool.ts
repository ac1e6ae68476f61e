// The mediasoup worker processes, one per core by default, each with its WebRtcServer: every WebRTC
// client of a worker reaches it on one UDP port (and one TCP port as fallback). New Spaces go to the
// least loaded worker. A worker that dies is replaced on the same ports; routers asked for meanwhile
// wait for a live worker, however many died.
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

/** One worker's place in the pool: the ports it owns, kept for its replacement. */
interface WorkerSlot {
  index: number;
  /** This worker's WebRtcServer (`--rtc-ports server`), which every WebRTC transport on it uses. */
  webRtcServer: ms.WebRtcServer | undefined;
  /** The UDP and TCP ports its WebRtcServer bound (the same number for both when fixed). */
  ports: { udp: number; tcp: number } | undefined;
  /** This worker's slice of the RTC port range (`--rtc-ports range`, or where `--rtc-port 0` picks). */
  portRange: { min: number; max: number };
  /** Routers it carries. */
  routers: number;
  /** Consumers on its routers (pipes included): what fan-out costs it. */
  consumers: number;
  /** WebRTC and plain transports on its routers (pipes not counted): one per listener placed. */
  transports: number;
}

/** What the pool carries now, for the cluster's node registry and /healthz. */
export interface PoolLoad {
  workers: number;
  consumers: number;
  transports: number;
}

/** Per-worker figures for /healthz and the logs, from `worker.getResourceUsage()`. */
export interface WorkerUsage {
  pid: number;
  routers: number;
  consumers: number;
  transports: number;
  webRtcPorts: { udp: number; tcp: number } | null;
  /** CPU time the worker used so far, user + system, milliseconds. */
  cpuMs: number;
  /** Its peak resident memory, KiB. */
  maxRssKiB: number;
}

/** How long a router request waits for a live worker before it gives up. */
const NO_WORKER_TIMEOUT_MS = 20_000;

export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  /** Live workers and their slots. A dead worker leaves this map in the same tick its routers close. */
  readonly #slots = new Map<ms.Worker, WorkerSlot>();
  /** Which live worker each router runs on. */
  readonly #routerWorkers = new WeakMap<ms.Router, ms.Worker>();
  readonly #config: ServerConfig;
  readonly #logger: Logger;
  /** Replacement spawns run one after another, each on its dead worker's ports. */
  #respawning: Promise<void> = Promise.resolve();
  /** Router requests waiting for a live worker (all workers dead and not yet replaced). */
  #waiters: Array<() => void> = [];
  #closed = false;

  private constructor(config: ServerConfig, logger: Logger) {
    super();
    this.#config = config;
    this.#logger = logger;
  }

  static async start(config: ServerConfig, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(config, logger.child({ component: 'workers' }));
    const perWorker = Math.floor((config.rtcMaxPort - config.rtcMinPort + 1) / config.workers);
    if (perWorker < 1) throw new Error('the RTC port range is smaller than the number of workers');
    try {
      for (let index = 0; index < config.workers; index++) {
        // Each worker gets its own slice of the port range so they never compete for a port.
        const min = config.rtcMinPort + index * perWorker;
        const fixed = config.rtcPort === 0 ? undefined : { udp: config.rtcPort + index, tcp: config.rtcPort + index };
        await pool.#spawn({ index, webRtcServer: undefined, ports: fixed, portRange: { min, max: min + perWorker - 1 }, routers: 0, consumers: 0, transports: 0 });
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.#slots.size;
  }

  workers(): ms.Worker[] {
    return [...this.#slots.keys()];
  }

  /** The live worker `router` runs on. */
  workerOf(router: ms.Router): ms.Worker | undefined {
    const worker = this.#routerWorkers.get(router);
    return worker && this.#slots.has(worker) ? worker : undefined;
  }

  /** The WebRtcServer of the worker `router` runs on, when the pool runs one per worker. */
  webRtcServerFor(router: ms.Router): ms.WebRtcServer | undefined {
    const worker = this.workerOf(router);
    return worker ? this.#slots.get(worker)!.webRtcServer : undefined;
  }

  /** The RTC port slice of the worker `router` runs on (for per-transport ports). */
  portRangeFor(router: ms.Router): { min: number; max: number } | undefined {
    const worker = this.workerOf(router);
    return worker ? this.#slots.get(worker)!.portRange : undefined;
  }

  /**
   * Creates a router on the least loaded live worker. When no worker is live (they all died and the
   * replacements are starting) it waits for one; when the chosen worker dies under the request, it
   * tries the next live one. Fails only when the pool closes or no worker comes up in 20 s.
   */
  async createRouter(mediaCodecs: ms.RouterRtpCodecCapability[]): Promise<ms.Router> {
    const deadline = Date.now() + NO_WORKER_TIMEOUT_MS;
    for (;;) {
      if (this.#closed) throw new Error('the worker pool is closed');
      const worker = this.#leastLoaded();
      if (!worker) {
        if (Date.now() >= deadline) throw new Error('no mediasoup worker came up in time');
        await this.#workerAvailable(deadline);
        continue;
      }
      try {
        const router = await worker.createRouter({ mediaCodecs });
        if (router.closed || worker.died) continue; // its worker died as it answered
        this.#adopt(worker, router);
        return router;
      } catch (error) {
        // A worker that died under the request ("Channel closed") leaves the pool; try another.
        if (worker.died || worker.closed || this.#closed) continue;
        throw error;
      }
    }
  }

  /**
   * The live worker carrying the least (consumers and transports): where a Space puts its next
   * listener, so one Space can use every core.
   */
  leastLoadedWorker(): ms.Worker | undefined {
    let best: [ms.Worker, WorkerSlot] | undefined;
    for (const entry of this.#slots) {
      if (entry[0].died || entry[0].closed) continue;
      const load = entry[1].consumers + entry[1].transports;
      if (!best || load < best[1].consumers + best[1].transports) best = entry;
    }
    return best?.[0];
  }

  /** Creates a router on one given live worker (a Space's router for listeners on that worker). */
  async createRouterOn(worker: ms.Worker, mediaCodecs: ms.RouterRtpCodecCapability[]): Promise<ms.Router> {
    if (this.#closed || !this.#slots.has(worker)) throw new Error('that worker is not live');
    const router = await worker.createRouter({ mediaCodecs });
    if (router.closed || worker.died) throw new Error('the worker died as it made the router');
    this.#adopt(worker, router);
    return router;
  }

  /** Consumers and transports over every live worker. */
  load(): PoolLoad {
    let consumers = 0;
    let transports = 0;
    for (const slot of this.#slots.values()) {
      consumers += slot.consumers;
      transports += slot.transports;
    }
    return { workers: this.#slots.size, consumers, transports };
  }

  /** CPU and memory of each live worker. */
  async usage(): Promise<WorkerUsage[]> {
    const rows = await Promise.all(
      [...this.#slots].map(async ([worker, slot]) => {
        try {
          const usage = await worker.getResourceUsage();
          return {
            pid: worker.pid,
            routers: slot.routers,
            consumers: slot.consumers,
            transports: slot.transports,
            webRtcPorts: slot.ports ?? null,
            cpuMs: usage.ru_utime + usage.ru_stime,
            maxRssKiB: usage.ru_maxrss,
          };
        } catch {
          return undefined; // died while asked
        }
      }),
    );
    return rows.filter((row): row is WorkerUsage => row !== undefined);
  }

  close(): void {
    this.#closed = true;
    for (const worker of this.#slots.keys()) worker.close();
    this.#slots.clear();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #leastLoaded(): ms.Worker | undefined {
    let best: [ms.Worker, WorkerSlot] | undefined;
    for (const entry of this.#slots) {
      if (entry[0].died || entry[0].closed) continue;
      if (!best || entry[1].routers < best[1].routers) best = entry;
    }
    return best?.[0];
  }

  #adopt(worker: ms.Worker, router: ms.Router): void {
    const slot = this.#slots.get(worker)!;
    slot.routers++;
    this.#routerWorkers.set(router, worker);
    router.observer.once('close', () => {
      slot.routers--;
    });
    // Load follows the router's transports and consumers; a dead worker's slot is replaced whole.
    router.observer.on('newtransport', (transport) => {
      const counted = transport.type !== 'pipe';
      if (counted) slot.transports++;
      transport.observer.on('newconsumer', (consumer) => {
        slot.consumers++;
        consumer.observer.once('close', () => slot.consumers--);
      });
      transport.observer.once('close', () => {
        if (counted) slot.transports--;
      });
    });
  }

  #workerAvailable(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(finish);
    });
  }

  async #spawn(slot: WorkerSlot): Promise<ms.Worker> {
    const logLevel: ms.WorkerLogLevel = this.#config.logLevel === 'debug' ? 'debug' : 'warn';
    const worker = await mediasoup.createWorker({ logLevel });
    try {
      if (this.#config.rtcPorts === 'server') await this.#startWebRtcServer(worker, slot);
    } catch (error) {
      worker.close();
      throw error;
    }
    if (this.#closed) {
      worker.close();
      return worker;
    }
    slot.routers = 0;
    slot.consumers = 0;
    slot.transports = 0;
    this.#slots.set(worker, slot);
    this.#logger.info('worker started', { pid: worker.pid, webRtcPorts: slot.ports ?? null, portRange: slot.portRange });
    worker.on('died', (error) => this.#onDied(worker, slot, error));
    for (const wake of this.#waiters.splice(0)) wake();
    return worker;
  }

  /**
   * One UDP and one TCP port for every WebRTC client of this worker. A replacement takes the dead
   * worker's ports; with `--rtc-port 0` the first worker on a slot picks free ones in its slice.
   */
  async #startWebRtcServer(worker: ms.Worker, slot: WorkerSlot): Promise<void> {
    const { host, announcedIp } = this.#config;
    const listen = (protocol: 'udp' | 'tcp', port: number | undefined): ms.TransportListenInfo => ({
      protocol,
      ip: host,
      ...(announcedIp ? { announcedAddress: announcedIp } : {}),
      ...(port === undefined ? { portRange: slot.portRange } : { port }),
    });
    const server = await worker.createWebRtcServer({
      listenInfos: [listen('udp', slot.ports?.udp), listen('tcp', slot.ports?.tcp)],
      appData: { slot: slot.index },
    });
    const dump = await server.dump();
    slot.webRtcServer = server;
    slot.ports = { udp: dump.udpSockets[0]!.port, tcp: dump.tcpServers[0]!.port };
  }

  #onDied(worker: ms.Worker, slot: WorkerSlot, error: Error): void {
    this.#slots.delete(worker);
    slot.webRtcServer = undefined;
    this.#logger.error('worker died', { pid: worker.pid, error });
    // Start the replacement before telling anyone, so the Spaces can move as soon as possible.
    if (!this.#closed) {
      this.#respawning = this.#respawning
        .then(() => this.#spawnReplacement(slot))
        .catch((spawnError: unknown) => this.#logger.error('could not replace a dead worker', { error: spawnError }));
    }
    this.safeEmit('workerdied', worker, error);
  }

  /** Replaces a dead worker, retrying (its ports may take a moment to be free) until the pool closes. */
  async #spawnReplacement(slot: WorkerSlot): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        const replacement = await this.#spawn(slot);
        if (!this.#closed) this.safeEmit('workerreplaced', replacement);
        return;
      } catch (error) {
        this.#logger.error('replacement worker failed to start; retrying', { attempt, error });
        // Ports we picked ourselves (`--rtc-port 0`) need not be kept: clients get new candidates anyway.
        if (attempt >= 3 && this.#config.rtcPort === 0) slot.ports = undefined;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempt)));
      }
    }
  }
}
