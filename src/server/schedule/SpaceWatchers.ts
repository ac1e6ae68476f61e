// Space pages open right now, by Space: each gets the page again whenever the Space changes (a
// reminder set, a new time, live, ended). A page's socket closing takes it off.
import type { SpacePage } from '../../shared/schedule.js';
import type { PushEvent } from '../Member.js';

export class SpaceWatchers {
  /** Who watches which Space. */
  readonly #bySpace = new Map<string, Set<PushEvent>>();

  /** Adds a watcher; returns the function that removes it. */
  add(spaceId: string, push: PushEvent): () => void {
    let set = this.#bySpace.get(spaceId);
    if (!set) this.#bySpace.set(spaceId, (set = new Set()));
    set.add(push);
    return () => {
      set.delete(push);
      if (set.size === 0 && this.#bySpace.get(spaceId) === set) this.#bySpace.delete(spaceId);
    };
  }

  watching(spaceId: string): boolean {
    return (this.#bySpace.get(spaceId)?.size ?? 0) > 0;
  }

  count(spaceId: string): number {
    return this.#bySpace.get(spaceId)?.size ?? 0;
  }

  publish(page: SpacePage): void {
    for (const push of this.#bySpace.get(page.spaceId) ?? []) push('space.page', page);
  }
}
