// Where a Space's captions are kept for its replay: with the Space on the server, as WebVTT (final
// lines, corrections applied, hidden lines left out, cue times from the Space's start) and as JSON
// (every final line with its server-clock times and edit history fields, for re-timing against a
// replay's own clock). On disk under `<data-dir>/captions/<spaceId>.{vtt,json}` when the server has a
// data folder, written atomically; in memory otherwise (and always, for serving while it runs).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cuesFrom, toWebVtt, type CaptionLine } from '../../shared/captions.js';

/** Ended Spaces' captions kept in memory for serving when there is no data folder. */
const MEMORY_LIMIT = 200;

export interface SavedCaptions {
  spaceId: string;
  title: string;
  /** Server clock when the Space started: cue time zero. */
  startedAt: number;
  lines: CaptionLine[];
}

export class CaptionStore {
  readonly #dir: string | undefined;
  readonly #memory = new Map<string, SavedCaptions>();

  constructor(dataDir: string | undefined) {
    this.#dir = dataDir ? join(dataDir, 'captions') : undefined;
    if (this.#dir) mkdirSync(this.#dir, { recursive: true });
  }

  /** The folder files go to, or undefined when captions live in memory only. */
  get folder(): string | undefined {
    return this.#dir;
  }

  save(captions: SavedCaptions): void {
    this.#memory.delete(captions.spaceId);
    this.#memory.set(captions.spaceId, captions);
    while (this.#memory.size > MEMORY_LIMIT) this.#memory.delete(this.#memory.keys().next().value!);
    if (!this.#dir) return;
    this.#writeAtomic(join(this.#dir, `${captions.spaceId}.vtt`), CaptionStore.webVtt(captions));
    this.#writeAtomic(join(this.#dir, `${captions.spaceId}.json`), JSON.stringify(captions));
  }

  /** The saved captions of a Space, from memory or disk. */
  load(spaceId: string): SavedCaptions | undefined {
    const inMemory = this.#memory.get(spaceId);
    if (inMemory || !this.#dir || !/^[A-Za-z0-9_-]{1,64}$/.test(spaceId)) return inMemory;
    try {
      return JSON.parse(readFileSync(join(this.#dir, `${spaceId}.json`), 'utf8')) as SavedCaptions;
    } catch {
      return undefined;
    }
  }

  static webVtt(captions: SavedCaptions): string {
    return toWebVtt(cuesFrom(captions.lines, captions.startedAt), captions.title);
  }

  #writeAtomic(path: string, text: string): void {
    const temp = `${path}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, path);
  }
}
