import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonFileSettingsStore, SettingsError, SettingsService } from '../../src/main/services/SettingsService';
import { defaultSettings } from '../../src/shared/settings';

/** Folders this file made, removed when it is done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-settings-'));
  made.push(dir);
  return join(dir, 'settings.json');
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

  it('tells listeners about changes', () => {
    const service = new SettingsService(new JsonFileSettingsStore(tempFile()));
    const seen: string[] = [];
    service.on('changed', (s) => seen.push(s.lastSpaceTitle));
    service.update({ lastSpaceTitle: 'Friday call-in' });
    expect(seen).toEqual(['Friday call-in']);
  });
});
