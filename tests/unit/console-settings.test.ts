import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileSettingsStore, SettingsService } from '../../src/main/services/SettingsService';
import { BUILT_IN_PRESETS, ChainSettingsSchema, defaultConsoleSettings, DEFAULT_SHORTCUTS, VOICE_PRESET } from '../../src/shared/console-settings';
import { testDir } from '../support/tempDir';

const file = () => join(testDir('hostline-console-settings-'), 'settings.json');

describe('console settings', () => {
  it('starts with the Voice preset, and remembers the chain, presets and shortcuts for the next start', () => {
    const path = file();
    const first = new SettingsService(new JsonFileSettingsStore(path));
    expect(first.get().console).toEqual(defaultConsoleSettings());
    expect(first.get().shortcuts).toEqual(DEFAULT_SHORTCUTS);
    const chain = { ...VOICE_PRESET, order: ['noiseSuppression', 'gain', 'gate', 'compressor', 'limiter'] as const };
    first.update({
      console: { ...defaultConsoleSettings(), chain: { ...chain, order: [...chain.order] }, presetName: 'Mine' },
      consolePresets: [{ name: 'Mine', chain: { ...chain, order: [...chain.order] } }],
      shortcuts: { ...DEFAULT_SHORTCUTS, addMarker: 'F9' },
    });
    const second = new SettingsService(new JsonFileSettingsStore(path)).get();
    expect(second.console.chain.order[0]).toBe('noiseSuppression');
    expect(second.consolePresets.map((p) => p.name)).toEqual(['Mine']);
    expect(second.shortcuts.addMarker).toBe('F9');
  });

  it('refuses a chain that leaves out or repeats a stage, and falls back to defaults for a damaged console', () => {
    expect(ChainSettingsSchema.safeParse({ ...VOICE_PRESET, order: ['gain', 'gain', 'gate', 'compressor', 'limiter'] }).success).toBe(false);
    const service = new SettingsService(new JsonFileSettingsStore(file()));
    expect(() => service.update({ console: { ...defaultConsoleSettings(), chain: { ...VOICE_PRESET, order: ['gain'] } } })).toThrow(/console/);
    const path = file();
    writeFileSync(path, JSON.stringify({ hostName: 'Ada', console: { chain: 'nope' } }));
    expect(new SettingsService(new JsonFileSettingsStore(path)).get()).toMatchObject({ hostName: 'Ada', console: defaultConsoleSettings() });
  });

  it('has valid built-in presets', () => {
    for (const preset of BUILT_IN_PRESETS) expect(ChainSettingsSchema.safeParse(preset.chain).success, preset.name).toBe(true);
  });
});
