// This node's place among the nodes of one service sharing a Redis (`--redis`, issue 15): its heartbeat
// and load in the registry, the Spaces it is the origin of in the directory, and the media pipes to and
// from other nodes. Without `--redis` there is no Cluster and nothing here runs.
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { WorkerPool } from '../WorkerPool.js';
import { ClusterBus } from './ClusterBus.js';
import type { NodeInfo } from './messages.js';
import { NodePipes, type PipeSource } from './NodePipes.js';
import { DEFAULT_TIMING, NodeRegistry, type RegistryTiming } from './NodeRegistry.js';
import { SpaceDirectory } from './SpaceDirectory.js';

/** What the node tells the cluster about itself, read at each heartbeat. */
export interface NodeLoad {
  listeners(): number;
  origins(): number;
  /** The Spaces live here, claimed again when Redis comes back (perhaps empty). */
  spaceIds(): string[];
  /** A producer of a Space this node is the origin of, for another node's pipe. */
  source(spaceId: string, producerId: string): PipeSource | undefined;
}

export class Cluster {
  readonly nodeId: string;
  readonly bus: ClusterBus;
  readonly registry: NodeRegistry;
  readonly directory: SpaceDirectory;
  readonly pipes: NodePipes;
  /** Where clients reach this node directly (known once the HTTP server listens). */
  url = '';
  readonly #logger: Logger;

  private constructor(config: ServerConfig, bus: ClusterBus, pool: WorkerPool, load: NodeLoad, logger: Logger, timing: RegistryTiming) {
    this.#logger = logger;
    this.nodeId = bus.nodeId;
    this.bus = bus;
    this.directory = new SpaceDirectory(bus);
    const startedAt = Date.now();
    // CPU is measured between heartbeats: this process and its workers, in cores.
    let last = { at: process.hrtime.bigint(), cpuMs: 0 };
    const self = async (): Promise<NodeInfo> => {
      const usage = await pool.usage();
      const cpuMs = usage.reduce((sum, w) => sum + w.cpuMs, 0) + (process.cpuUsage().user + process.cpuUsage().system) / 1000;
      const at = process.hrtime.bigint();
      const elapsedMs = Number(at - last.at) / 1e6;
      const cpu = last.cpuMs > 0 && elapsedMs > 0 ? Math.max(0, (cpuMs - last.cpuMs) / elapsedMs) : 0;
      last = { at, cpuMs };
      const { workers, consumers } = pool.load();
      return {
        id: this.nodeId,
        url: this.url,
        startedAt,
        workers,
        consumers,
        listeners: load.listeners(),
        cpu: Math.round(cpu * 1000) / 1000,
        origins: load.origins(),
        at: Date.now(),
      };
    };
    this.registry = new NodeRegistry(bus, self, logger, timing);
    const { host, announcedIp, rtcMinPort, rtcMaxPort } = config;
    this.pipes = new NodePipes(
      bus,
      { ip: host, ...(announcedIp ? { announcedAddress: announcedIp } : {}), portRange: { min: rtcMinPort, max: rtcMaxPort } },
      (spaceId, producerId) => load.source(spaceId, producerId),
      logger,
    );
    this.registry.on('nodegone', (nodeId) => this.pipes.nodeGone(nodeId));
    bus.on('up', () => {
      for (const spaceId of load.spaceIds()) {
        this.claim(spaceId).catch((error: unknown) => logger.warn('could not claim a Space again after Redis came back', { spaceId, error: String(error) }));
      }
    });
  }

  /** Connects to Redis, writes the first heartbeat and reads the others'; fails when Redis does not answer. */
  static async start(config: ServerConfig, pool: WorkerPool, load: NodeLoad, logger: Logger, timing: RegistryTiming = DEFAULT_TIMING): Promise<Cluster> {
    if (!config.redis) throw new Error('a cluster needs --redis');
    const nodeId = config.nodeId ?? `node-${process.pid}-${Date.now().toString(36)}`;
    const bus = await ClusterBus.connect(config.redis, nodeId, logger.child({ component: 'cluster' }));
    const cluster = new Cluster(config, bus, pool, load, logger.child({ component: 'cluster', nodeId }), timing);
    await cluster.registry.start();
    cluster.#logger.info('joined the cluster', { nodeId, nodes: cluster.registry.live().map((n) => n.id) });
    return cluster;
  }

  /** A Space opened here: this node is its origin, unless another live node already is (answers false). */
  async claim(spaceId: string): Promise<boolean> {
    // Redis out of reach: the Space runs here, and is claimed when Redis comes back (see `up`).
    if (!this.bus.up) return true;
    const claim = await this.directory.claim(spaceId);
    if (claim.origin === this.nodeId) return true;
    if (this.registry.isLive(claim.origin)) return false;
    return (await this.directory.takeOver(spaceId, claim.origin)).origin === this.nodeId;
  }

  /** The Space ended here: its claim goes. */
  async release(spaceId: string): Promise<void> {
    try {
      await this.directory.release(spaceId);
    } catch (error) {
      this.#logger.warn('could not release a Space’s origin claim (it goes when the heartbeat does)', { spaceId, error: String(error) });
    }
  }

  /** For /healthz/cluster: the live nodes as last read, and what this node's bus and pipes carry. */
  status() {
    return {
      nodeId: this.nodeId,
      redis: this.bus.up ? 'up' : 'down',
      nodes: this.registry.live(),
      pipes: this.pipes.pipeCount,
      pipedProducers: this.pipes.pipedProducers,
      bus: this.bus.stats,
    };
  }

  /** Says goodbye (others take over at once) and disconnects. */
  async close(): Promise<void> {
    this.pipes.close();
    await this.registry.deregister();
    this.bus.close();
  }
}
