// ShortcutRouter: one pair of key listeners, a registry features add bindings to, rebinding by pressing
// the new keys, holds that always let go.
import { beforeEach, describe, expect, it } from 'vitest';
import { ShortcutRouter } from '../../src/renderer/studio/shortcuts/ShortcutRouter';
import { Keyboard } from '../support/studioSession';

interface Ctx {
  keyboard: Keyboard;
  router: ShortcutRouter;
  log: string[];
}

describe('ShortcutRouter', () => {
  let ctx: Ctx;
  beforeEach(() => {
    const keyboard = new Keyboard();
    const log: string[] = [];
    const router = new ShortcutRouter(keyboard, { marker: 'Ctrl+KeyK', talk: 'Backquote', mute: 'Ctrl+KeyM' });
    router.register({ id: 'marker', label: 'Add a marker', press: () => log.push('marker') });
    router.register({ id: 'talk', label: 'Push to talk', press: () => log.push('talk down'), release: () => log.push('talk up') });
    ctx = { keyboard, router, log };
  });

  it('listens with one keydown and one keyup listener however many bindings there are', () => {
    ctx.router.register({ id: 'mute', label: 'Mute', press: () => ctx.log.push('mute') });
    expect(ctx.keyboard.listening).toBe(2);
    ctx.keyboard.press('Ctrl+KeyM');
    ctx.keyboard.press('Ctrl+KeyK');
    expect(ctx.log).toEqual(['mute', 'marker']);
    ctx.router.close();
    expect(ctx.keyboard.listening).toBe(0);
  });

  it('router.register() adds a feature’s binding, refuses a second one for the same id, and its remover takes it out', () => {
    const { router, keyboard, log } = ctx;
    router.setCombos({ marker: 'Ctrl+KeyK', talk: 'Backquote', 'soundboard.1': 'Digit1' });
    const off = router.register({ id: 'soundboard.1', label: 'Play “Applause”', press: () => log.push('applause') });
    expect(() => router.register({ id: 'soundboard.1', label: 'again', press: () => undefined })).toThrow(/already registered/);
    expect(router.bindings().map((b) => b.label)).toEqual(['Add a marker', 'Push to talk', 'Play “Applause”']);
    keyboard.press('Digit1');
    off();
    keyboard.press('Digit1');
    expect(log).toEqual(['applause']);
    // A combination nobody registered does nothing and is not swallowed.
    keyboard.press('Ctrl+KeyM');
    expect(keyboard.prevented).toBe(1);
  });

  it('never fires while the host types in a field, and fires once for a held key', () => {
    const { keyboard, log } = ctx;
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) keyboard.press('Ctrl+KeyK', { target: { tagName } as unknown as EventTarget });
    keyboard.press('Ctrl+KeyK', { target: { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget });
    expect(log).toEqual([]);
    keyboard.press('Ctrl+KeyK', { hold: true });
    keyboard.press('Ctrl+KeyK', { hold: true, repeat: true });
    keyboard.press('Ctrl+KeyK', { hold: true, repeat: true });
    expect(log).toEqual(['marker']);
  });

  it('a hold is pressed once and released once, on its key alone, and releaseAll() lets go when focus is lost', () => {
    const { router, keyboard, log } = ctx;
    keyboard.press('Backquote', { hold: true });
    keyboard.press('Backquote', { hold: true, repeat: true });
    keyboard.release('Shift+Backquote');
    keyboard.release('Backquote');
    expect(log).toEqual(['talk down', 'talk up']);
    keyboard.press('Backquote', { hold: true });
    router.releaseAll();
    router.releaseAll();
    expect(log).toEqual(['talk down', 'talk up', 'talk down', 'talk up']);
  });

  it('router.capture() takes the next combination (not a lone modifier), unbinds whoever had it, and says what to save', () => {
    const { router, keyboard, log } = ctx;
    const saved: Array<Record<string, string | null>> = [];
    router.on('rebound', (combos) => saved.push(combos));
    router.capture('marker');
    keyboard.press('ShiftLeft');
    expect(router.capturing).toBe('marker');
    keyboard.press('Backquote');
    expect(router.capturing).toBeUndefined();
    expect(saved).toEqual([{ marker: 'Backquote', talk: null, mute: 'Ctrl+KeyM' }]);
    expect(router.comboOf('talk')).toBeNull();
    keyboard.press('Backquote');
    keyboard.press('Ctrl+KeyK');
    expect(log).toEqual(['marker']);
    // Capturing while typing still works: the key is the point.
    router.capture('talk');
    keyboard.press('KeyT', { target: { tagName: 'INPUT' } as unknown as EventTarget });
    expect(router.comboOf('talk')).toBe('KeyT');
  });
});
