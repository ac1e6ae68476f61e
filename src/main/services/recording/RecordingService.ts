// Local recording of a show, on the host's machine, as Electron's IPC and the browser bridge see it: at
// most one Take running (its DiskWatch keeping it durable and stopping it before the disk fills), the
// RecordingLibrary of finished recordings, and Recovery of interrupted ones at start.
import { mkdir } from 'node:fs/promises';
import {
  decodeAudioBatch,
  type AddTrackRequest,
  type RecordingCaptionInput,
  type RecordingManifest,
  type RecordingStatus,
  type RecordingSummary,
  type StopReason,
  type TimelineEvent,
  type TimelineEventInput,
} from '../../../shared/recording.js';
import { TypedEmitter } from '../../../shared/TypedEmitter.js';
import { DiskWatch, statfsFree, type DiskReport, type DiskSpace } from './DiskWatch.js';
import { sizeOf, summaryOf } from './recording-files.js';
import { RecordingError } from './RecordingError.js';
import { RecordingLibrary } from './RecordingLibrary.js';
import { recoverInterrupted } from './Recovery.js';
import { Take, type TakeRequest } from './Take.js';

export interface RecordingServiceOptions {
  /** Folder holding the recordings; a function is asked at every start (the setting may change). */
  root: string | (() => string);
  /** How often audio is made durable (header patched, fdatasync); at most 1000 for the crash promise. */
  flushIntervalMs?: number;
  /** Free space check; tests pass a fake disk. */
  diskSpace?: (path: string) => Promise<DiskSpace>;
  /** Below this much free space the recording stops cleanly, before the disk fills. */
  reserveBytes?: number;
  /** Warn when fewer minutes than this remain. */
  warnMinutes?: number | (() => number);
  now?: () => number;
}

export type RecordingServiceEvents = {
  /** State, length and disk, at every flush and on every change. */
  status: [RecordingStatus];
  /** A recording ended (by the user, a full disk or a write error). */
  stopped: [RecordingSummary];
};

/** The take in progress and what watches it. */
interface Running {
  take: Take;
  watch: DiskWatch;
  /** The last reading of the disk. */
  disk: DiskReport | undefined;
}

export class RecordingService extends TypedEmitter<RecordingServiceEvents> {
  readonly library: RecordingLibrary;
  readonly #flushIntervalMs: number;
  readonly #diskSpace: (path: string) => Promise<DiskSpace>;
  readonly #reserveBytes: number;
  readonly #warnMinutes: () => number;
  readonly #now: () => number;
  /** The recording in progress, if any. */
  #running: Running | undefined;
  /** Why the last recording stopped when the user did not stop it, for the status line. */
  #lastStop: { reason: StopReason; message: string } | undefined;

  constructor(options: RecordingServiceOptions) {
    super();
    this.library = new RecordingLibrary(options.root);
    this.#flushIntervalMs = options.flushIntervalMs ?? 500;
    this.#diskSpace = options.diskSpace ?? statfsFree;
    this.#reserveBytes = options.reserveBytes ?? 256 * 1024 * 1024;
    const warn = options.warnMinutes;
    this.#warnMinutes = typeof warn === 'function' ? warn : () => warn ?? 15;
    this.#now = options.now ?? Date.now;
    if (this.#flushIntervalMs > 1000) throw new RecordingError('flushIntervalMs must be at most 1000 (at most 1 s may be lost)');
  }

  get root(): string {
    return this.library.root;
  }

  get recording(): boolean {
    return this.#running !== undefined;
  }

  // ---- the running take -------------------------------------------------------------------------

  async start(request: TakeRequest): Promise<RecordingStatus & { id: string }> {
    if (this.#running) throw new RecordingError('a recording is already running');
    const startedAt = this.#now();
    const root = this.root;
    await mkdir(root, { recursive: true });
    const disk = await this.#diskSpace(root);
    if (disk.free < this.#reserveBytes * 2) {
      throw new RecordingError(`not enough free disk space to record (${Math.round(disk.free / 1e6)} MB free)`);
    }
    const take = await Take.begin(root, request, startedAt);
    const watch = new DiskWatch(take, {
      intervalMs: this.#flushIntervalMs,
      diskSpace: this.#diskSpace,
      reserveBytes: this.#reserveBytes,
      warnMinutes: this.#warnMinutes,
    });
    const running: Running = { take, watch, disk: undefined };
    watch.on('report', (report) => {
      running.disk = report;
      if (this.#running === running) this.#emitStatus();
    });
    watch.on('stop', (reason, message) => {
      if (this.#running === running) void this.stop(reason, message).catch(() => undefined);
    });
    this.#running = running;
    this.#lastStop = undefined;
    watch.start();
    watch.check(disk);
    return { ...this.status(), id: take.id };
  }

  /** Adds a track (or returns the member's existing one: someone back on stage keeps their file). */
  async addTrack(request: AddTrackRequest): Promise<{ trackNo: number }> {
    const added = await this.#require().take.addTrack(request);
    this.#emitStatus();
    return added;
  }

  /** Takes a batch of chunks as the renderer sends it (see encodeAudioBatch). */
  appendBatch(batch: Uint8Array): RecordingStatus {
    const running = this.#running;
    // Chunks still in flight when a recording stops are dropped, not an error.
    if (!running) return this.status();
    let chunks;
    try {
      chunks = decodeAudioBatch(batch);
    } catch (error) {
      throw new RecordingError((error as Error).message);
    }
    for (const c of chunks) running.take.place(c.trackNo, c.frame, c.frames, c.bytes);
    return this.status();
  }

  /** Appends float samples to a track, at a frame of the audio clock (Node callers and tests). */
  append(trackNo: number, frame: number, samples: Float32Array): void {
    this.#require().take.place(trackNo, frame, samples.length, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  }

  addEvent(input: TimelineEventInput): Promise<TimelineEvent> {
    return this.#require().take.addEvent(input);
  }

  /** Caption lines for the running take's captions.vtt (none running: dropped, like late audio). */
  addCaptions(lines: RecordingCaptionInput[]): void {
    this.#running?.take.addCaptions(lines);
  }

  async pause(atFrame: number): Promise<RecordingStatus> {
    if (await this.#require().take.pause(atFrame)) this.#emitStatus();
    return this.status();
  }

  async resume(atFrame: number): Promise<RecordingStatus> {
    if (await this.#require().take.resume(atFrame)) this.#emitStatus();
    return this.status();
  }

  /**
   * Ends the recording: every track cut or padded to the same end (`atFrame` on the audio clock, else
   * the longest track), headers final, manifest complete.
   */
  async stop(reason: StopReason = 'user', message?: string, atFrame?: number): Promise<RecordingSummary> {
    const { take, watch } = this.#require();
    this.#running = undefined;
    watch.close();
    const { manifest, failure } = await take.finish(reason, atFrame);
    if (reason !== 'user') this.#lastStop = { reason, message: message ?? failure?.message ?? reason };
    const summary = summaryOf(manifest, await sizeOf(take.dir, manifest));
    this.safeEmit('stopped', summary);
    this.#emitStatus();
    return summary;
  }

  status(): RecordingStatus {
    const running = this.#running;
    if (!running) {
      return this.#lastStop
        ? { state: 'idle', seconds: 0, tracks: 0, stoppedBecause: this.#lastStop.reason, message: this.#lastStop.message }
        : { state: 'idle', seconds: 0, tracks: 0 };
    }
    const { take, disk } = running;
    return { state: take.paused ? 'paused' : 'recording', id: take.id, seconds: take.seconds, tracks: take.trackCount, ...disk };
  }

  /** Stops a running recording (the studio is shutting down). */
  async close(): Promise<void> {
    if (this.#running) await this.stop('closed');
  }

  // ---- recovery and the library -----------------------------------------------------------------

  /** Finds recordings a crash interrupted, repairs their headers and manifest, and marks them recovered. */
  recoverInterrupted(): Promise<RecordingSummary[]> {
    return recoverInterrupted(this.root, this.#running?.take.id);
  }

  /** Finished recordings, newest first (the one running is not listed). */
  list(): Promise<RecordingSummary[]> {
    return this.library.list(this.#running?.take.id);
  }

  get(id: string): Promise<RecordingManifest> {
    return this.library.get(id);
  }

  dirOf(id: string): string {
    return this.library.dirOf(id);
  }

  trackPath(id: string, file: string): Promise<string> {
    return this.library.trackPath(id, file);
  }

  #require(): Running {
    if (!this.#running) throw new RecordingError('no recording is running');
    return this.#running;
  }

  #emitStatus(): void {
    this.safeEmit('status', this.status());
  }
}
