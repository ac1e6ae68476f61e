import { describe, expect, it } from 'vitest';
import { DEFAULT_SHORTCUTS } from '../../src/shared/console-settings';
import { actionFor, comboFromEvent, conflictFor, formatCombo } from '../../src/renderer/studio/shortcuts/combos';

const key = (code: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
  code,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('console shortcuts', () => {
  it('turns a key press into a combination and shows it readably', () => {
    expect(comboFromEvent(key('KeyM', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+KeyM');
    expect(comboFromEvent(key('ShiftLeft', { shiftKey: true }))).toBeUndefined();
    expect(formatCombo('Ctrl+Shift+KeyM')).toBe('Ctrl+Shift+M');
    expect(formatCombo(null)).toBe('—');
  });

  it('finds the action bound to a key, including the queue and moderation actions', () => {
    expect(actionFor(key('KeyM', { ctrlKey: true }), DEFAULT_SHORTCUTS)).toBe('muteSelf');
    expect(actionFor(key('KeyM'), DEFAULT_SHORTCUTS)).toBeUndefined();
    expect(actionFor(key('KeyK', { ctrlKey: true }), DEFAULT_SHORTCUTS)).toBe('addMarker');
    // Push to talk still releases if a modifier went down while it was held.
    expect(actionFor(key('Backquote', { shiftKey: true }), DEFAULT_SHORTCUTS)).toBe('pushToTalk');
    expect(actionFor(key('KeyA', { ctrlKey: true, shiftKey: true }), DEFAULT_SHORTCUTS)).toBe('approveNextRequest');
    expect(actionFor(key('KeyM', { ctrlKey: true, shiftKey: true }), DEFAULT_SHORTCUTS)).toBe('muteAll');
    expect(actionFor(key('KeyA'), { ...DEFAULT_SHORTCUTS, approveNextRequest: null })).toBeUndefined();
  });

  it('reports a combination already taken by another action', () => {
    expect(conflictFor('Ctrl+KeyM', 'addMarker', DEFAULT_SHORTCUTS)).toBe('muteSelf');
    expect(conflictFor('Ctrl+KeyM', 'muteSelf', DEFAULT_SHORTCUTS)).toBeUndefined();
  });
});
