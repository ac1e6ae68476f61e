// The client side of the wire protocol: typed requests with ids and time-outs, typed server events.
// World-free apart from a WebSocket, which Node tests pass in (the `ws` package).
import { TypedEmitter } from '../../shared/TypedEmitter';
import type { ErrorCode } from '../../shared/errors';
import {
  ServerMessageSchema,
  type EventMap,
  type RequestData,
  type RequestType,
  type ResponseMap,
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

export class RequestError extends Error {
  readonly code: ErrorCode | 'timeout' | 'disconnected';
  constructor(code: RequestError['code'], message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

type SignalingEvents = {
  [E in keyof EventMap]: [EventMap[E]];
} & {
  /** The socket closed; pending requests have been rejected. */
  disconnected: [info: { code: number; reason: string }];
};

const REQUEST_TIMEOUT_MS = 10_000;
const OPEN = 1;

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  readonly url: string;
  readonly #createSocket: SocketFactory;
  #socket: SocketLike | undefined;
  #nextId = 1;
  /** Requests sent and not yet answered, by id. */
  readonly #pending = new Map<
    number,
    { resolve: (data: unknown) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(url: string, createSocket: SocketFactory = (u) => new WebSocket(u) as unknown as SocketLike) {
    super();
    this.url = url;
    this.#createSocket = createSocket;
  }

  get connected(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.#createSocket(this.url);
      this.#socket = socket;
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new RequestError('disconnected', `cannot reach the server at ${this.url}`));
      socket.onmessage = (ev) => this.#onMessage(ev.data);
      socket.onclose = (ev) => {
        if (this.#socket !== socket) return;
        this.#socket = undefined;
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(new RequestError('disconnected', 'the connection to the server closed'));
          this.#pending.delete(id);
        }
        this.safeEmit('disconnected', { code: ev.code, reason: ev.reason });
      };
    });
  }

  request<T extends RequestType>(type: T, data: RequestData<T>): Promise<ResponseMap[T]> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new RequestError('disconnected', 'not connected to the server'));
    }
    const id = this.#nextId++;
    return new Promise<ResponseMap[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RequestError('timeout', `${type} got no answer in ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, type, data }));
    });
  }

  close(): void {
    this.#socket?.close(1000, 'bye');
  }

  #onMessage(raw: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof raw === 'string' ? raw : String(raw));
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === 'event') {
      this.safeEmit(message.event as keyof EventMap, message.data as never);
      return;
    }
    if (message.id === null) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.data);
    else pending.reject(new RequestError((message.error?.code ?? 'internal') as ErrorCode, message.error?.message ?? 'request failed'));
  }
}
