// The studio's keyboard shortcuts: one keydown and one keyup listener for the whole page, and a registry
// that features add their bindings to (the console's, the session's, later the soundboard's and run of
// show's). A binding names an action; its key combination comes from the host's settings and can be
// changed by pressing the new keys (capture). Typing in a field never fires a shortcut.
import { TypedEmitter } from '../../../shared/TypedEmitter';
import { bindingFor, comboFromEvent, conflictFor, isTyping, type Combos, type KeyLike } from './combos';

export interface ShortcutBinding {
  /** Stable id, also the key of its combination in the settings ("muteSelf", later "soundboard.1"). */
  id: string;
  /** What the shortcuts table shows. */
  label: string;
  /** On key down; never on the key's auto-repeat. */
  press(): void;
  /** Makes it a hold (push to talk): called on key up, and matched on its key alone. */
  release?(): void;
}

export interface KeyEventLike extends KeyLike {
  readonly repeat: boolean;
  readonly target: EventTarget | null;
  preventDefault(): void;
}

/** Where key events come from: the window in the studio, a plain EventTarget in tests. */
export interface KeySource {
  addEventListener(type: 'keydown' | 'keyup', listener: (event: KeyEventLike) => void): void;
  removeEventListener(type: 'keydown' | 'keyup', listener: (event: KeyEventLike) => void): void;
}

export type ShortcutRouterEvents = {
  /** Bindings, combinations or the capture changed (the shortcuts table re-renders). */
  changed: [];
  /** The host gave a binding new keys; `combos` is every combination now, to be saved. */
  rebound: [combos: Record<string, string | null>];
  /** A binding fired (for the console's PTT light and for tests). */
  fired: [id: string, phase: 'press' | 'release'];
};

export class ShortcutRouter extends TypedEmitter<ShortcutRouterEvents> {
  readonly #source: KeySource;
  /** Registered bindings by id, in registration order. */
  readonly #bindings = new Map<string, ShortcutBinding>();
  /** Key combinations by binding id, as the settings hold them. */
  #combos: Record<string, string | null>;
  /** The binding whose next key press becomes its new combination. */
  #capturing: string | undefined;
  /** Hold bindings whose key is down, so a release fires once. */
  readonly #held = new Set<string>();
  readonly #onKeyDown = (e: KeyEventLike) => this.#keyDown(e);
  readonly #onKeyUp = (e: KeyEventLike) => this.#keyUp(e);

  constructor(source: KeySource, combos: Combos) {
    super();
    this.#source = source;
    this.#combos = { ...combos };
    source.addEventListener('keydown', this.#onKeyDown);
    source.addEventListener('keyup', this.#onKeyUp);
  }

  /** Adds a binding; answers the function that removes it. One binding per id. */
  register(binding: ShortcutBinding): () => void {
    if (this.#bindings.has(binding.id)) throw new Error(`a shortcut for ${binding.id} is already registered`);
    this.#bindings.set(binding.id, binding);
    this.safeEmit('changed');
    return () => {
      if (this.#bindings.get(binding.id) !== binding) return;
      this.#bindings.delete(binding.id);
      this.#held.delete(binding.id);
      this.safeEmit('changed');
    };
  }

  bindings(): ShortcutBinding[] {
    return [...this.#bindings.values()];
  }

  comboOf(id: string): string | null {
    return this.#combos[id] ?? null;
  }

  get capturing(): string | undefined {
    return this.#capturing;
  }

  /** Replaces the combinations (settings loaded or changed elsewhere). */
  setCombos(combos: Combos): void {
    this.#combos = { ...combos };
    this.safeEmit('changed');
  }

  /** The next key press (a combination, not a lone modifier) becomes `id`'s keys; undefined cancels. */
  capture(id: string | undefined): void {
    this.#capturing = id;
    this.safeEmit('changed');
  }

  /** Lets go of every held binding (the window lost focus, so its key up will never come). */
  releaseAll(): void {
    for (const id of [...this.#held]) {
      this.#held.delete(id);
      this.#bindings.get(id)?.release?.();
      this.safeEmit('fired', id, 'release');
    }
  }

  close(): void {
    this.#source.removeEventListener('keydown', this.#onKeyDown);
    this.#source.removeEventListener('keyup', this.#onKeyUp);
    this.#bindings.clear();
    this.#held.clear();
  }

  #keyDown(e: KeyEventLike): void {
    if (this.#capturing) {
      const combo = comboFromEvent(e);
      if (!combo) return;
      e.preventDefault();
      const id = this.#capturing;
      const taken = conflictFor(combo, id, this.#combos);
      this.#combos = { ...this.#combos, ...(taken ? { [taken]: null } : {}), [id]: combo };
      this.#capturing = undefined;
      this.safeEmit('changed');
      this.safeEmit('rebound', { ...this.#combos });
      return;
    }
    if (isTyping(e.target)) return;
    const binding = this.#match(e);
    if (!binding) return;
    e.preventDefault();
    if (e.repeat) return;
    if (binding.release) {
      if (this.#held.has(binding.id)) return;
      this.#held.add(binding.id);
    }
    binding.press();
    this.safeEmit('fired', binding.id, 'press');
  }

  #keyUp(e: KeyEventLike): void {
    const binding = this.#match(e);
    if (!binding?.release || !this.#held.delete(binding.id)) return;
    binding.release();
    this.safeEmit('fired', binding.id, 'release');
  }

  #match(e: KeyLike): ShortcutBinding | undefined {
    const registered: Record<string, string | null> = {};
    const holds = new Set<string>();
    for (const [id, binding] of this.#bindings) {
      registered[id] = this.#combos[id] ?? null;
      if (binding.release) holds.add(id);
    }
    const id = bindingFor(e, registered, holds);
    return id === undefined ? undefined : this.#bindings.get(id);
  }
}
