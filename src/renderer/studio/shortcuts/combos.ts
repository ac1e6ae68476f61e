// Keyboard shortcut combinations as text ("Ctrl+Shift+KeyM"), matched against key events by physical key
// (event.code), so they work the same on every keyboard layout. Pure: the ShortcutRouter uses these.
import type { ShortcutAction, Shortcuts } from '../../../shared/console-settings';

export interface KeyLike {
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** Combinations by binding id; null is unbound. */
export type Combos = Readonly<Record<string, string | null>>;

export const SHORTCUT_LABELS: Record<ShortcutAction, string> = {
  muteSelf: 'Mute yourself',
  pushToTalk: 'Push to talk (hold)',
  addMarker: 'Add a marker',
  approveNextRequest: 'Approve the next request',
  muteAll: 'Mute all speakers',
  nextSegment: 'Next segment (run of show)',
};

const MODIFIER_CODES = new Set(['ControlLeft', 'ControlRight', 'ShiftLeft', 'ShiftRight', 'AltLeft', 'AltRight', 'MetaLeft', 'MetaRight']);

/** The combination a key event makes, or undefined for a lone modifier. */
export function comboFromEvent(e: KeyLike): string | undefined {
  if (MODIFIER_CODES.has(e.code)) return undefined;
  const parts = [e.ctrlKey && 'Ctrl', e.altKey && 'Alt', e.shiftKey && 'Shift', e.metaKey && 'Meta', e.code];
  return parts.filter(Boolean).join('+');
}

/** "Ctrl+KeyM" → "Ctrl+M", "Backquote" → "`", for people. */
export function formatCombo(combo: string | null | undefined): string {
  if (!combo) return '—';
  return combo
    .split('+')
    .map((p) => p.replace(/^Key([A-Z])$/, '$1').replace(/^Digit(\d)$/, '$1').replace('Backquote', '`'))
    .join('+');
}

/**
 * Which binding a key event triggers. Hold bindings (push to talk) match on their key alone, so a
 * modifier pressed while holding cannot strand them.
 */
export function bindingFor(e: KeyLike, combos: Combos, holds: ReadonlySet<string>): string | undefined {
  const combo = comboFromEvent(e);
  if (!combo) return undefined;
  for (const [id, bound] of Object.entries(combos)) {
    if (!bound) continue;
    if (bound === combo) return id;
    if (holds.has(id) && bound.split('+').at(-1) === e.code) return id;
  }
  return undefined;
}

const HOLDS: ReadonlySet<string> = new Set<ShortcutAction>(['pushToTalk']);

/** Which of the console's actions a key event triggers. */
export function actionFor(e: KeyLike, shortcuts: Shortcuts): ShortcutAction | undefined {
  return bindingFor(e, shortcuts, HOLDS) as ShortcutAction | undefined;
}

/** The binding already using a combination, if any (a combination may drive one binding only). */
export function conflictFor<Id extends string>(combo: string, id: Id, combos: Readonly<Record<Id, string | null>>): Id | undefined {
  return (Object.entries(combos) as Array<[Id, string | null]>).find(([other, c]) => other !== id && c === combo)?.[0];
}

/** Typing in a field must never fire a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as Partial<HTMLElement> | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true);
}
