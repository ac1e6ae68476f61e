// Moderation in a Space: hosts mute people on stage and remove people from the Space; anyone blocks or
// reports someone else. Blocks and reports are kept by the ModerationStore.
import { isOnStage, mayActOn } from '../shared/roles.js';
import { ProtocolError } from '../shared/errors.js';
import type { Member } from './Member.js';
import type { ModerationStore } from './ModerationStore.js';
import type { Space } from './Space.js';

export class Moderation {
  readonly #space: Space;
  readonly #store: ModerationStore;

  constructor(space: Space, store: ModerationStore) {
    this.#space = space;
    this.#store = store;
  }

  /** Mutes someone on stage; only they can unmute themselves. */
  async mute(_actor: Member, target: Member): Promise<void> {
    if (!isOnStage(target.role)) throw new ProtocolError('conflict', `${target.displayName} is not on stage`);
    await this.#space.stage.setMuted(target, true);
  }

  /** Mutes everyone on stage the actor may act on; returns how many. */
  async muteAll(actor: Member): Promise<number> {
    const targets = this.#space.members().filter((m) => m !== actor && isOnStage(m.role) && mayActOn(actor.role, m.role) && !m.muted);
    await Promise.all(targets.map((m) => this.#space.stage.setMuted(m, true)));
    return targets.length;
  }

  /** Removes someone from the Space; they cannot come back to it. */
  removeFromSpace(actor: Member, target: Member, reason = 'a host removed you from this space'): void {
    this.#space.membership.ban(target.userId);
    target.push('space.removed', { reason });
    this.#space.logger.info('member removed from space', { memberId: target.id, by: actor.id });
    this.#space.membership.remove(target, 'removed', 'removed', actor.id);
  }

  /** The service suspended the person's account: they leave now and cannot come back (nobody here did it). */
  expelSuspended(target: Member): void {
    this.#space.membership.ban(target.userId);
    target.push('space.removed', { reason: 'this account was suspended by the service' });
    this.#space.logger.warn('suspended account removed from space', { memberId: target.id });
    this.#space.membership.remove(target, 'removed', 'removed', null);
  }

  block(actor: Member, target: Member): void {
    this.#store.block(actor.userId, { userId: target.userId, displayName: target.displayName });
    // The host's block list keeps people out of the host's spaces, this one included.
    if (actor.role === 'host' && mayActOn('host', target.role)) this.removeFromSpace(actor, target, 'the host has blocked you');
  }

  report(actor: Member, target: Member, reason: string): string {
    return this.#store.report({
      spaceId: this.#space.id,
      spaceTitle: this.#space.title,
      reporter: { userId: actor.userId, displayName: actor.displayName },
      reported: { userId: target.userId, displayName: target.displayName },
      reason,
    }).id;
  }
}
