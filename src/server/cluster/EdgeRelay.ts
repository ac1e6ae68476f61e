// On an edge node: one client's connection to a Space whose origin is another node (issue 15). The
// client's requests go on to the origin over a WebSocket this node opens there, so the origin stays the
// authority on the Space and its members; its answers and events come back verbatim. Only the client's
// receiving media is made here: its receive transport and consumers are on this node's router of the
// Space (EdgeFeed), which hears the Stage through NodePipes. A join is sent on without `hear`, so the
// client asks for its media itself and those requests are answered here.
import WebSocket from 'ws';
import type { types as ms } from 'mediasoup';
import { ProtocolError, type ErrorBody } from '../../shared/errors.js';
import { PROTOCOL_VERSION, type ClientRequest } from '../../shared/protocol.js';
import type { Role } from '../../shared/roles.js';
import { createConsumer, createTransport, transportOf } from '../handlers/media.js';
import type { Logger } from '../logger.js';
import type { MediaHolder } from '../MediaPlace.js';
import type { PushEvent } from '../Member.js';
import type { Sfu } from '../Sfu.js';
import type { EdgeFeed } from './EdgeFeed.js';

/** The id of the relay's own hello to the origin (its answer is not the client's). */
const RELAY_HELLO_ID = Number.MAX_SAFE_INTEGER;
/** How long the origin has to answer the relay's WebSocket and hello. */
const OPEN_TIMEOUT_MS = 5000;
/** Requests answered on this node: the client's receiving media. */
const LOCAL = new Set(['transport.create', 'transport.connect', 'consumer.create', 'consumer.resume']);

/** What the relay needs of the client's own connection. */
export interface RelayClient {
  /** Sends one message's text to the client. */
  deliver(text: string): void;
  close(code: number, reason: string): void;
  /** The client's media stopped answering ICE consent here. */
  mediaLost(reason: string): void;
}

export class EdgeRelay implements MediaHolder {
  readonly transports = new Map<string, ms.WebRtcTransport>();
  readonly consumers = new Map<string, ms.Consumer>();
  readonly #sfu: Sfu;
  readonly #feed: EdgeFeed;
  readonly #upstream: WebSocket;
  readonly #client: RelayClient;
  readonly #logger: Logger;
  /** Set once the origin answered a join or resume: the client is that member. */
  #member: { id: string; role: Role } | undefined;
  /** Ids of the client's `space.join` / `space.resume` requests on their way. */
  readonly #entering = new Set<number>();
  #closed = false;
  readonly #onClosed: Array<() => void> = [];

  private constructor(sfu: Sfu, feed: EdgeFeed, upstream: WebSocket, client: RelayClient, logger: Logger) {
    this.#sfu = sfu;
    this.#feed = feed;
    this.#upstream = upstream;
    this.#client = client;
    this.#logger = logger;
    feed.use();
    upstream.on('message', (data) => this.#fromOrigin(data.toString()));
    upstream.on('close', (code, reason) => {
      if (this.#closed) return;
      // The origin went away or hung up on the client: the client's resume takes it from here.
      this.#client.close(code === 1005 || code === 1006 ? 1012 : code, reason.toString() || 'the Space’s node went away');
      this.closed();
    });
    upstream.on('error', (error) => this.#logger.warn('the relay to a Space’s origin failed', { error: String(error) }));
  }

  /** Opens the relay's WebSocket to the origin at `url` and says hello there. */
  static async open(sfu: Sfu, feed: EdgeFeed, url: string, client: RelayClient, logger: Logger): Promise<EdgeRelay> {
    const upstream = new WebSocket(url, { handshakeTimeout: OPEN_TIMEOUT_MS });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer')), OPEN_TIMEOUT_MS);
        upstream.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        upstream.once('open', () => {
          upstream.send(JSON.stringify({ id: RELAY_HELLO_ID, type: 'hello', data: { protocolVersion: PROTOCOL_VERSION, client: 'hostline-edge' } }));
        });
        upstream.on('message', function greeted(data) {
          const message = JSON.parse(data.toString()) as { kind?: string; id?: number; ok?: boolean };
          if (message.kind !== 'response' || message.id !== RELAY_HELLO_ID) return;
          clearTimeout(timer);
          upstream.off('message', greeted);
          if (message.ok) resolve();
          else reject(new Error('the origin refused the relay’s hello'));
        });
      });
    } catch (error) {
      upstream.terminate();
      throw new ProtocolError('unavailable', `the Space’s node cannot be reached now (${error instanceof Error ? error.message : String(error)}); try again`);
    }
    return new EdgeRelay(sfu, feed, upstream, client, logger);
  }

  get role(): Role {
    return this.#member?.role ?? 'listener';
  }

  readonly push: PushEvent = (event, data) => this.#client.deliver(JSON.stringify({ kind: 'event', event, data }));

  /** One request of the client (already validated by its connection): answered here or by the origin. */
  async handle(request: ClientRequest): Promise<void> {
    if (this.#closed) return;
    if (LOCAL.has(request.type)) {
      await this.#local(request);
      return;
    }
    let forwarded: ClientRequest = request;
    if (request.type === 'space.join' || request.type === 'space.resume') {
      this.#entering.add(request.id);
      // Without `hear`: the client then asks for its media, and this node makes it.
      if (request.type === 'space.join' && request.data.hear) {
        const { hear: _hear, ...rest } = request.data;
        forwarded = { ...request, data: rest };
      }
    }
    if (this.#upstream.readyState === WebSocket.OPEN) this.#upstream.send(JSON.stringify(forwarded));
  }

  /** The client's WebSocket closed: so does the relay, and its media here. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
    this.consumers.clear();
    if (this.#upstream.readyState === WebSocket.OPEN || this.#upstream.readyState === WebSocket.CONNECTING) this.#upstream.close(1000, 'client left');
    this.#feed.release();
    for (const listener of this.#onClosed.splice(0)) listener();
  }

  onClosed(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClosed.push(listener);
  }

  async #local(request: ClientRequest): Promise<void> {
    try {
      if (!this.#member) throw new ProtocolError('not_joined', 'join the Space first');
      const data = await this.#media(request);
      this.#client.deliver(JSON.stringify({ kind: 'response', id: request.id, ok: true, data }));
    } catch (error) {
      const body: ErrorBody =
        error instanceof ProtocolError ? { code: error.code, message: error.message } : { code: 'internal', message: 'the server failed to handle this request' };
      if (!(error instanceof ProtocolError)) this.#logger.error('relayed media request failed', { type: request.type, error });
      this.#client.deliver(JSON.stringify({ kind: 'response', id: request.id, ok: false, error: body }));
    }
  }

  async #media(request: ClientRequest): Promise<unknown> {
    switch (request.type) {
      case 'transport.create':
        return (await createTransport(this.#sfu, this.#feed, this, request.data.direction, (reason) => this.#client.mediaLost(reason))).options;
      case 'transport.connect': {
        const transport = transportOf(this, request.data.transportId);
        await transport.connect({ dtlsParameters: request.data.dtlsParameters as ms.DtlsParameters });
        return {};
      }
      case 'consumer.create': {
        const { transportId, producerId, rtpCapabilities } = request.data;
        return createConsumer(this.#feed, this, transportOf(this, transportId), producerId, rtpCapabilities as ms.RtpCapabilities, true);
      }
      case 'consumer.resume': {
        const consumer = this.consumers.get(request.data.consumerId);
        if (!consumer) throw new ProtocolError('not_found', `no consumer ${request.data.consumerId} of yours`);
        await consumer.resume();
        return {};
      }
      default:
        throw new ProtocolError('internal', `${request.type} is not answered on this node`);
    }
  }

  /** A message from the origin for the client: noted where it tells the Stage's producers, then passed on. */
  #fromOrigin(text: string): void {
    let message: { kind?: string; id?: number; ok?: boolean; event?: string; data?: Record<string, unknown> };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.kind === 'response' && message.id === RELAY_HELLO_ID) return;
    if (message.kind === 'response' && message.id !== undefined && this.#entering.delete(message.id) && message.ok) {
      const joined = message.data as { memberId: string; role: Role; producers: Array<{ producerId: string }> };
      this.#member = { id: joined.memberId, role: joined.role };
      for (const p of joined.producers) this.#feed.producerAdded(p.producerId);
    } else if (message.kind === 'event' && message.data) {
      if (message.event === 'producer.added') this.#feed.producerAdded(String(message.data.producerId));
      else if (message.event === 'producer.removed') this.#feed.producerRemoved(String(message.data.producerId));
      else if (message.event === 'space.state' && this.#member) {
        const you = (message.data as { you?: { role?: Role } }).you;
        if (you?.role) this.#member.role = you.role;
      }
    }
    this.#client.deliver(text);
  }
}
