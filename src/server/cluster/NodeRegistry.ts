// Which nodes of the service are alive, and how loaded: each node writes its heartbeat (its NodeInfo) to
// Redis every second under a key that expires after a few seconds, and reads everyone's. A node whose
// key expired is gone (`nodegone`). While Redis is down nobody can tell, so nobody is declared gone;
// after Redis comes back (perhaps empty) every node writes at once, and deaths are judged only once a
// whole expiry has passed.
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import type { ClusterBus } from './ClusterBus.js';
import { NodeInfoSchema, type NodeInfo } from './messages.js';

export type NodeRegistryEvents = {
  /** A node's heartbeat expired (or it said goodbye): its clients and Spaces must go elsewhere. */
  nodegone: [nodeId: string];
};

export const NODE_KEY_PREFIX = 'hostline:node:';
export const NODES_KEY = 'hostline:nodes';

export interface RegistryTiming {
  /** How often each node writes its heartbeat. */
  heartbeatMs: number;
  /** A heartbeat older than this is a dead node. */
  expiryMs: number;
  /** How often the others' heartbeats are read. */
  watchMs: number;
}

export const DEFAULT_TIMING: RegistryTiming = { heartbeatMs: 1000, expiryMs: 3000, watchMs: 500 };

export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly #bus: ClusterBus;
  readonly #logger: Logger;
  readonly #timing: RegistryTiming;
  /** This node's heartbeat, made fresh each time. */
  readonly #self: () => Promise<NodeInfo>;
  /** The live nodes as last read (this one included). */
  readonly #live = new Map<string, NodeInfo>();
  #beatTimer: ReturnType<typeof setInterval> | undefined;
  #watchTimer: ReturnType<typeof setInterval> | undefined;
  /** Deaths are not judged before this (after a start or after Redis came back). */
  #judgeFrom = 0;
  #closed = false;

  constructor(bus: ClusterBus, self: () => Promise<NodeInfo>, logger: Logger, timing: RegistryTiming = DEFAULT_TIMING) {
    super();
    this.#bus = bus;
    this.#self = self;
    this.#logger = logger;
    this.#timing = timing;
    bus.on('up', () => {
      this.#judgeFrom = Date.now() + timing.expiryMs + timing.heartbeatMs;
      void this.beat();
    });
  }

  /** Writes the first heartbeat and starts beating and watching. */
  async start(): Promise<void> {
    this.#judgeFrom = Date.now() + this.#timing.expiryMs + this.#timing.heartbeatMs;
    await this.beat();
    await this.#watch();
    this.#beatTimer = setInterval(() => void this.beat(), this.#timing.heartbeatMs);
    this.#watchTimer = setInterval(() => void this.#watch(), this.#timing.watchMs);
    this.#beatTimer.unref();
    this.#watchTimer.unref();
  }

  /** The live nodes (this one included), as last read. */
  live(): NodeInfo[] {
    return [...this.#live.values()];
  }

  info(nodeId: string): NodeInfo | undefined {
    return this.#live.get(nodeId);
  }

  /** A node's heartbeat as Redis holds it now (fresher than the last read), if it is alive. */
  async read(nodeId: string): Promise<NodeInfo | undefined> {
    const text = await this.#bus.redis.get(NODE_KEY_PREFIX + nodeId);
    const parsed = text ? NodeInfoSchema.safeParse(JSON.parse(text)) : undefined;
    if (!parsed?.success) return undefined;
    this.#live.set(nodeId, parsed.data);
    return parsed.data;
  }

  isLive(nodeId: string): boolean {
    return this.#live.has(nodeId);
  }

  /** Writes this node's heartbeat now. */
  async beat(): Promise<void> {
    if (this.#closed || !this.#bus.up) return;
    try {
      const info = await this.#self();
      const text = JSON.stringify(info);
      await this.#bus.redis.multi().set(NODE_KEY_PREFIX + info.id, text, 'PX', this.#timing.expiryMs).sadd(NODES_KEY, info.id).exec();
      this.#live.set(info.id, info);
    } catch (error) {
      if (this.#bus.up) this.#logger.warn('could not write this node’s heartbeat', { error: String(error) });
    }
  }

  /** Says goodbye: the key goes at once, so others take over without waiting for it to expire. */
  async deregister(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#beatTimer);
    clearInterval(this.#watchTimer);
    if (!this.#bus.up) return;
    try {
      await this.#bus.redis.multi().del(NODE_KEY_PREFIX + this.#bus.nodeId).srem(NODES_KEY, this.#bus.nodeId).exec();
    } catch {
      // Redis went away meanwhile: the key expires by itself.
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#beatTimer);
    clearInterval(this.#watchTimer);
  }

  async #watch(): Promise<void> {
    if (this.#closed || !this.#bus.up) return;
    try {
      const members = await this.#bus.redis.smembers(NODES_KEY);
      const ids = [...new Set([...members, ...this.#live.keys()])];
      const values = ids.length ? await this.#bus.redis.mget(ids.map((id) => NODE_KEY_PREFIX + id)) : [];
      const judging = Date.now() >= this.#judgeFrom;
      for (const [i, id] of ids.entries()) {
        const text = values[i];
        if (text) {
          const parsed = NodeInfoSchema.safeParse(JSON.parse(text));
          if (parsed.success) this.#live.set(id, parsed.data);
          continue;
        }
        if (id === this.#bus.nodeId || !judging) continue;
        // Its heartbeat expired: it is gone. Every node that knew it tells its own parts.
        const known = this.#live.delete(id);
        // A node that died before we watched is still in the set: the first to take it out says so.
        const removed = await this.#bus.redis.srem(NODES_KEY, id);
        if (known || removed === 1) {
          this.#logger.warn('a node is gone (its heartbeat expired)', { nodeId: id });
          this.safeEmit('nodegone', id);
        }
      }
    } catch (error) {
      if (this.#bus.up) this.#logger.warn('could not read the nodes’ heartbeats', { error: String(error) });
    }
  }
}
