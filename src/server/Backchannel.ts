// One Space's backchannel: who is on it (the host, the co-hosts, and the producers the host named) and
// the messages between them. Connection has checked the BACKCHANNEL rule before anything here runs;
// this part decides who *receives* each message, so a listener never gets one, and numbers them.
import { ProtocolError } from '../shared/errors.js';
import type { BackchannelMessage } from '../shared/protocol/backchannel.js';
import type { Member } from './Member.js';
import type { Space } from './Space.js';
import type { BackchannelRepository } from './store/repositories/BackchannelRepository.js';

export class Backchannel {
  readonly #space: Space;
  /** Producers the host named, by member id, with their names. */
  readonly #producers = new Map<string, string>();
  /** The last message's number; loaded from the store the first time (numbering survives a restart). */
  #lastSeq: Promise<number> | undefined;

  constructor(space: Space) {
    this.#space = space;
    space.on('memberleft', (member) => {
      if (this.#producers.delete(member.id)) this.#announcePeople();
    });
  }

  isProducer(memberId: string): boolean {
    return this.#producers.has(memberId);
  }

  /** Whether `member` is on the backchannel now (the same test as the BACKCHANNEL access rule). */
  admits(member: Member): boolean {
    return !member.closed && (member.role === 'host' || member.role === 'cohost' || this.#producers.has(member.id));
  }

  producers(): Array<{ memberId: string; displayName: string }> {
    return [...this.#producers].map(([memberId, displayName]) => ({ memberId, displayName }));
  }

  /** Names `target` a producer, or takes it back; tells them, and everyone on the backchannel. */
  setProducer(target: Member, producer: boolean): void {
    if (producer && (target.role === 'host' || target.role === 'cohost')) {
      throw new ProtocolError('conflict', `a ${target.role} is on the backchannel already`);
    }
    const was = this.#producers.has(target.id);
    if (producer === was) return;
    if (producer) this.#producers.set(target.id, target.displayName);
    else this.#producers.delete(target.id);
    target.push('backchannel.access', { open: producer, producers: this.producers() });
    this.#announcePeople(target.id);
  }

  /** Sends a message from `member`: stored, then pushed to everyone the backchannel admits. */
  async send(member: Member, text: string, store: BackchannelRepository): Promise<BackchannelMessage> {
    // Numbers are taken in call order, before any await, so two messages never share one.
    const previous = this.#lastSeq ?? store.lastSeq(this.#space.id);
    const seq = previous.then((last) => last + 1);
    this.#lastSeq = seq.catch(() => previous);
    const message: BackchannelMessage = {
      seq: await seq,
      at: Date.now(),
      from: { memberId: member.id, displayName: member.displayName, role: member.role, producer: this.#producers.has(member.id) },
      text,
    };
    await store.add(this.#space.id, this.#space.hostUserId, message);
    for (const other of this.#space.members()) if (this.admits(other)) other.push('backchannel.message', message);
    return message;
  }

  /** Tells everyone on the backchannel (but `except`) who the producers are now. */
  #announcePeople(except?: string): void {
    const producers = this.producers();
    for (const member of this.#space.members()) {
      if (member.id !== except && this.admits(member)) member.push('backchannel.access', { open: true, producers });
    }
  }
}
