// Keyboard shortcuts of the console: key combinations as text ("Ctrl+Shift+KeyM"), matched against key
// events by physical key (event.code), so they work the same on every keyboard layout.
import type { ShortcutAction, Shortcuts } from '../../../shared/console-settings';

export interface KeyLike {
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

export const SHORTCUT_LABELS: Record<ShortcutAction, string> = {
  muteSelf: 'Mute yourself',
  pushToTalk: 'Push to talk (hold)',
  addMarker: 'Add a marker',
  approveNextRequest: 'Approve the next request',
  muteAll: 'Mute all speakers',
};


const MODIFIER_CODES = new Set(['ControlLeft', 'ControlRight', 'ShiftLeft', 'ShiftRight', 'AltLeft', 'AltRight', 'MetaLeft', 'MetaRight']);

/** The combination a key event makes, or undefined for a lone modifier. */
export function comboFromEvent(e: KeyLike): string | undefined {
  if (MODIFIER_CODES.has(e.code)) return undefined;
  const parts = [e.ctrlKey && 'Ctrl', e.altKey && 'Alt', e.shiftKey && 'Shift', e.metaKey && 'Meta', e.code];
  return parts.filter(Boolean).join('+');
}

/** "Ctrl+KeyM" → "Ctrl+M", "Backquote" → "`", for people. */
export function formatCombo(combo: string | null): string {
  if (!combo) return '—';
  return combo
    .split('+')
    .map((p) => p.replace(/^Key([A-Z])$/, '$1').replace(/^Digit(\d)$/, '$1').replace('Backquote', '`').replace('Space', 'Space'))
    .join('+');
}

/** Which action a key event triggers. Push to talk matches on its key alone, so a held modifier cannot strand it. */
export function actionFor(e: KeyLike, shortcuts: Shortcuts): ShortcutAction | undefined {
  const combo = comboFromEvent(e);
  if (!combo) return undefined;
  for (const [action, bound] of Object.entries(shortcuts) as Array<[ShortcutAction, string | null]>) {
    if (!bound) continue;
    if (bound === combo) return action;
    if (action === 'pushToTalk' && bound.split('+').at(-1) === e.code) return action;
  }
  return undefined;
}

/** The action already using a combination, if any (a combination may drive one action only). */
export function conflictFor(combo: string, action: ShortcutAction, shortcuts: Shortcuts): ShortcutAction | undefined {
  return (Object.entries(shortcuts) as Array<[ShortcutAction, string | null]>).find(([a, c]) => a !== action && c === combo)?.[0];
}

/** Typing in a field must never fire a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
