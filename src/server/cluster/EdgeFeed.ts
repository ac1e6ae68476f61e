// On an edge node: one Space whose origin is another node, as the place its relayed listeners' media is
// made here (a MediaPlace, so handlers/media.ts's code makes their transports and consumers). Its one
// router on this node gets each Stage producer through NodePipes, once, however many listeners here
// hear it; the producers it knows come from what the origin tells its relayed clients.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import type { MediaHolder, MediaPlace } from '../MediaPlace.js';
import type { NodePipes } from './NodePipes.js';

export class EdgeFeed implements MediaPlace {
  readonly spaceId: string;
  readonly origin: string;
  /** A new router of the Space on this node (on the least loaded worker). */
  readonly #createRouter: () => Promise<ms.Router>;
  readonly #pipes: NodePipes;
  /** The router here, made with the first listener's transport. */
  #router: Promise<ms.Router> | undefined;
  /** The Stage's producers, as the origin last told a relayed client. */
  readonly #producers = new Set<string>();
  /** Relayed clients using this feed; the router goes with the last. */
  #users = 0;

  constructor(spaceId: string, origin: string, createRouter: () => Promise<ms.Router>, pipes: NodePipes) {
    this.spaceId = spaceId;
    this.origin = origin;
    this.#createRouter = createRouter;
    this.#pipes = pipes;
  }

  get users(): number {
    return this.#users;
  }

  use(): void {
    this.#users++;
  }

  /** A client stopped using it; answers whether it is unused now (its router closed). */
  release(): boolean {
    if (--this.#users > 0) return false;
    void this.#router?.then((router) => router.close(), () => undefined);
    this.#router = undefined;
    return true;
  }

  /** What the origin said about the Stage's producers. */
  producerAdded(producerId: string): void {
    this.#producers.add(producerId);
  }

  producerRemoved(producerId: string): void {
    this.#producers.delete(producerId);
  }

  routerFor(direction: 'send' | 'recv', _role: Role): Promise<ms.Router> {
    if (direction === 'send') throw new ProtocolError('forbidden', 'on this node you can listen; to speak, connect to the Space’s origin node');
    if (!this.#router) {
      const made = this.#createRouter();
      this.#router = made;
      made.then((router) => router.observer.once('close', () => this.#router === made && (this.#router = undefined)), () => (this.#router = undefined));
    }
    return this.#router;
  }

  hasProducer(producerId: string): boolean {
    return this.#producers.has(producerId);
  }

  async reach(producerId: string, router: ms.Router): Promise<void> {
    await this.#pipes.pipeFrom(this.origin, this.spaceId, producerId, router);
  }

  isLost(router: ms.Router): boolean {
    return router.closed && this.#users > 0;
  }

  restartMediaOf(holder: MediaHolder): void {
    // The router here died with its worker: the client sets its media up again from the start.
    void this.routerFor('recv', holder.role).then(
      (router) => holder.push('space.mediarestart', { routerRtpCapabilities: router.rtpCapabilities as never }),
      () => undefined,
    );
  }
}
