// The studio's settings: one schema for electron-store (Electron) and the browser bridge's JSON file.
import { z } from 'zod';
import {
  ConsoleSettingsSchema,
  DEFAULT_SHORTCUTS,
  defaultConsoleSettings,
  ShortcutsSchema,
  UserPresetSchema,
} from './console-settings.js';
import { RunOfShowSchema } from './run-of-show.js';

export const DeviceChoiceSchema = z.object({
  /** The browser's device id; it can change between runs, so the label is kept too. */
  deviceId: z.string().max(512),
  /** The device's name as the system shows it; used to find it again when the id changed. */
  label: z.string().max(256),
});
export type DeviceChoice = z.infer<typeof DeviceChoiceSchema>;

export const RecordingSettingsSchema = z.object({
  /** Folder for recordings; null means the studio's default (see README, "Recording and replay"). */
  directory: z.string().min(1).max(1024).nullable().default(null),
  /** Warn when the free disk space allows fewer minutes of recording than this. */
  lowDiskWarningMinutes: z.number().int().min(1).max(600).default(15),
});
export type RecordingSettings = z.infer<typeof RecordingSettingsSchema>;

export const ReplaySettingsSchema = z.object({
  /** New Spaces are recorded on the server for a replay from the start (the host can still switch it). */
  recordByDefault: z.boolean().default(false),
  /** Listeners may clip the last 30 s while live. */
  liveClips: z.boolean().default(false),
});
export type ReplaySettings = z.infer<typeof ReplaySettingsSchema>;

export const SettingsSchema = z.object({
  /** The name the host appears under on the Stage. */
  hostName: z.string().max(48).default(''),
  /** The title of the last Space, offered again next time. */
  lastSpaceTitle: z.string().max(120).default(''),
  /** The microphone to use; null means the system default. */
  inputDevice: DeviceChoiceSchema.nullable().default(null),
  /** Where the host hears the Space; null means the system default. */
  outputDevice: DeviceChoiceSchema.nullable().default(null),
  /** The production console: processing chain, browser processing, voice gate, monitoring. */
  console: ConsoleSettingsSchema.default(defaultConsoleSettings),
  /** The host's own chain presets, next to the built-in ones. */
  consolePresets: z.array(UserPresetSchema).max(50).default(() => []),
  /** Keyboard shortcuts of the console. */
  shortcuts: ShortcutsSchema.default(() => ({ ...DEFAULT_SHORTCUTS })),
  /** Local recording: where files go and when to warn about the disk. */
  recording: RecordingSettingsSchema.default(() => ({ directory: null, lowDiskWarningMinutes: 15 })),
  /** Replays for listeners, recorded by the server: what a new Space starts with. */
  replay: ReplaySettingsSchema.default(() => ({ recordByDefault: false, liveClips: false })),
  /** The run of show: the segments planned for the next show (edited before or during it). */
  runOfShow: RunOfShowSchema.default(() => []),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * A partial update: only the fields it names change. Built from the fields without their defaults (zod
 * fills a missing defaulted field even inside `.partial()`, which would reset every field not named).
 */
export const SettingsPatchSchema = z
  .object(
    Object.fromEntries(Object.entries(SettingsSchema.shape).map(([key, field]) => [key, field.unwrap().optional()])) as {
      [K in keyof typeof SettingsSchema.shape]: z.ZodOptional<ReturnType<(typeof SettingsSchema.shape)[K]['unwrap']>>;
    },
  )
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

/** Reads stored settings leniently: unknown keys are dropped and invalid ones fall back to defaults. */
export function readSettings(stored: unknown): Settings {
  const base = defaultSettings();
  if (typeof stored !== 'object' || stored === null) return base;
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(base) as Array<keyof Settings>) {
    const field = SettingsSchema.shape[key].safeParse((stored as Record<string, unknown>)[key]);
    if (field.success) out[key] = field.data;
  }
  return out as Settings;
}
