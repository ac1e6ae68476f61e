import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileSettingsStore, SettingsError, SettingsService } from '../../src/main/services/SettingsService';
import { testDir } from '../support/tempDir';
import { defaultSettings } from '../../src/shared/settings';

function tempFile(): string {
  return join(testDir('hostline-settings-'), 'settings.json');
}

describe('SettingsService', () => {
  it('starts from defaults and persists an update to disk for the next start', () => {
    const file = tempFile();
    const first = new SettingsService(new JsonFileSettingsStore(file));
    expect(first.get()).toEqual(defaultSettings());
    first.update({ hostName: 'Ada', inputDevice: { deviceId: 'abc', label: 'USB Mic' } });
    const second = new SettingsService(new JsonFileSettingsStore(file));
    expect(second.get()).toMatchObject({ hostName: 'Ada', inputDevice: { deviceId: 'abc', label: 'USB Mic' } });
  });

  it('refuses an invalid patch, names the field, and changes nothing', () => {
    const file = tempFile();
    const service = new SettingsService(new JsonFileSettingsStore(file));
    service.update({ hostName: 'Ada' });
    expect(() => service.update({ hostName: 42 })).toThrow(SettingsError);
    expect(() => service.update({ hostName: 'x'.repeat(49) })).toThrow(/hostName/);
    expect(() => service.update({ sneaky: true })).toThrow(SettingsError);
    expect(service.get().hostName).toBe('Ada');
    expect(JSON.parse(readFileSync(file, 'utf8')).hostName).toBe('Ada');
  });

  it('recovers from a corrupt or partly invalid file, keeping the valid fields', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ hostName: 'Ada', lastSpaceTitle: 7, inputDevice: 'nope' }));
    expect(new SettingsService(new JsonFileSettingsStore(file)).get()).toEqual({ ...defaultSettings(), hostName: 'Ada' });
    writeFileSync(file, '{not json');
    expect(new SettingsService(new JsonFileSettingsStore(file)).get()).toEqual(defaultSettings());
  });

  it('a patch changes only the fields it names, and every other setting stays as it was', () => {
    const file = tempFile();
    const service = new SettingsService(new JsonFileSettingsStore(file));
    const chosen = service.update({
      inputDevice: { deviceId: 'usb', label: 'USB Mic' },
      consolePresets: [{ name: 'Late show', chain: defaultSettings().console.chain }],
      shortcuts: { ...defaultSettings().shortcuts, addMarker: 'Alt+KeyM' },
      console: { ...defaultSettings().console, voiceGate: true },
    });
    // Going live saves the name and title; nothing else may fall back to its default.
    const after = service.update({ hostName: 'Ada', lastSpaceTitle: 'Friday call-in' });
    expect(after).toEqual({ ...chosen, hostName: 'Ada', lastSpaceTitle: 'Friday call-in' });
    expect(new SettingsService(new JsonFileSettingsStore(file)).get()).toEqual(after);
  });

  it('tells listeners about changes', () => {
    const service = new SettingsService(new JsonFileSettingsStore(tempFile()));
    const seen: string[] = [];
    service.on('changed', (s) => seen.push(s.lastSpaceTitle));
    service.update({ lastSpaceTitle: 'Friday call-in' });
    expect(seen).toEqual(['Friday call-in']);
  });
});
