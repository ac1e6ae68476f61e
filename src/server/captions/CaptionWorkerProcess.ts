// The SFU's handle on its caption worker process: forks it at a lower CPU priority than the SFU and
// the mediasoup workers (so recognising speech can delay captions but never the audio or the
// signaling), relays messages, and starts it again with a backoff when it dies.
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import type { CaptionWorkerOptions, FromCaptionWorker, ToCaptionWorker, WorkerLine, WorkerLoad } from './worker-messages.js';

/** nice(1) value of the worker: the SFU's own processes run at 0. */
export const CAPTION_WORKER_NICE = 10;
const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];

export type CaptionWorkerEvents = {
  ready: [info: { engine: string; streamsPartials: boolean }];
  line: [line: WorkerLine];
  load: [load: WorkerLoad];
  /** The worker died or could not start its engine; it is restarted (unless the reason is fatal). */
  down: [reason: string];
};

export class CaptionWorkerProcess extends TypedEmitter<CaptionWorkerEvents> {
  readonly #script: string;
  readonly #options: CaptionWorkerOptions;
  readonly #logger: Logger;
  #child: ChildProcess | undefined;
  #ready = false;
  #restarts = 0;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** The engine's own refusal (not installed, no model): starting again would fail the same way. */
  #fatal: string | undefined;

  /** The worker's nice(1) value. */
  readonly #nice: number;

  constructor(script: string, options: CaptionWorkerOptions, logger: Logger, nice = CAPTION_WORKER_NICE) {
    super();
    this.#nice = nice;
    this.#script = script;
    this.#options = options;
    this.#logger = logger;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Why captions cannot run at all, once the engine said so. */
  get fatal(): string | undefined {
    return this.#fatal;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the worker if it is not running. */
  start(): void {
    if (this.#child || this.#closed || this.#fatal) return;
    const child = fork(this.#script, [JSON.stringify(this.#options)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child = child;
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, this.#nice);
      } catch (error) {
        this.#logger.warn('could not lower the caption worker priority', { error });
      }
    }
    child.on('message', (message: FromCaptionWorker) => this.#onMessage(message));
    // A worker that dies mid-write makes the channel fail (EPIPE); its exit restarts it, the SFU stays up.
    child.on('error', (error) => this.#logger.warn('caption worker channel error', { error }));
    child.on('exit', (code, signal) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#ready = false;
      if (this.#closed) return;
      const reason = this.#fatal ?? `the caption worker exited (${signal ?? code})`;
      this.#logger.warn('caption worker down', { reason });
      this.safeEmit('down', reason);
      if (this.#fatal) return;
      const delay = RESTART_DELAYS_MS[Math.min(this.#restarts++, RESTART_DELAYS_MS.length - 1)]!;
      this.#restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  send(message: ToCaptionWorker): void {
    if (!this.#child?.connected) return;
    // The callback takes the write error of a worker that died between the check and the write;
    // without it Node throws EPIPE out of the packet handler. Lines are lost, never the SFU.
    this.#child.send(message, (error) => {
      if (error) this.#logger.debug('caption worker gone, message dropped', { error: error.message });
    });
  }

  /** Ends the worker (the SFU is closing). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    this.#child = undefined;
    if (child?.connected) child.disconnect();
    child?.kill();
  }

  #onMessage(message: FromCaptionWorker): void {
    if (message.t === 'ready') {
      this.#ready = true;
      this.#restarts = 0;
      this.#logger.info('caption worker ready', { engine: message.engine, pid: this.pid });
      this.safeEmit('ready', { engine: message.engine, streamsPartials: message.streamsPartials });
    } else if (message.t === 'line') {
      this.safeEmit('line', message.line);
    } else if (message.t === 'load') {
      this.safeEmit('load', message.load);
    } else {
      this.#fatal = message.message;
      this.#logger.error('caption engine failed to start', { reason: message.message });
    }
  }
}
