// Media pipes between two nodes' routers (issue 15): a Stage producer on a Space's origin node is
// heard on an edge node through a mediasoup PipeTransport on each side, SRTP and RTX on both ends (as
// mediasoup advises for pipes between hosts), set up by one `pipe.open` call over Redis. One pipe
// transport per edge router and origin node, one pipe consumer per producer on it: however many
// listeners an edge serves, a producer crosses to it once. Mutes and closes follow by message; a node
// that is gone takes its pipes with it.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../../shared/errors.js';
import type { Logger } from '../logger.js';
import type { ClusterBus } from './ClusterBus.js';
import type { CallArgs, CallResult, NodeMessage, PipeEnd } from './messages.js';

/** Where this node's pipe transports listen, and the address other nodes send to. */
export interface PipeListen {
  ip: string;
  announcedAddress?: string;
  portRange?: { min: number; max: number };
}

/** On the origin: a producer a pipe may carry, and the router it is on. */
export interface PipeSource {
  router: ms.Router;
  producer: ms.Producer;
}

/** The origin's side of one edge pipe. */
interface OriginPipe {
  node: string;
  /** The origin router it was made on (a Space's Stage router). */
  routerId: string;
  transport: Promise<ms.PipeTransport>;
  /** The pipe consumer of each producer it carries. */
  consumers: Map<string, Promise<ms.Consumer>>;
}

/** The edge's side of one pipe from an origin node into one router here. */
interface EdgePipe {
  node: string;
  transport: Promise<ms.PipeTransport>;
  /** Set once the first `pipe.open` answered with the origin's end. */
  connected: Promise<void> | undefined;
  /** The pipe producer of each producer piped in. */
  producers: Map<string, Promise<ms.Producer>>;
}

export class NodePipes {
  readonly #bus: ClusterBus;
  readonly #listen: PipeListen;
  readonly #find: (spaceId: string, producerId: string) => PipeSource | undefined;
  readonly #logger: Logger;
  /** Origin side: by edge node and the edge's transport id. */
  readonly #origin = new Map<string, OriginPipe>();
  /** Edge side: by origin node and the router here. */
  readonly #edge = new Map<string, EdgePipe>();

  constructor(bus: ClusterBus, listen: PipeListen, find: (spaceId: string, producerId: string) => PipeSource | undefined, logger: Logger) {
    this.#bus = bus;
    this.#listen = listen;
    this.#find = find;
    this.#logger = logger;
    bus.handle('pipe.open', (from, args) => this.#open(from, args));
    bus.on('message', (from, message) => this.#onMessage(from, message));
  }

  /** Pipe transports this node holds (both sides): one per edge router and origin node. */
  get pipeCount(): number {
    return this.#origin.size + this.#edge.size;
  }

  /** Producers crossing the pipes (both sides). */
  get pipedProducers(): number {
    let n = 0;
    for (const pipe of this.#origin.values()) n += pipe.consumers.size;
    for (const pipe of this.#edge.values()) n += pipe.producers.size;
    return n;
  }

  /**
   * On an edge: the producer `producerId` of `spaceId`, whose origin is `originNode`, on `router`
   * here (same id), piped once however often it is asked for.
   */
  pipeFrom(originNode: string, spaceId: string, producerId: string, router: ms.Router): Promise<ms.Producer> {
    const pipe = this.#edgePipe(originNode, router);
    let producer = pipe.producers.get(producerId);
    if (!producer) {
      producer = this.#pipeIn(pipe, spaceId, producerId);
      pipe.producers.set(producerId, producer);
      // A failed pipe is asked for again next time, not remembered.
      producer.catch(() => pipe.producers.delete(producerId));
    }
    return producer;
  }

  /** A node is gone: every pipe to or from it closes (its listeners' consumers close with them). */
  nodeGone(nodeId: string): void {
    for (const [key, pipe] of this.#origin) {
      if (pipe.node !== nodeId) continue;
      this.#origin.delete(key);
      void pipe.transport.then((t) => t.close(), () => undefined);
    }
    for (const [key, pipe] of this.#edge) {
      if (pipe.node !== nodeId) continue;
      this.#edge.delete(key);
      void pipe.transport.then((t) => t.close(), () => undefined);
    }
  }

  close(): void {
    for (const pipe of [...this.#origin.values(), ...this.#edge.values()]) void pipe.transport.then((t) => t.close(), () => undefined);
    this.#origin.clear();
    this.#edge.clear();
  }

  #createTransport(router: ms.Router): Promise<ms.PipeTransport> {
    const { ip, announcedAddress, portRange } = this.#listen;
    return router.createPipeTransport({
      listenInfo: { protocol: 'udp', ip, ...(announcedAddress ? { announcedAddress } : {}), ...(portRange ? { portRange } : {}) },
      enableSrtp: true,
      enableRtx: true,
    });
  }

  #endOf(transport: ms.PipeTransport): PipeEnd {
    const srtp = transport.srtpParameters;
    if (!srtp) throw new Error('a pipe transport made with enableSrtp has no SRTP parameters');
    return { ip: this.#listen.announcedAddress ?? transport.tuple.localAddress, port: transport.tuple.localPort, srtp };
  }

  // ---- the edge's side ----------------------------------------------------------------------------

  #edgePipe(node: string, router: ms.Router): EdgePipe {
    const key = `${node}/${router.id}`;
    let pipe = this.#edge.get(key);
    if (pipe) return pipe;
    const transport = this.#createTransport(router);
    const made: EdgePipe = { node, transport, connected: undefined, producers: new Map() };
    this.#edge.set(key, made);
    void transport.then(
      (t) =>
        t.observer.once('close', () => {
          if (this.#edge.get(key) !== made) return;
          this.#edge.delete(key);
          // The router here went away: the origin need not keep feeding it.
          this.#bus.send(node, { t: 'pipe.drop', transportId: t.id });
        }),
      () => this.#edge.delete(key),
    );
    pipe = made;
    return pipe;
  }

  async #pipeIn(pipe: EdgePipe, spaceId: string, producerId: string): Promise<ms.Producer> {
    const transport = await pipe.transport;
    const answer = await this.#bus.call(pipe.node, 'pipe.open', { spaceId, producerId, transportId: transport.id, edge: this.#endOf(transport) });
    // The first answer connects the pipe; every later one names the same origin end.
    pipe.connected ??= transport.connect({ ip: answer.origin.ip, port: answer.origin.port, srtpParameters: answer.origin.srtp as ms.SrtpParameters });
    await pipe.connected;
    return transport.produce({
      id: producerId,
      kind: answer.kind,
      rtpParameters: answer.rtpParameters as unknown as ms.RtpParameters,
      paused: answer.paused,
    });
  }

  /** A piped producer's pause or close at the origin, applied to every edge router it reaches. */
  async #onPiped(from: string, producerId: string, change: 'pause' | 'resume' | 'close'): Promise<void> {
    for (const pipe of this.#edge.values()) {
      if (pipe.node !== from) continue;
      const pending = pipe.producers.get(producerId);
      if (!pending) continue;
      if (change === 'close') pipe.producers.delete(producerId);
      const producer = await pending.catch(() => undefined);
      if (!producer || producer.closed) continue;
      if (change === 'close') producer.close();
      else if (change === 'pause') await producer.pause();
      else await producer.resume();
    }
  }

  // ---- the origin's side --------------------------------------------------------------------------

  async #open(from: string, args: CallArgs<'pipe.open'>): Promise<CallResult<'pipe.open'>> {
    const source = this.#find(args.spaceId, args.producerId);
    if (!source || source.producer.closed) throw new ProtocolError('not_found', 'no such producer of that Space on this node');
    const key = `${from}/${args.transportId}`;
    let pipe = this.#origin.get(key);
    if (!pipe) {
      const transport = this.#createTransport(source.router).then(async (t) => {
        await t.connect({ ip: args.edge.ip, port: args.edge.port, srtpParameters: args.edge.srtp as ms.SrtpParameters });
        return t;
      });
      const made: OriginPipe = { node: from, routerId: source.router.id, transport, consumers: new Map() };
      pipe = made;
      this.#origin.set(key, made);
      transport.then(
        (t) => t.observer.once('close', () => this.#origin.get(key) === made && this.#origin.delete(key)),
        () => this.#origin.delete(key),
      );
    }
    if (pipe.routerId !== source.router.id) throw new ProtocolError('conflict', 'that pipe carries another router’s producers');
    const transport = await pipe.transport;
    let consumer = pipe.consumers.get(args.producerId);
    if (!consumer) {
      consumer = this.#consume(pipe, transport, args.producerId);
      pipe.consumers.set(args.producerId, consumer);
      consumer.catch(() => pipe.consumers.delete(args.producerId));
    }
    const made = await consumer;
    return {
      origin: this.#endOf(transport),
      kind: 'audio',
      rtpParameters: made.rtpParameters as unknown as CallResult<'pipe.open'>['rtpParameters'],
      paused: made.producerPaused,
    };
  }

  async #consume(pipe: OriginPipe, transport: ms.PipeTransport, producerId: string): Promise<ms.Consumer> {
    const consumer = await transport.consume({ producerId });
    const node = pipe.node;
    consumer.on('producerpause', () => this.#bus.send(node, { t: 'pipe.paused', producerId, paused: true }));
    consumer.on('producerresume', () => this.#bus.send(node, { t: 'pipe.paused', producerId, paused: false }));
    consumer.observer.once('close', () => {
      pipe.consumers.delete(producerId);
      this.#bus.send(node, { t: 'pipe.closed', producerId });
    });
    return consumer;
  }

  #onMessage(from: string, message: NodeMessage): void {
    switch (message.t) {
      case 'pipe.paused':
        void this.#onPiped(from, message.producerId, message.paused ? 'pause' : 'resume');
        return;
      case 'pipe.closed':
        void this.#onPiped(from, message.producerId, 'close');
        return;
      case 'pipe.drop': {
        const pipe = this.#origin.get(`${from}/${message.transportId}`);
        if (!pipe) return;
        this.#origin.delete(`${from}/${message.transportId}`);
        void pipe.transport.then((t) => t.close(), () => undefined);
        return;
      }
      default:
        this.#logger.debug('node message not for the pipes', { t: message.t });
    }
  }
}
