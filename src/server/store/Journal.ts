// Writes live state to the store without holding up the show. Each change names what it rewrites (a
// key such as `member:<space>:<id>`) and how; changes made in the same moment are folded (a later
// write of a key replaces its pending one) and committed together in one transaction, in the order
// their keys first appeared. `settled()` resolves once everything written so far is committed, so a
// request is answered only when its change is durable. A failed commit is retried with backoff and
// the show goes on from memory meanwhile.
import type { Logger } from '../logger.js';
import type { Repositories } from './repositories.js';
import type { Store } from './Store.js';

type Write = (repos: Repositories) => Promise<void>;

const RETRY_MS = [50, 200, 1000, 5000];

export interface JournalStats {
  /** Transactions committed. */
  batches: number;
  /** Writes committed (after folding). */
  writes: number;
  /** Writes folded into a later one before they were committed. */
  folded: number;
}

export class Journal {
  readonly #store: Store;
  readonly #logger: Logger;
  /** Writes not yet committed, by key, in first-appearance order. */
  #pending = new Map<string, Write>();
  /** The commit running now, if any. */
  #running: Promise<void> | undefined;
  #scheduled = false;
  #failures = 0;
  /** Numbers each write; a commit makes everything up to its batch's last number durable. */
  #seq = 0;
  #pendingSeq = 0;
  #committedSeq = 0;
  /** Requests waiting for writes up to `seq` to be committed. */
  #waiters: Array<{ seq: number; wake: () => void }> = [];
  #closed = false;
  readonly stats: JournalStats = { batches: 0, writes: 0, folded: 0 };

  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** Whether writes are waiting or running (a request can skip awaiting `settled()` when not). */
  get busy(): boolean {
    return this.#committedSeq < this.#seq;
  }

  write(key: string, write: Write): void {
    if (this.#closed) return;
    this.#pendingSeq = ++this.#seq;
    if (this.#pending.has(key)) {
      this.stats.folded++;
      // Re-set keeps the key's first position: the row it names was created first.
      this.#pending.set(key, write);
    } else {
      this.#pending.set(key, write);
    }
    this.#schedule(0);
  }

  /** Resolves once every write made before this call is committed. */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    const seq = this.#seq;
    return new Promise((resolve) => this.#waiters.push({ seq, wake: resolve }));
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    // setImmediate folds everything one event-loop turn changes into one commit.
    const run = () => {
      this.#scheduled = false;
      this.#running = this.#commit().finally(() => {
        this.#running = undefined;
        if (this.#pending.size > 0 && !this.#closed) this.#schedule(this.#failures ? RETRY_MS[Math.min(this.#failures - 1, RETRY_MS.length - 1)]! : 0);
      });
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  async #commit(): Promise<void> {
    const batch = this.#pending;
    const batchSeq = this.#pendingSeq;
    this.#pending = new Map();
    if (batch.size === 0) return;
    try {
      await this.#store.transaction(async (repos) => {
        for (const write of batch.values()) await write(repos);
      });
      this.stats.batches++;
      this.stats.writes += batch.size;
      if (this.#failures) this.#logger.info('saving live state works again', { after: this.#failures });
      this.#failures = 0;
      this.#committedSeq = batchSeq;
      this.#wake((seq) => seq <= batchSeq);
    } catch (error) {
      this.#failures++;
      if (this.#failures === 1 || this.#failures % 10 === 0) this.#logger.error('saving live state failed; retrying', { failures: this.#failures, error });
      // Put the batch back under anything newer written meanwhile (newer wins).
      const merged = new Map(batch);
      for (const [key, write] of this.#pending) merged.set(key, write);
      this.#pending = merged;
      // Answers wait for durability only while the store answers; a store that keeps failing must not
      // freeze the show, so waiting requests go on after the first failure.
      this.#wake(() => true);
    }
  }

  #wake(which: (seq: number) => boolean): void {
    const woken = this.#waiters.filter((w) => which(w.seq));
    this.#waiters = this.#waiters.filter((w) => !which(w.seq));
    for (const waiter of woken) waiter.wake();
  }

  /** How many writes have been committed (for tests and the benchmark). */
  get committed(): number {
    return this.#committedSeq;
  }

  /** Commits what is pending, then refuses new writes. */
  async close(): Promise<void> {
    while ((this.#pending.size > 0 || this.#running) && this.#failures < 3) {
      await (this.#running ?? new Promise<void>((resolve) => setImmediate(resolve)));
      if (this.#pending.size > 0 && !this.#running && !this.#scheduled) this.#schedule(0);
    }
    this.#closed = true;
    this.#wake(() => true);
  }
}
