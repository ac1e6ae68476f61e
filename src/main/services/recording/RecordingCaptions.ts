// The captions of one recording, kept beside its tracks as captions.vtt: final caption lines with
// the speaker's voice tag, corrections applied (the highest revision of a line wins), hidden lines left
// out, each cue on the recording's own clock (seconds from its start, paused time excluded, the
// clock the tracks' samples count). The file is rewritten atomically at most once a second while
// lines come, and at the end, so a crash leaves at most a second of captions unwritten. The recording
// (RecordingService today, a Take in the studio's split) turns frames into seconds and hands cues here.
import { join } from 'node:path';
import { toWebVtt, type CueSource } from '../../../shared/captions.js';
import { writeFileAtomic } from './recording-files.js';

export const CAPTIONS_FILE = 'captions.vtt';
/** Lines are folded into one write at most this often. */
const WRITE_EVERY_MS = 1000;
/** A cue shorter than this on the recording's clock fell in a pause or before the start: left out. */
const MIN_CUE_SECONDS = 0.05;

/** One caption line on the recording's clock. */
export interface RecordingCue {
  lineId: string;
  displayName: string;
  text: string;
  hidden: boolean;
  revision: number;
  /** Seconds from the start of the recording. */
  start: number;
  end: number;
}

export class RecordingCaptions {
  /** The file's path. */
  readonly path: string;
  readonly #title: string;
  /** Each line's latest revision, by id. */
  readonly #cues = new Map<string, RecordingCue>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Serialises writes. */
  #writing: Promise<void> = Promise.resolve();
  #written = false;
  #closed = false;

  constructor(dir: string, title: string) {
    this.path = join(dir, CAPTIONS_FILE);
    this.#title = title;
  }

  /** Whether the file exists (a line was written). */
  get written(): boolean {
    return this.#written;
  }

  /** Takes cues (new lines, corrections, hides); an older revision of a line than the one kept is ignored. */
  add(cues: Iterable<RecordingCue>): void {
    if (this.#closed) return;
    let changed = false;
    for (const cue of cues) {
      const known = this.#cues.get(cue.lineId);
      if (known && known.revision >= cue.revision) continue;
      this.#cues.set(cue.lineId, cue);
      changed = true;
    }
    if (changed) this.#timer ??= setTimeout(() => void this.#write(), WRITE_EVERY_MS);
  }

  /** The cues the file holds, in time order. */
  cues(): CueSource[] {
    return [...this.#cues.values()]
      .filter((c) => !c.hidden && c.text.trim().length > 0 && c.end - Math.max(0, c.start) >= MIN_CUE_SECONDS)
      .map((c) => ({ lineId: c.lineId, displayName: c.displayName, text: c.text, start: Math.max(0, c.start), end: c.end }))
      .sort((a, b) => a.start - b.start);
  }

  /** Writes what is pending and stops taking lines (the recording ended). */
  async close(): Promise<void> {
    if (this.#closed) return this.#writing;
    this.#closed = true;
    await this.#write();
  }

  #write(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#cues.size === 0) return this.#writing;
    const text = toWebVtt(this.cues(), this.#title);
    this.#writing = this.#writing
      .then(() => writeFileAtomic(this.path, text))
      .then(() => {
        this.#written = true;
      })
      // A full disk stops the recording through its tracks; captions never throw into it.
      .catch(() => undefined);
    return this.#writing;
  }
}
