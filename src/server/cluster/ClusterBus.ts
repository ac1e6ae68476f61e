// Messages between the nodes of one service, over Redis pub/sub: each node listens on its own channel;
// what one node sends another in the same moment goes out as one publish (a batch), in order. Calls
// wait for an answer, with a time-out. Redis going away is seen at once (`down`): sends then fail
// instead of queueing, so callers can answer clients clearly, and `up` tells them to resynchronise.
import { Redis } from 'ioredis';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import { CALLS, NodeBatchSchema, NodeMessageSchema, type CallArgs, type CallMethod, type CallResult, type NodeMessage } from './messages.js';

export type ClusterBusEvents = {
  /** A message from another node (checked against its schema). */
  message: [from: string, message: NodeMessage];
  /** Both Redis connections are ready again after being down (or for the first time). */
  up: [];
  /** A Redis connection was lost; sends fail until `up`. */
  down: [];
};

/** A call's refusal or failure, with the code the answering node gave (or `timeout`, `unavailable`). */
export class ClusterCallError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ClusterCallError';
    this.code = code;
  }
}

/** What the bus carried, for /healthz and the benchmarks (signaling messages per state change). */
export interface BusStats {
  /** Publishes this node made (one per destination per moment). */
  publishes: number;
  /** Messages inside them. */
  messages: number;
  /** Bytes published. */
  bytes: number;
  /** Messages received. */
  received: number;
  /** Messages dropped because their schema did not match. */
  invalid: number;
  /** Sends refused while Redis was down. */
  refused: number;
}

type CallHandler<M extends CallMethod> = (from: string, args: CallArgs<M>) => Promise<CallResult<M>>;

export const CHANNEL_PREFIX = 'hostline:to:';
const CALL_TIMEOUT_MS = 8000;

/** Reconnects every 100 ms at first, then every second, for as long as it takes. */
export function redisOptions(connectionName: string) {
  return {
    lazyConnect: true,
    // Fail at once while disconnected: a join waits on our terms, with a clear message, not in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    connectionName,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
}

export class ClusterBus extends TypedEmitter<ClusterBusEvents> {
  readonly nodeId: string;
  /** Commands (registry, directory) and publishes. */
  readonly redis: Redis;
  /** The subscription to this node's channel. */
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  /** Messages waiting for this moment's publish, by destination node. */
  readonly #outbox = new Map<string, NodeMessage[]>();
  #flushScheduled = false;
  #nextCallId = 1;
  readonly #calls = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout>; method: CallMethod }>();
  readonly #handlers = new Map<string, (from: string, args: unknown) => Promise<unknown>>();
  #up = false;
  #closed = false;
  readonly stats: BusStats = { publishes: 0, messages: 0, bytes: 0, received: 0, invalid: 0, refused: 0 };

  private constructor(url: string, nodeId: string, logger: Logger) {
    super();
    this.nodeId = nodeId;
    this.#logger = logger;
    this.redis = new Redis(url, redisOptions(`hostline-${nodeId}`));
    this.#subscriber = new Redis(url, { ...redisOptions(`hostline-${nodeId}-sub`), autoResubscribe: true });
    for (const connection of [this.redis, this.#subscriber]) {
      connection.on('ready', () => this.#checkUp());
      connection.on('close', () => this.#checkUp());
      // ioredis reports each failed reconnection; the state change is what we log.
      connection.on('error', () => undefined);
    }
    this.#subscriber.on('message', (_channel: string, text: string) => this.#onPublish(text));
  }

  /** Connects both connections and subscribes to this node's channel; fails when Redis does not answer. */
  static async connect(url: string, nodeId: string, logger: Logger): Promise<ClusterBus> {
    const bus = new ClusterBus(url, nodeId, logger);
    try {
      await Promise.all([bus.redis.connect(), bus.#subscriber.connect()]);
      await bus.#subscriber.subscribe(CHANNEL_PREFIX + nodeId);
    } catch (error) {
      bus.close();
      throw new Error(`cannot reach Redis at ${describeRedis(url)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    bus.#checkUp();
    return bus;
  }

  /** Whether Redis answers now (both connections ready). */
  get up(): boolean {
    return this.#up;
  }

  /** Queues a message for `to` in this moment's publish; false when Redis is down (nothing is queued). */
  send(to: string, message: NodeMessage): boolean {
    if (!this.#up || this.#closed) {
      this.stats.refused++;
      return false;
    }
    let box = this.#outbox.get(to);
    if (!box) {
      box = [];
      this.#outbox.set(to, box);
    }
    box.push(message);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    return true;
  }

  /** Asks `to` and waits for its answer (checked against the method's schema). */
  call<M extends CallMethod>(to: string, method: M, args: CallArgs<M>, timeoutMs = CALL_TIMEOUT_MS): Promise<CallResult<M>> {
    const id = this.#nextCallId++;
    return new Promise<CallResult<M>>((resolve, reject) => {
      if (!this.send(to, { t: 'call', id, method, args })) {
        reject(new ClusterCallError('unavailable', 'Redis is out of reach'));
        return;
      }
      const timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new ClusterCallError('timeout', `${method} to node ${to} got no answer in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#calls.set(id, { resolve: resolve as (result: unknown) => void, reject, timer, method });
    });
  }

  /** Answers calls of `method` from other nodes. */
  handle<M extends CallMethod>(method: M, handler: CallHandler<M>): void {
    this.#handlers.set(method, handler as (from: string, args: unknown) => Promise<unknown>);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of this.#calls.values()) {
      clearTimeout(call.timer);
      call.reject(new ClusterCallError('unavailable', 'this node is shutting down'));
    }
    this.#calls.clear();
    this.redis.disconnect();
    this.#subscriber.disconnect();
  }

  #checkUp(): void {
    const up = !this.#closed && this.redis.status === 'ready' && this.#subscriber.status === 'ready';
    if (up === this.#up) return;
    this.#up = up;
    if (up) {
      this.#logger.info('redis answers', { nodeId: this.nodeId });
      this.safeEmit('up');
    } else {
      if (!this.#closed) this.#logger.warn('redis is out of reach; live media goes on, new joins through other nodes wait', { nodeId: this.nodeId });
      this.#outbox.clear();
      this.safeEmit('down');
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const [to, batch] of this.#outbox) {
      const text = JSON.stringify({ from: this.nodeId, batch });
      this.stats.publishes++;
      this.stats.messages += batch.length;
      this.stats.bytes += Buffer.byteLength(text);
      this.redis.publish(CHANNEL_PREFIX + to, text).catch((error: unknown) => {
        this.#logger.warn('a publish to another node failed', { to, messages: batch.length, error: String(error) });
      });
    }
    this.#outbox.clear();
  }

  #onPublish(text: string): void {
    let from: string;
    let batch: unknown[];
    try {
      const parsed = NodeBatchSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
      ({ from, batch } = parsed.data);
    } catch (error) {
      this.stats.invalid++;
      this.#logger.warn('dropped a publish that is not a node batch', { error: String(error) });
      return;
    }
    for (const raw of batch) {
      const checked = NodeMessageSchema.safeParse(raw);
      if (!checked.success) {
        this.stats.invalid++;
        this.#logger.warn('dropped a node message that fails its schema', { from, problem: checked.error.issues[0]?.message });
        continue;
      }
      this.stats.received++;
      const message = checked.data;
      if (message.t === 'call') void this.#answer(from, message.id, message.method, message.args);
      else if (message.t === 'reply') this.#settle(message);
      else this.safeEmit('message', from, message);
    }
  }

  async #answer(from: string, id: number, method: string, rawArgs: unknown): Promise<void> {
    const spec = Object.hasOwn(CALLS, method) ? CALLS[method as CallMethod] : undefined;
    const handler = this.#handlers.get(method);
    if (!spec || !handler) {
      this.send(from, { t: 'reply', id, ok: false, error: { code: 'unknown_call', message: `no call ${method.slice(0, 64)} here` } });
      return;
    }
    const args = spec.args.safeParse(rawArgs);
    if (!args.success) {
      this.send(from, { t: 'reply', id, ok: false, error: { code: 'invalid_payload', message: `${method}: ${args.error.issues[0]?.message ?? 'bad arguments'}` } });
      return;
    }
    try {
      const result = await handler(from, args.data);
      this.send(from, { t: 'reply', id, ok: true, result });
    } catch (error) {
      const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'internal';
      if (code === 'internal') this.#logger.error('a call from another node failed', { method, from, error });
      this.send(from, { t: 'reply', id, ok: false, error: { code, message: error instanceof Error ? error.message.slice(0, 1000) : String(error) } });
    }
  }

  #settle(reply: Extract<NodeMessage, { t: 'reply' }>): void {
    const call = this.#calls.get(reply.id);
    if (!call) return;
    this.#calls.delete(reply.id);
    clearTimeout(call.timer);
    if (!reply.ok) {
      call.reject(new ClusterCallError(reply.error?.code ?? 'internal', reply.error?.message ?? 'the other node failed'));
      return;
    }
    const result = CALLS[call.method].result.safeParse(reply.result);
    if (!result.success) call.reject(new ClusterCallError('bad_reply', `${call.method}: ${result.error.issues[0]?.message}`));
    else call.resolve(result.data);
  }
}

/** The Redis URL without its password, for logs and errors. */
export function describeRedis(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis (unparsable URL)';
  }
}
