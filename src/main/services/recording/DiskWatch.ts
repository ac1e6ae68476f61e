// Keeps a running take durable and watches the disk under it: every flush interval it makes the audio
// and timeline durable (at most that much can be lost to a crash), then reads the free space and works
// out the minutes of recording left at the take's rate. It asks for a clean stop before the disk is full,
// and when a write fails.
import { statfs } from 'node:fs/promises';
import { RECORDING_SAMPLE_RATE, type RecordingStatus } from '../../../shared/recording.js';
import { TypedEmitter } from '../../../shared/TypedEmitter.js';
import type { Take } from './Take.js';

export interface DiskSpace {
  /** Free bytes available to us. */
  free: number;
}

export type DiskReport = Required<Pick<RecordingStatus, 'freeBytes' | 'minutesLeft' | 'lowDisk'>>;

export interface DiskWatchOptions {
  /** How often audio is made durable and the disk read, ms. */
  intervalMs: number;
  diskSpace: (path: string) => Promise<DiskSpace>;
  /** Below this much free space the take must stop. */
  reserveBytes: number;
  /** Warn when fewer minutes than this remain. */
  warnMinutes: () => number;
}

export type DiskWatchEvents = {
  /** The disk was read (at start and after every flush). */
  report: [report: DiskReport];
  /** The take must stop now: the disk is nearly full, or a write failed. */
  stop: [reason: 'disk-full' | 'write-error', message: string];
};

export async function statfsFree(path: string): Promise<DiskSpace> {
  const s = await statfs(path);
  return { free: s.bavail * s.bsize };
}

/** Minutes left for `tracks` float32 tracks at 48 kHz in what is free above the reserve. */
export function diskReport(free: number, tracks: number, reserveBytes: number, warnMinutes: number): DiskReport {
  const bytesPerSecond = Math.max(1, tracks) * RECORDING_SAMPLE_RATE * 4;
  const usable = Math.max(0, free - reserveBytes);
  const minutesLeft = usable / bytesPerSecond / 60;
  return { freeBytes: free, minutesLeft, lowDisk: minutesLeft < warnMinutes };
}

export class DiskWatch extends TypedEmitter<DiskWatchEvents> {
  readonly #take: Take;
  readonly #options: DiskWatchOptions;
  #timer: NodeJS.Timeout | undefined;
  /** A flush is under way; the next tick skips rather than piling up. */
  #flushing = false;
  #closed = false;

  constructor(take: Take, options: DiskWatchOptions) {
    super();
    this.#take = take;
    this.#options = options;
  }

  start(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setInterval(() => void this.#tick(), this.#options.intervalMs);
  }

  /** Judges a reading of the disk: reports it, and asks for a stop when it is below the reserve. */
  check(disk: DiskSpace): DiskReport {
    const report = diskReport(disk.free, this.#take.trackCount, this.#options.reserveBytes, this.#options.warnMinutes());
    if (disk.free < this.#options.reserveBytes) {
      this.safeEmit('stop', 'disk-full', `stopped: the disk is nearly full (${Math.round(disk.free / 1e6)} MB left)`);
    }
    if (!this.#closed) this.safeEmit('report', report);
    return report;
  }

  /** Stops watching (the take is ending). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#closed || this.#flushing) return;
    this.#flushing = true;
    try {
      await this.#take.flush();
      if (this.#closed) return;
      this.check(await this.#options.diskSpace(this.#take.dir));
    } catch (error) {
      if (!this.#closed) {
        const full = (error as NodeJS.ErrnoException).code === 'ENOSPC';
        this.safeEmit('stop', full ? 'disk-full' : 'write-error', (error as Error).message);
      }
    } finally {
      this.#flushing = false;
    }
  }
}
