// The recordings on this machine: every folder under the recordings' root with a manifest we understand,
// newest first, and safe paths into them (an id can never leave the root; only listed track files are served).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingManifest, RecordingSummary } from '../../../shared/recording.js';
import { readManifest, sizeOf, summaryOf } from './recording-files.js';
import { RecordingError } from './RecordingError.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class RecordingLibrary {
  /** The recordings' folder; asked every time, since the setting may change. */
  readonly #root: () => string;

  constructor(root: string | (() => string)) {
    this.#root = typeof root === 'function' ? root : () => root;
  }

  get root(): string {
    return this.#root();
  }

  /** Every recording, newest first; `except` (the take still running) is left out. */
  async list(except?: string): Promise<RecordingSummary[]> {
    const root = this.root;
    const names = await readdir(root).catch(() => [] as string[]);
    const out: RecordingSummary[] = [];
    for (const name of names) {
      if (name === except) continue;
      const dir = join(root, name);
      const manifest = await readManifest(dir);
      if (manifest) out.push(summaryOf(manifest, await sizeOf(dir, manifest)));
    }
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  async get(id: string): Promise<RecordingManifest> {
    const manifest = await readManifest(this.dirOf(id));
    if (!manifest) throw new RecordingError(`no recording ${id}`);
    return manifest;
  }

  /** The folder of a recording; the id is checked so it can never leave the recordings' root. */
  dirOf(id: string): string {
    if (!ID_PATTERN.test(id) || id.includes('..')) throw new RecordingError('not a recording id');
    return join(this.root, id);
  }

  /** The path of one of a recording's track files (only files the manifest lists). */
  async trackPath(id: string, file: string): Promise<string> {
    const manifest = await this.get(id);
    if (!manifest.tracks.some((t) => t.file === file)) throw new RecordingError(`no track ${file} in ${id}`);
    return join(this.dirOf(id), file);
  }
}
