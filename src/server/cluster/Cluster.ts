// This node's place among the nodes of one service sharing a Redis (`--redis`, issue 15): its heartbeat
// and load in the registry, the Spaces it is the origin of in the directory, and the media pipes to and
// from other nodes. Without `--redis` there is no Cluster and nothing here runs.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../../shared/errors.js';
import type { ClientRequest } from '../../shared/protocol.js';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { spaceOfResumeToken } from '../Member.js';
import type { Sfu } from '../Sfu.js';
import type { WorkerPool } from '../WorkerPool.js';
import { ClusterBus } from './ClusterBus.js';
import { EdgeFeed } from './EdgeFeed.js';
import { EdgeRelay, type RelayClient } from './EdgeRelay.js';
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
  /** On this node as an edge: the Spaces whose origin is elsewhere that relayed clients here hear. */
  readonly #feeds = new Map<string, EdgeFeed>();
  /** Clients this node relays to other nodes now. */
  #relayed = 0;
  readonly #createRouter: () => Promise<ms.Router>;
  readonly #logger: Logger;

  private constructor(config: ServerConfig, bus: ClusterBus, pool: WorkerPool, load: NodeLoad, logger: Logger, timing: RegistryTiming, createRouter: () => Promise<ms.Router>) {
    this.#createRouter = createRouter;
    this.#logger = logger;
    this.nodeId = bus.nodeId;
    this.bus = bus;
    this.directory = new SpaceDirectory(bus);
    const startedAt = Date.now();
    // CPU is measured between heartbeats: this process and its workers, in cores. The workers are asked
    // on the side: a heartbeat never waits for a worker busy with a burst of listeners (a late heartbeat
    // is a node declared dead).
    let last = { at: process.hrtime.bigint(), cpuMs: 0 };
    let cpu = 0;
    let sampling = false;
    const sampleCpu = () => {
      if (sampling) return;
      sampling = true;
      pool
        .usage()
        .then((usage) => {
          const { user, system } = process.cpuUsage();
          const cpuMs = usage.reduce((sum, w) => sum + w.cpuMs, 0) + (user + system) / 1000;
          const at = process.hrtime.bigint();
          const elapsedMs = Number(at - last.at) / 1e6;
          if (last.cpuMs > 0 && elapsedMs > 0) cpu = Math.max(0, (cpuMs - last.cpuMs) / elapsedMs);
          last = { at, cpuMs };
        })
        .catch(() => undefined)
        .finally(() => (sampling = false));
    };
    const self = async (): Promise<NodeInfo> => {
      sampleCpu();
      const { workers, consumers } = pool.load();
      return {
        id: this.nodeId,
        url: this.url,
        startedAt,
        workers,
        consumers,
        listeners: load.listeners() + this.#relayed,
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
  static async start(
    config: ServerConfig,
    pool: WorkerPool,
    load: NodeLoad,
    logger: Logger,
    createRouter: () => Promise<ms.Router>,
    timing: RegistryTiming = DEFAULT_TIMING,
  ): Promise<Cluster> {
    if (!config.redis) throw new Error('a cluster needs --redis');
    const nodeId = config.nodeId ?? `node-${process.pid}-${Date.now().toString(36)}`;
    const bus = await ClusterBus.connect(config.redis, nodeId, logger.child({ component: 'cluster' }));
    const cluster = new Cluster(config, bus, pool, load, logger.child({ component: 'cluster', nodeId }), timing, createRouter);
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

  /**
   * A client not in a Space yet asks for one (`space.join`, `space.preview`, `space.resume`): when that
   * Space's origin is another live node, its connection is relayed there from now on (answers the
   * relay); undefined when this node serves it itself (the Space is here, or the request names none).
   */
  async relay(sfu: Sfu, request: ClientRequest, client: RelayClient, logger: Logger): Promise<EdgeRelay | undefined> {
    const spaceId = spaceOf(sfu, request);
    if (!spaceId || sfu.space(spaceId)) return undefined;
    if (!this.bus.up) throw new ProtocolError('unavailable', 'this node cannot find the Space’s node while its Redis is out of reach; try again in a moment');
    const claim = await this.directory.lookup(spaceId);
    if (!claim || claim.origin === this.nodeId) return undefined;
    let origin = this.registry.info(claim.origin);
    if (!origin?.url) origin = await this.registry.read(claim.origin);
    if (!origin || !origin.url) throw new ProtocolError('unavailable', 'the Space’s node is not answering; try again in a moment');
    let feed = this.#feeds.get(spaceId);
    if (!feed || feed.origin !== claim.origin) {
      feed = new EdgeFeed(spaceId, claim.origin, this.#createRouter, this.pipes);
      this.#feeds.set(spaceId, feed);
    }
    const made = feed;
    const relay = await EdgeRelay.open(sfu, made, origin.url, client, logger);
    this.#relayed++;
    relay.onClosed(() => {
      this.#relayed--;
      if (made.users === 0 && this.#feeds.get(spaceId) === made) this.#feeds.delete(spaceId);
    });
    return relay;
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
      relayed: this.#relayed,
      pipes: this.pipes.pipeCount,
      pipedProducers: this.pipes.pipedProducers,
      bus: this.bus.stats,
    };
  }

  /** Clients this node relays to other nodes now. */
  get relayed(): number {
    return this.#relayed;
  }

  /** Says goodbye (others take over at once) and disconnects. */
  async close(): Promise<void> {
    this.pipes.close();
    await this.registry.deregister();
    this.bus.close();
  }
}

/** The Space a request of a client not yet in one names, if any. */
function spaceOf(sfu: Sfu, request: ClientRequest): string | undefined {
  if (request.type === 'space.join' || request.type === 'space.preview') {
    const verified = sfu.tokens.verify(request.data.token, 'join');
    return verified.ok ? verified.claims.spaceId : undefined;
  }
  if (request.type === 'space.resume') return spaceOfResumeToken(request.data.resumeToken);
  return undefined;
}
