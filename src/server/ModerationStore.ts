// Block lists and reports, over the store. Block lists are read on every join, so they are held in
// memory (loaded at start) and written through; reports are written through. `flush()` waits for
// writes still on their way (tests, shutdown). Without a store (unit tests of a Space) it lives in
// memory only.
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { Report } from './store/repositories/ModerationRepository.js';
import type { Store } from './store/Store.js';

export type { Report } from './store/repositories/ModerationRepository.js';

export class ModerationStore {
  readonly #store: Store | undefined;
  readonly #logger: Logger | undefined;
  /** Block lists by the blocking identity (an account id, or an anonymous id). */
  readonly #blocks = new Map<string, Map<string, string>>();
  /** The last thousand reports made since this process started (all reports are in the store). */
  readonly #recentReports: Report[] = [];
  /** Writes on their way to the store. */
  readonly #pending = new Set<Promise<unknown>>();

  constructor(store?: Store, logger?: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  static async load(store: Store, logger: Logger): Promise<ModerationStore> {
    const moderation = new ModerationStore(store, logger);
    const rows = await store.db
      .withTables<{ blocks: { owner_id: string; blocked_id: string; blocked_name: string } }>()
      .selectFrom('blocks')
      .select(['owner_id', 'blocked_id', 'blocked_name'])
      .execute();
    for (const row of rows) moderation.#list(row.owner_id).set(row.blocked_id, row.blocked_name);
    return moderation;
  }

  isBlocked(ownerUserId: string, userId: string): boolean {
    return this.#blocks.get(ownerUserId)?.has(userId) ?? false;
  }

  block(ownerUserId: string, blocked: { userId: string; displayName: string }): void {
    this.#list(ownerUserId).set(blocked.userId, blocked.displayName);
    if (this.#store) this.#write('block', this.#store.repos.moderation.block(ownerUserId, blocked, Date.now()));
  }

  async unblock(ownerUserId: string, userId: string): Promise<void> {
    this.#blocks.get(ownerUserId)?.delete(userId);
    await this.#store?.repos.moderation.unblock(ownerUserId, userId);
  }

  blockList(ownerUserId: string): Array<{ userId: string; displayName: string }> {
    return [...(this.#blocks.get(ownerUserId) ?? new Map<string, string>()).entries()].map(([userId, displayName]) => ({ userId, displayName }));
  }

  report(report: Omit<Report, 'id' | 'at'>): Report {
    const stored: Report = { id: randomUUID(), at: new Date().toISOString(), ...report };
    this.#recentReports.push(stored);
    if (this.#recentReports.length > 1000) this.#recentReports.shift();
    if (this.#store) this.#write('report', this.#store.repos.moderation.report(stored));
    return stored;
  }

  /** Reports made since this process started; every report is in the store (`repos.moderation.reports()`). */
  reports(): readonly Report[] {
    return this.#recentReports;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  #list(ownerUserId: string): Map<string, string> {
    let list = this.#blocks.get(ownerUserId);
    if (!list) this.#blocks.set(ownerUserId, (list = new Map()));
    return list;
  }

  #write(what: string, pending: Promise<unknown>): void {
    const tracked = pending.catch((error: unknown) => this.#logger?.error(`saving a ${what} failed`, { error }));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
