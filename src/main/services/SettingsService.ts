// The studio's settings, behind a storage backend: electron-store in Electron, a JSON file for the
// browser bridge. Both Electron IPC and the bridge's HTTP routes call this one service.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSettings, SettingsPatchSchema, type Settings } from '../../shared/settings.js';
import { TypedEmitter } from '../../shared/TypedEmitter.js';

export interface SettingsStore {
  /** The stored object, or undefined when nothing is stored yet. */
  read(): unknown;
  write(settings: Settings): void;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export class SettingsService extends TypedEmitter<{ changed: [Settings] }> {
  readonly #store: SettingsStore;
  #current: Settings;

  constructor(store: SettingsStore) {
    super();
    this.#store = store;
    this.#current = readSettings(store.read());
  }

  get(): Settings {
    return structuredClone(this.#current);
  }

  /** Applies a validated partial update; an invalid patch throws SettingsError and changes nothing. */
  update(patch: unknown): Settings {
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SettingsError(`${issue.path.join('.') || 'settings'}: ${issue.message}`);
    }
    const next = { ...this.#current, ...parsed.data } as Settings;
    this.#store.write(next);
    this.#current = next;
    this.safeEmit('changed', this.get());
    return this.get();
  }
}

/** Settings in a JSON file, written atomically (temp file, then rename) so a crash never truncates it. */
export class JsonFileSettingsStore implements SettingsStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): unknown {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  write(settings: Settings): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(settings, null, 2));
    renameSync(temp, this.path);
  }
}
