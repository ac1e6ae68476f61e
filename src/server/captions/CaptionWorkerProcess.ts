// The SFU's handle on its caption worker process: forks it at a lower CPU priority than the SFU and
// the mediasoup workers (so recognising speech can delay captions but never the audio or the
// signaling), relays messages, and starts it again with a backoff when it dies. Nothing the worker
// does reaches the SFU as an exception: a write to a worker that died is dropped, a worker that stops
// reading cannot make the SFU buffer without bound (speech is dropped past MAX_BACKLOG_BYTES and the
// worker told how much), and one that stops answering is killed and started again.
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Logger } from '../logger.js';
import type { CaptionWorkerOptions, FromCaptionWorker, ToCaptionWorker, WorkerLine, WorkerLoad } from './worker-messages.js';

/** nice(1) value of the worker: the SFU's own processes run at 0. */
export const CAPTION_WORKER_NICE = 10;
const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];
/** A worker that ran this long since it was ready counts as healthy again: its next death restarts fast. */
const STABLE_AFTER_MS = 30_000;
/** Messages written to the worker's channel but not yet taken by it, in bytes, before speech is dropped. */
export const MAX_BACKLOG_BYTES = 512 * 1024;
/** A ready worker that sends nothing (it reports its load every second) for this long is killed. */
export const WATCHDOG_MS = 30_000;
/** What one speech packet costs in the channel besides its payload (serialised fields). */
const PACKET_OVERHEAD_BYTES = 48;
const MESSAGE_OVERHEAD_BYTES = 64;
const PACKET_MS = 20;

export type CaptionWorkerEvents = {
  ready: [info: { engine: string; streamsPartials: boolean }];
  line: [line: WorkerLine];
  load: [load: WorkerLoad];
  /** The worker died or could not start its engine; it is restarted (unless the reason is fatal). */
  down: [reason: string];
};

export interface CaptionWorkerProcessOptions {
  /** nice(1) value (default CAPTION_WORKER_NICE). */
  nice?: number;
  /** Silence after which a ready worker is killed and restarted, ms (default WATCHDOG_MS). */
  watchdogMs?: number;
  /** Channel backlog past which speech is dropped, bytes (default MAX_BACKLOG_BYTES). */
  maxBacklogBytes?: number;
}

export class CaptionWorkerProcess extends TypedEmitter<CaptionWorkerEvents> {
  readonly #script: string;
  readonly #options: CaptionWorkerOptions;
  readonly #logger: Logger;
  /** The worker's nice(1) value. */
  readonly #nice: number;
  readonly #watchdogMs: number;
  readonly #maxBacklogBytes: number;
  #child: ChildProcess | undefined;
  #ready = false;
  /** When the running worker said it was ready (performance.now()). */
  #readyAt = 0;
  /** When the running worker last sent anything (performance.now()). */
  #lastHeardAt = 0;
  #restarts = 0;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** The engine's own refusal (not installed, no model): starting again would fail the same way. */
  #fatal: string | undefined;
  /** Bytes handed to the channel whose write has not completed (the worker is not reading them yet). */
  #backlogBytes = 0;
  /** Speech dropped per talker while the backlog was full, ms, told to the worker with their next audio. */
  readonly #droppedMs = new Map<string, number>();
  /** Speech packets dropped over the process's life (for logs and tests). */
  droppedPackets = 0;

  constructor(script: string, options: CaptionWorkerOptions, logger: Logger, processOptions: CaptionWorkerProcessOptions = {}) {
    super();
    this.#script = script;
    this.#options = options;
    this.#logger = logger;
    this.#nice = processOptions.nice ?? CAPTION_WORKER_NICE;
    this.#watchdogMs = processOptions.watchdogMs ?? WATCHDOG_MS;
    this.#maxBacklogBytes = processOptions.maxBacklogBytes ?? MAX_BACKLOG_BYTES;
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

  /** Bytes written to the worker's channel that it has not taken yet. */
  get backlogBytes(): number {
    return this.#backlogBytes;
  }

  /** Starts the worker if it is not running. */
  start(): void {
    if (this.#child || this.#closed || this.#fatal) return;
    let child: ChildProcess;
    try {
      child = fork(this.#script, [JSON.stringify(this.#options)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    } catch (error) {
      this.#logger.error('could not start the caption worker', { error });
      this.#scheduleRestart();
      return;
    }
    this.#child = child;
    this.#backlogBytes = 0;
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, this.#nice);
      } catch (error) {
        this.#logger.warn('could not lower the caption worker priority', { error });
      }
    }
    child.on('message', (message: FromCaptionWorker) => this.#onMessage(child, message));
    child.on('error', (error) => {
      // A worker that dies mid-write makes the channel fail (EPIPE); its exit restarts it. A worker
      // that never started (no pid) gets no exit event: restart from here.
      this.#logger.warn('caption worker channel error', { error });
      if (child.pid === undefined) this.#gone(child, `the caption worker could not start (${error.message})`);
    });
    child.on('exit', (code, signal) => this.#gone(child, `the caption worker exited (${signal ?? code})`));
  }

  /**
   * Sends a message; never throws. Speech is dropped (and counted for the talker) while the worker
   * has not taken what was already written; pauses and closes always go, they are few and small.
   */
  send(message: ToCaptionWorker): void {
    const child = this.#child;
    if (!child?.connected) return;
    let bytes = MESSAGE_OVERHEAD_BYTES;
    if (message.t === 'audio') {
      if (this.#backlogBytes > this.#maxBacklogBytes) {
        this.droppedPackets += message.packets.length;
        this.#droppedMs.set(message.talker, (this.#droppedMs.get(message.talker) ?? 0) + message.packets.length * PACKET_MS);
        return;
      }
      const dropped = this.#droppedMs.get(message.talker);
      if (dropped) {
        this.#droppedMs.delete(message.talker);
        message = { ...message, droppedMs: (message.droppedMs ?? 0) + dropped };
      }
      for (const packet of message.packets) bytes += packet.payload.length + PACKET_OVERHEAD_BYTES;
    } else if (message.t === 'close') {
      this.#droppedMs.delete(message.talker);
    }
    this.#backlogBytes += bytes;
    try {
      // The callback takes the write error of a worker that died between the check and the write;
      // without it Node throws EPIPE out of the packet handler. Lines are lost, never the SFU.
      child.send(message, (error) => {
        if (this.#child === child) this.#backlogBytes = Math.max(0, this.#backlogBytes - bytes);
        if (error) this.#logger.debug('caption worker gone, message dropped', { error: error.message });
      });
    } catch (error) {
      // The channel closed between the check and the call (ERR_IPC_CHANNEL_CLOSED).
      this.#backlogBytes = Math.max(0, this.#backlogBytes - bytes);
      this.#logger.debug('caption worker channel closed, message dropped', { error });
    }
  }

  /** Ends the worker (the SFU is closing). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    clearInterval(this.#watchdog);
    const child = this.#child;
    this.#child = undefined;
    if (child?.connected) child.disconnect();
    child?.kill();
  }

  #onMessage(child: ChildProcess, message: FromCaptionWorker): void {
    if (child !== this.#child) return;
    this.#lastHeardAt = performance.now();
    if (message.t === 'ready') {
      this.#ready = true;
      this.#readyAt = this.#lastHeardAt;
      this.#logger.info('caption worker ready', { engine: message.engine, pid: this.pid });
      this.#watch(child);
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

  /** Kills a ready worker that has gone silent (hung in the engine, stopped, swapped out). */
  #watch(child: ChildProcess): void {
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => {
      if (child !== this.#child) return clearInterval(this.#watchdog);
      const silentMs = performance.now() - this.#lastHeardAt;
      if (silentMs < this.#watchdogMs) return;
      this.#logger.warn('caption worker stopped answering: killing it', { silentMs: Math.round(silentMs), pid: child.pid });
      clearInterval(this.#watchdog);
      child.kill('SIGKILL');
    }, Math.min(1000, this.#watchdogMs / 4));
    this.#watchdog.unref();
  }

  #gone(child: ChildProcess, why: string): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    clearInterval(this.#watchdog);
    const ranMs = this.#ready ? performance.now() - this.#readyAt : 0;
    this.#ready = false;
    this.#backlogBytes = 0;
    this.#droppedMs.clear();
    if (this.#closed) return;
    if (ranMs >= STABLE_AFTER_MS) this.#restarts = 0;
    const reason = this.#fatal ?? why;
    this.#logger.warn('caption worker down', { reason });
    this.safeEmit('down', reason);
    if (!this.#fatal) this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#closed) return;
    const delay = RESTART_DELAYS_MS[Math.min(this.#restarts++, RESTART_DELAYS_MS.length - 1)]!;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => this.start(), delay);
    this.#restartTimer.unref();
  }
}
