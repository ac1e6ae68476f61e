// One WebSocket client: reads frames, validates them against the shared protocol, checks that it said
// hello, the request's access rule and target (from its declaration, never per handler) and the rate,
// dispatches to the handler table and answers every request exactly once.
import type { WebSocket, RawData } from 'ws';
import { checkAccess, checkTarget, type Actor, type TargetRule } from '../shared/access.js';
import { ProtocolError, type ErrorBody } from '../shared/errors.js';
import { parseClientMessage, PROTOCOL_VERSION, requestSpec, type ClientRequest, type ServerMessage } from '../shared/protocol.js';
import type { SignedInAccount } from '../shared/protocol/accounts.js';
import type { EdgeRelay } from './cluster/EdgeRelay.js';
import type { BaseContext } from './handlers/context.js';
import { HANDLERS } from './handlers/index.js';
import type { Logger } from './logger.js';
import type { Member, PushEvent } from './Member.js';
import { RateLimiter } from './RateLimiter.js';
import type { Sfu } from './Sfu.js';
import type { Space } from './Space.js';

/** Requests per second a connection may send, with bursts up to RATE_BURST. */
const RATE_PER_SECOND = 50;
const RATE_BURST = 100;
/** A client that keeps flooding past its limit this many times is disconnected. */
const MAX_REFUSALS = 2000;
/** Events are dropped for a client this far behind, rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Close code when the client's media stopped answering (ICE consent): it may resume within the grace period. */
export const MEDIA_LOST_CLOSE_CODE = 4001;

export class Connection {
  readonly #ws: WebSocket;
  readonly #sfu: Sfu;
  readonly #logger: Logger;
  readonly #limiter = new RateLimiter(RATE_PER_SECOND, RATE_BURST);
  /** The Space and Member this connection joined, if any, and which attachment of the member it is. */
  #joined: { space: Space; member: Member; attachment: number } | undefined;
  #refusals = 0;
  /** The account this connection is signed in to, if any. */
  #account: SignedInAccount | undefined;
  /** Set once the client said hello with our protocol version. */
  #greeted = false;
  /** Set by a handler that wants the connection closed after its answer (a version mismatch). */
  #hangUp: { code: number; reason: string } | undefined;
  /** With several nodes: the relay to the origin node of this client's Space, when that is another node. */
  #relay: EdgeRelay | undefined;
  /** Requests run one at a time, in arrival order, so answers come back in order and state changes
   * from one client never interleave. */
  #queue: Promise<void> = Promise.resolve();
  /** What handlers asked to run when the socket closes. */
  readonly #onClosed: Array<() => void> = [];

  /** `sessionSecret`: the session cookie the socket opened with (same-origin pages); checked before any frame. */
  constructor(ws: WebSocket, sfu: Sfu, logger: Logger, sessionSecret?: string) {
    this.#ws = ws;
    this.#sfu = sfu;
    this.#logger = logger;
    if (sessionSecret) this.#queue = this.#signInWith(sessionSecret);
    ws.on('message', (data, isBinary) => {
      this.#queue = this.#queue.then(() => this.#onFrame(data, isBinary));
    });
    ws.on('close', () => this.#onClose());
    ws.on('error', (error) => this.#logger.warn('socket error', { error }));
  }

  readonly push: PushEvent = (event, data) => {
    if (this.#ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.#logger.warn('client too slow, event dropped', { event });
      return;
    }
    this.#send({ kind: 'event', event, data } as ServerMessage);
  };

  async #onFrame(data: RawData, isBinary: boolean): Promise<void> {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!this.#limiter.take()) {
      if (++this.#refusals > MAX_REFUSALS) {
        this.#logger.warn('closing a flooding client');
        this.#ws.close(1008, 'rate limit exceeded');
        return;
      }
      this.#replyError(null, { code: 'rate_limited', message: `at most ${RATE_PER_SECOND} requests a second` });
      return;
    }
    if (isBinary) {
      this.#replyError(null, { code: 'bad_message', message: 'binary frames are not part of the protocol' });
      return;
    }
    const parsed = parseClientMessage(buffer.toString('utf8'), buffer.byteLength);
    if (!parsed.ok) {
      this.#replyError(parsed.id, parsed.error);
      return;
    }
    await this.#dispatch(parsed.request);
  }

  async #dispatch(request: ClientRequest): Promise<void> {
    try {
      if (!this.#greeted && request.type !== 'hello') {
        throw new ProtocolError('hello_first', `say hello with your protocol version first (this server speaks Hostline protocol ${PROTOCOL_VERSION})`);
      }
      if (request.type !== 'hello' && request.type !== 'ping' && (await this.#relayed(request))) return;
      const spec = requestSpec(request.type);
      const verdict = checkAccess(spec.access, this.#actor(), request.type);
      if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
      const context: BaseContext & Partial<{ space: Space; member: Member; target: Member }> = this.#context();
      if (this.#joined) Object.assign(context, { space: this.#joined.space, member: this.#joined.member });
      if (spec.target) context.target = this.#target(spec.target, (request.data as { memberId: string }).memberId);
      // The table is typed per request type; here the type is only known at run time.
      const handler = HANDLERS[request.type] as (ctx: BaseContext, data: unknown) => Promise<unknown>;
      const data = await handler(context, request.data);
      // Answered once the change is in the store: what a client was told survives a restart.
      const { journal } = this.#sfu.platform;
      if (journal.busy) await journal.settled();
      this.#send({ kind: 'response', id: request.id, ok: true, data });
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.#replyError(request.id, { code: error.code, message: error.message });
      } else {
        this.#logger.error('request failed', { type: request.type, error });
        this.#replyError(request.id, { code: 'internal', message: 'the server failed to handle this request' });
      }
    }
    if (this.#hangUp) this.#ws.close(this.#hangUp.code, this.#hangUp.reason);
  }

  /**
   * Several nodes (issue 15): a client entering a Space whose origin is another node is relayed there
   * from then on (cluster/EdgeRelay); answers whether this request went that way.
   */
  async #relayed(request: ClientRequest): Promise<boolean> {
    const cluster = this.#sfu.cluster;
    if (!this.#relay && cluster && !this.#joined) {
      this.#relay = await cluster.relay(this.#sfu, request, {
        deliver: (text) => {
          if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
        },
        close: (code, reason) => this.#ws.close(code, reason),
        mediaLost: (reason) => this.#mediaLost(reason),
      }, this.#logger);
    }
    if (!this.#relay) return false;
    await this.#relay.handle(request);
    return true;
  }

  /** What the access rules may know about this connection. */
  #actor(): Actor {
    const account = this.#account ? { account: { id: this.#account.accountId } } : {};
    const joined = this.#joined;
    if (!joined || (joined.member.closed && joined.space.status === 'live')) return account;
    return {
      ...account,
      member: {
        role: joined.member.role,
        spaceLive: joined.space.status === 'live',
        captionEditor: this.#sfu.captions.of(joined.space.id)?.isEditor(joined.member) ?? false,
        producer: joined.space.backchannel.isProducer(joined.member.id),
      },
    };
  }

  async #signInWith(secret: string): Promise<void> {
    try {
      const signedIn = await this.#sfu.platform.accounts.authenticate(secret);
      if (signedIn) {
        this.#account = { accountId: signedIn.account.id, handle: signedIn.profile.handle, displayName: signedIn.profile.displayName, role: signedIn.account.role };
      }
    } catch (error) {
      // The store not answering leaves the connection signed out, never dead.
      this.#logger.warn('could not check the session cookie', { error });
    }
  }

  /** The member a request acts on, checked against the request's target rule. */
  #target(rule: TargetRule, memberId: string): Member {
    const { space, member } = this.#joined!;
    const target = space.member(memberId);
    if (!target) throw new ProtocolError('not_found', 'nobody with that id is in this space');
    const verdict = checkTarget(rule, member.role, { role: target.role, self: target === member });
    if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
    return target;
  }

  #context(): BaseContext {
    return {
      sfu: this.#sfu,
      logger: this.#logger,
      joined: this.#joined,
      account: this.#account,
      signIn: (account) => {
        this.#account = account;
      },
      attach: (space, member, attachment) => {
        this.#joined = { space, member, attachment };
      },
      detach: () => {
        this.#joined = undefined;
      },
      greet: (client) => {
        if (!this.#greeted) this.#logger.debug('client said hello', { client });
        this.#greeted = true;
      },
      whenClosed: (listener) => {
        this.#onClosed.push(listener);
      },
      hangUp: (code, reason) => {
        this.#hangUp = { code, reason };
      },
      push: this.push,
      mediaLost: (reason) => this.#mediaLost(reason),
    };
  }

  /** The client's media stopped answering: close the socket now, and `close` runs the usual
   * disconnect (grace period), as if the connection had dropped. */
  #mediaLost(reason: string): void {
    if (this.#ws.readyState !== this.#ws.OPEN && this.#ws.readyState !== this.#ws.CONNECTING) return;
    this.#logger.warn('hanging up on a vanished client', { reason, memberId: this.#joined?.member.id });
    this.#ws.close(MEDIA_LOST_CLOSE_CODE, 'media connection lost');
    // A vanished peer never answers the close handshake; do not wait for it.
    setTimeout(() => this.#ws.terminate(), 1000).unref();
  }

  #replyError(id: number | null, error: ErrorBody): void {
    this.#send({ kind: 'response', id, ok: false, error });
  }

  #send(message: ServerMessage): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(JSON.stringify(message));
  }

  #onClose(): void {
    for (const listener of this.#onClosed.splice(0)) listener();
    this.#relay?.closed();
    const joined = this.#joined;
    this.#joined = undefined;
    if (joined && !joined.member.closed) joined.space.membership.disconnect(joined.member, joined.attachment);
  }
}
