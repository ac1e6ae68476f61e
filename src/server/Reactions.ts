// Emoji reactions in a Space: each member may send a couple a second; everyone gets them folded into one
// burst per quarter second, counted by emoji with a few names.
import { ProtocolError } from '../shared/errors.js';
import type { Reaction } from '../shared/roles.js';
import type { ReactionBurst } from '../shared/space.js';
import type { Member } from './Member.js';
import type { Space } from './Space.js';

/** Reactions are folded into one broadcast per this many milliseconds. */
export const REACTION_BROADCAST_MS = 250;
/** Names kept with a burst, newest last. */
const RECENT = 8;

export class Reactions {
  readonly #space: Space;
  /** Reactions waiting for the next folded broadcast. */
  #pending: ReactionBurst = { counts: {}, recent: [] };
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(space: Space) {
    this.#space = space;
  }

  react(member: Member, reaction: Reaction): void {
    if (!member.reactionLimiter.take()) throw new ProtocolError('rate_limited', 'slow down: at most 2 reactions a second');
    this.#pending.counts[reaction] = (this.#pending.counts[reaction] ?? 0) + 1;
    this.#pending.recent.push({ displayName: member.displayName, reaction });
    if (this.#pending.recent.length > RECENT) this.#pending.recent.shift();
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const burst = this.#pending;
      this.#pending = { counts: {}, recent: [] };
      this.#space.broadcast('space.reactions', burst);
    }, REACTION_BROADCAST_MS);
  }

  /** The Space ended: nothing more is sent. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
