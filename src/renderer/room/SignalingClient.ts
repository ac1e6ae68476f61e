// The client side of the wire protocol: says hello with the protocol version on connect, sends typed
// requests with ids and time-outs, and checks every answer and every event against the schemas the
// server declares (src/shared/protocol/). An answer that fails its schema rejects its request with
// `bad_reply`; an event that fails is dropped with a warning. Nothing from the server is cast.
// World-free apart from a WebSocket, which Node tests pass in (the `ws` package).
import { TypedEmitter } from '../../shared/TypedEmitter';
import type { ErrorCode } from '../../shared/errors';
import {
  CLOSE_VERSION_MISMATCH,
  describeIssues,
  eventSchema,
  isEventType,
  PROTOCOL_VERSION,
  requestSpec,
  ServerMessageSchema,
  type EventMap,
  type EventType,
  type Reply,
  type RequestInput,
  type RequestType,
} from '../../shared/protocol';

/** The part of a WebSocket this client uses; browsers' and the `ws` package's both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** Why a request failed: the server's error code, or what went wrong on the way. */
export type RequestErrorCode = ErrorCode | 'timeout' | 'disconnected' | 'bad_reply';

export class RequestError extends Error {
  readonly code: RequestErrorCode;
  constructor(code: RequestErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

/** Something the server sent that the protocol does not allow. */
export interface ProtocolViolation {
  kind: 'reply' | 'event' | 'message';
  /** The request or event type, when known. */
  type: string;
  problem: string;
}

type SignalingEvents = {
  [E in EventType]: [EventMap[E]];
} & {
  /** The socket of a greeted connection closed; pending requests have been rejected. */
  disconnected: [info: { code: number; reason: string }];
  /** An answer or event failed its schema (the answer was refused, the event dropped). */
  invalid: [violation: ProtocolViolation];
};

const REQUEST_TIMEOUT_MS = 10_000;
const OPEN = 1;

interface Pending {
  type: RequestType;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  readonly url: string;
  readonly #createSocket: SocketFactory;
  /** Says what this client is in the server's logs (`hello`). */
  readonly #clientName: string;
  #socket: SocketLike | undefined;
  /** True once the server accepted our hello on the current socket. */
  #greeted = false;
  #nextId = 1;
  /** Requests sent and not yet answered, by id. */
  readonly #pending = new Map<number, Pending>();

  constructor(url: string, createSocket: SocketFactory = (u) => new WebSocket(u) as unknown as SocketLike, clientName = 'hostline') {
    super();
    this.url = url;
    this.#createSocket = createSocket;
    this.#clientName = clientName;
  }

  /** Connected and greeted: requests can be sent. */
  get connected(): boolean {
    return this.#greeted && this.#socket?.readyState === OPEN;
  }

  /** Opens the socket and says hello; rejects with `version_mismatch` when the server speaks another version. */
  async connect(): Promise<void> {
    const socket = await this.#open();
    try {
      const hello = await this.#call(socket, 'hello', { protocolVersion: PROTOCOL_VERSION, client: this.#clientName });
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        throw new RequestError(
          'version_mismatch',
          `this client speaks Hostline protocol ${PROTOCOL_VERSION} and the server protocol ${hello.protocolVersion}: reload the page or update the studio`,
        );
      }
    } catch (error) {
      if (this.#socket === socket) this.#socket = undefined;
      socket.close(1000, 'hello failed');
      // A server from before the greeting does not know it: it speaks an older protocol.
      if (error instanceof RequestError && error.code === 'unknown_type') {
        throw new RequestError('version_mismatch', `the server speaks an older Hostline protocol than this client (${PROTOCOL_VERSION}): the server needs updating`);
      }
      throw error;
    }
    this.#greeted = true;
  }

  request<T extends RequestType>(type: T, data: RequestInput<T>): Promise<Reply<T>> {
    const socket = this.#socket;
    if (!socket || !this.connected) return Promise.reject(new RequestError('disconnected', 'not connected to the server'));
    return this.#call(socket, type, data);
  }

  close(): void {
    this.#socket?.close(1000, 'bye');
  }

  #open(): Promise<SocketLike> {
    return new Promise((resolve, reject) => {
      const socket = this.#createSocket(this.url);
      this.#socket = socket;
      this.#greeted = false;
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new RequestError('disconnected', `cannot reach the server at ${this.url}`));
      socket.onmessage = (ev) => this.#onMessage(ev.data);
      socket.onclose = (ev) => {
        const wasGreeted = this.#socket === socket && this.#greeted;
        if (this.#socket === socket) {
          this.#socket = undefined;
          this.#greeted = false;
        }
        const why =
          ev.code === CLOSE_VERSION_MISMATCH
            ? new RequestError('version_mismatch', 'the server speaks another Hostline protocol version: reload the page or update the studio')
            : new RequestError('disconnected', 'the connection to the server closed');
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(why);
          this.#pending.delete(id);
        }
        // A socket that never got past hello is reported by connect() itself.
        if (wasGreeted) this.safeEmit('disconnected', { code: ev.code, reason: ev.reason });
      };
    });
  }

  #call<T extends RequestType>(socket: SocketLike, type: T, data: RequestInput<T>): Promise<Reply<T>> {
    const id = this.#nextId++;
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RequestError('timeout', `${type} got no answer in ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { type, resolve: resolve as (data: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, type, data }));
    });
  }

  #violation(violation: ProtocolViolation): void {
    console.warn(`the server's ${violation.kind} breaks the protocol (${violation.type}): ${violation.problem}`);
    this.safeEmit('invalid', violation);
  }

  #onMessage(raw: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof raw === 'string' ? raw : String(raw));
    } catch {
      this.#violation({ kind: 'message', type: 'unknown', problem: 'not JSON' });
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.#violation({ kind: 'message', type: 'unknown', problem: describeIssues(parsed.error) });
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      this.#onEvent(message.event, message.data);
      return;
    }
    if (message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (!message.ok) {
      const error = message.error ?? { code: 'internal' as const, message: 'the request failed' };
      pending.reject(new RequestError(error.code, error.message));
      return;
    }
    const reply = requestSpec(pending.type).reply.safeParse(message.data);
    if (!reply.success) {
      const problem = describeIssues(reply.error);
      this.#violation({ kind: 'reply', type: pending.type, problem });
      pending.reject(new RequestError('bad_reply', `${pending.type}: the server's answer does not match the protocol (${problem})`));
      return;
    }
    pending.resolve(reply.data);
  }

  #onEvent(type: string, data: unknown): void {
    if (!isEventType(type)) {
      this.#violation({ kind: 'event', type: type.slice(0, 64), problem: 'no such event in the protocol' });
      return;
    }
    const checked = eventSchema(type).safeParse(data);
    if (!checked.success) {
      this.#violation({ kind: 'event', type, problem: describeIssues(checked.error) });
      return;
    }
    this.safeEmit(type, checked.data as never);
  }
}
