// The durable job queue: work that must happen at a time, exactly once, across restarts and across
// server processes sharing one database. Features declare kinds of job (a payload schema and a
// handler) and enqueue jobs, optionally under a key that makes enqueueing idempotent. Each process
// claims due jobs of the kinds it handles for a lease (JobRepository.claim: FOR UPDATE SKIP LOCKED on
// PostgreSQL), runs them, and records the outcome under its claim. A failed attempt is retried with
// backoff; a process that dies leaves its claims to run out, and another process takes them again.
// A handler that has side effects outside the database (mail) records a checkpoint before the point
// of no return, so the next attempt knows whether that point was passed.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { z } from 'zod';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Repositories } from '../store/repositories.js';
import type { EnqueueOutcome, JobClaim, JobRecord } from '../store/repositories/JobRepository.js';
import type { Store } from '../store/Store.js';

/** Thrown by a handler when no retry can help (a refused address, a payload that makes no sense). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** A claimed job, as its handler sees it. */
export interface RunningJob<P> {
  readonly id: string;
  readonly kind: string;
  readonly key: string | null;
  readonly subject: string | null;
  readonly payload: P;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** What an earlier attempt recorded before its process died or failed, if anything. */
  readonly checkpoint: string | null;
  /** The queue's clock. */
  now(): number;
  /** Durably records how far this attempt got. Throws when the claim was lost (the lease ran out). */
  checkpointAs(value: string): Promise<void>;
  /**
   * Runs `work` and marks the job done in one transaction: the job's database effects (e.g. the jobs
   * a fan-out enqueues) land together with its completion, or neither does.
   */
  finishWith(work: (repos: Repositories) => Promise<void>): Promise<void>;
}

export interface JobKind<P> {
  payload: z.ZodType<P>;
  handle(job: RunningJob<P>): Promise<void>;
  /** Attempts before giving up (default 8). */
  maxAttempts?: number;
  /** Delay before attempt `attempt + 1` (default: 30 s doubling to at most an hour, ±20 %). */
  backoffMs?: (attempt: number) => number;
}

export interface Enqueue<P> {
  kind: string;
  payload: P;
  /** Due at; default now. */
  runAt?: number;
  /** Enqueueing the same key again is the same job. */
  key?: string;
  /** What the job is about, so changes to it can cancel its pending jobs. */
  subject?: string;
  maxAttempts?: number;
}

export type JobQueueEvents = {
  done: [job: JobRecord];
  retrying: [job: JobRecord, error: string, runAt: number];
  failed: [job: JobRecord, error: string];
};

export interface JobQueueOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** This process's name in claims (default host:pid:random). */
  worker?: string;
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How long a claim holds; longer than any handler may take. */
  leaseMs?: number;
  /** Real-time interval to look for jobs other processes enqueued (and to notice a lease running out). */
  pollMs?: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;
export function defaultBackoff(attempt: number): number {
  const base = Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export class JobQueue extends TypedEmitter<JobQueueEvents> {
  readonly worker: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  /** Handlers by kind. */
  readonly #kinds = new Map<string, JobKind<unknown>>();
  /** Jobs this process is running, by id. */
  readonly #running = new Map<string, Promise<void>>();
  #started = false;
  #stopping = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The claim in flight, so ticks never overlap. */
  #ticking: Promise<void> | undefined;
  #again = false;
  #offClock: (() => void) | undefined;
  #storeFailures = 0;

  constructor(options: JobQueueOptions) {
    super();
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.worker = options.worker ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#concurrency = options.concurrency ?? 8;
    this.#leaseMs = options.leaseMs ?? 5 * 60_000;
    this.#pollMs = options.pollMs ?? 2000;
  }

  /** Declares a kind of job and its handler (before start). */
  define<P>(kind: string, spec: JobKind<P>): void {
    if (this.#kinds.has(kind)) throw new Error(`job kind ${kind} is defined twice`);
    this.#kinds.set(kind, spec as JobKind<unknown>);
  }

  get kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  /**
   * Adds a job (in `repos`' transaction when given). Its payload is checked against its kind's schema
   * here, so a job that could never run is refused at once rather than failing later.
   */
  async enqueue<P>(job: Enqueue<P>, repos: Repositories = this.#store.repos): Promise<EnqueueOutcome> {
    const spec = this.#kinds.get(job.kind);
    if (!spec) throw new Error(`no job kind ${job.kind}`);
    const checked = spec.payload.safeParse(job.payload);
    if (!checked.success) throw new Error(`a ${job.kind} job's payload does not fit its kind: ${checked.error.issues[0]?.message ?? ''}`);
    const now = this.#clock.now();
    const outcome = await repos.jobs.enqueue(
      {
        id: randomUUID(),
        kind: job.kind,
        payload: checked.data,
        runAt: job.runAt ?? now,
        maxAttempts: job.maxAttempts ?? spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        ...(job.key !== undefined ? { key: job.key } : {}),
        ...(job.subject !== undefined ? { subject: job.subject } : {}),
      },
      now,
    );
    if (outcome !== 'exists') this.poke();
    return outcome;
  }

  /** Cancels the pending jobs about `subject` (of `kinds` when given). */
  cancel(subject: string, kinds?: readonly string[], repos: Repositories = this.#store.repos): Promise<number> {
    return repos.jobs.cancelPending(subject, kinds, this.#clock.now());
  }

  /** Starts claiming and running due jobs until `stop`. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#offClock = this.#clock.on('changed', () => this.poke());
    this.poke();
  }

  /** Looks for due jobs now (something was enqueued, or the clock moved). */
  poke(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = undefined;
      if (this.#again) {
        this.#again = false;
        this.poke();
      }
    });
  }

  async #tick(): Promise<void> {
    const slots = this.#concurrency - this.#running.size;
    if (slots <= 0) return; // a finishing job pokes again
    let claimed: JobRecord[];
    try {
      claimed = await this.#claim(slots);
      this.#storeFailures = 0;
    } catch (error) {
      if (this.#storeFailures++ % 30 === 0) this.#logger.warn('claiming jobs failed; trying again', { error });
      this.#wakeIn(this.#pollMs);
      return;
    }
    for (const job of claimed) this.#run(job);
    if (claimed.length === slots) {
      this.#again = true;
      return;
    }
    // Nothing more due now: wake when the next one is, or at the poll interval, whichever is sooner.
    let delay = this.#pollMs;
    try {
      const next = await this.#store.repos.jobs.nextDue(this.kinds);
      if (next !== undefined) delay = Math.max(0, Math.min(delay, next - this.#clock.now()));
    } catch {
      // The poll will look again.
    }
    this.#wakeIn(delay);
  }

  #wakeIn(delayMs: number): void {
    if (this.#stopping) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.poke(), delayMs);
    this.#timer.unref?.();
  }

  #claim(limit: number): Promise<JobRecord[]> {
    const now = this.#clock.now();
    return this.#store.repos.jobs.claim(this.worker, this.kinds, now, now + this.#leaseMs, limit);
  }

  #run(record: JobRecord): void {
    const running = this.#execute(record)
      .catch((error: unknown) => this.#logger.error('a job could not record its outcome', { jobId: record.id, kind: record.kind, error }))
      .finally(() => {
        this.#running.delete(record.id);
        this.poke();
      });
    this.#running.set(record.id, running);
  }

  async #execute(record: JobRecord): Promise<void> {
    const spec = this.#kinds.get(record.kind)!;
    const claim: JobClaim = { id: record.id, worker: this.worker, attempt: record.attempts };
    const repos = this.#store.repos;
    const parsed = spec.payload.safeParse(record.payload);
    if (!parsed.success) {
      await repos.jobs.fail(claim, `payload does not fit ${record.kind}: ${parsed.error.issues[0]?.message ?? ''}`, this.#clock.now());
      this.safeEmit('failed', record, 'bad payload');
      return;
    }
    let finished = false;
    const job: RunningJob<unknown> = {
      id: record.id,
      kind: record.kind,
      key: record.key,
      subject: record.subject,
      payload: parsed.data,
      attempt: record.attempts,
      checkpoint: record.checkpoint,
      now: () => this.#clock.now(),
      checkpointAs: async (value) => {
        if (!(await repos.jobs.checkpoint(claim, value, this.#clock.now()))) throw new LostClaim(record.id);
      },
      finishWith: async (work) => {
        await this.#store.transaction(async (trx) => {
          await work(trx);
          if (!(await trx.jobs.complete(claim, this.#clock.now()))) throw new LostClaim(record.id);
        });
        finished = true;
      },
    };
    try {
      await spec.handle(job);
      if (!finished && !(await repos.jobs.complete(claim, this.#clock.now()))) throw new LostClaim(record.id);
      this.safeEmit('done', { ...record, status: 'done' });
    } catch (error) {
      if (error instanceof LostClaim) {
        this.#logger.warn('a job outlived its claim; another process has it now', { jobId: record.id, kind: record.kind });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const now = this.#clock.now();
      if (error instanceof PermanentJobError || record.attempts >= record.maxAttempts) {
        await repos.jobs.fail(claim, message, now);
        this.#logger.error('job failed for good', { jobId: record.id, kind: record.kind, attempts: record.attempts, error: message });
        this.safeEmit('failed', { ...record, status: 'failed' }, message);
        return;
      }
      const runAt = now + (spec.backoffMs ?? defaultBackoff)(record.attempts);
      await repos.jobs.retry(claim, runAt, message, now);
      this.#logger.warn('job failed; retrying', { jobId: record.id, kind: record.kind, attempt: record.attempts, retryInMs: runAt - now, error: message });
      this.safeEmit('retrying', { ...record, status: 'pending' }, message, runAt);
    }
  }

  /** How many jobs this process is running now. */
  get busy(): number {
    return this.#running.size;
  }

  /**
   * Runs everything due now, and what that enqueues, until nothing due is left (tests, after moving
   * the clock). Jobs other processes hold are not waited for.
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.#ticking;
      await Promise.all(this.#running.values());
      await this.#ticking;
      const now = this.#clock.now();
      const next = await this.#store.repos.jobs.nextDue(this.kinds);
      if (this.#running.size === 0 && !this.#ticking && (next === undefined || next > now)) return;
      if (!this.#started) {
        const slots = this.#concurrency - this.#running.size;
        for (const job of await this.#claim(slots)) this.#run(job);
      } else {
        this.poke();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Stops claiming; waits for the jobs running now to finish. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#offClock?.();
    await this.#ticking;
    await Promise.all(this.#running.values());
  }
}

class LostClaim extends Error {
  constructor(jobId: string) {
    super(`job ${jobId}: the claim ran out and another process took it`);
  }
}
