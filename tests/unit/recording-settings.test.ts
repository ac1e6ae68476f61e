// The recording settings: defaults, validation, and a damaged value falling back on its own.
import { describe, expect, it } from 'vitest';
import { defaultSettings, readSettings, SettingsPatchSchema } from '../../src/shared/settings';

describe('recording settings', () => {
  it('default to the studio’s own folder and a 15-minute disk warning', () => {
    expect(defaultSettings().recording).toEqual({ directory: null, lowDiskWarningMinutes: 15 });
  });

  it('accept a folder and a warning time, and refuse nonsense', () => {
    expect(SettingsPatchSchema.safeParse({ recording: { directory: '/srv/shows', lowDiskWarningMinutes: 30 } }).success).toBe(true);
    expect(SettingsPatchSchema.safeParse({ recording: { directory: '', lowDiskWarningMinutes: 30 } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ recording: { directory: null, lowDiskWarningMinutes: 0 } }).success).toBe(false);
  });

  it('a damaged recording value falls back to the default and keeps the rest', () => {
    const read = readSettings({ hostName: 'Ada', recording: { directory: 42 } });
    expect(read.hostName).toBe('Ada');
    expect(read.recording).toEqual({ directory: null, lowDiskWarningMinutes: 15 });
  });
});
