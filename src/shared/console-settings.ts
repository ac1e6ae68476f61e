// The production console's settings: the processing chain (order, bypass, parameters), the browser's own
// processing, monitoring, voice gate, presets and keyboard shortcuts. One schema for the studio and storage.
import { z } from 'zod';

/** The stages a host can reorder, as OBS lists a source's filters. */
export const STAGE_IDS = ['gain', 'noiseSuppression', 'gate', 'compressor', 'limiter'] as const;
export const StageIdSchema = z.enum(STAGE_IDS);
export type StageId = z.infer<typeof StageIdSchema>;

const ms = (max: number) => z.number().min(0).max(max);
const db = z.number().min(-100).max(24);

export const ChainSettingsSchema = z.object({
  /** Processing order, first to last; every stage exactly once. */
  order: z
    .array(StageIdSchema)
    .length(STAGE_IDS.length)
    .refine((order) => new Set(order).size === STAGE_IDS.length, 'every stage exactly once'),
  gain: z.object({ bypass: z.boolean(), gainDb: z.number().min(-24).max(24) }),
  /** RNNoise; `bypass` means off. */
  noiseSuppression: z.object({ bypass: z.boolean() }),
  gate: z.object({
    bypass: z.boolean(),
    openDb: db,
    closeDb: db,
    attackMs: ms(500),
    holdMs: ms(2000),
    releaseMs: ms(2000),
    rangeDb: db,
  }),
  compressor: z.object({
    bypass: z.boolean(),
    thresholdDb: db,
    ratio: z.number().min(1).max(20),
    attackMs: ms(500),
    releaseMs: ms(2000),
    makeupDb: z.number().min(0).max(24),
    kneeDb: z.number().min(0).max(24),
  }),
  limiter: z.object({ bypass: z.boolean(), ceilingDb: z.number().min(-24).max(0), releaseMs: ms(2000) }),
});
export type ChainSettings = z.infer<typeof ChainSettingsSchema>;

/** The voice preset: light touch for a good microphone in a quiet room. */
export const VOICE_PRESET: ChainSettings = {
  order: ['gain', 'noiseSuppression', 'gate', 'compressor', 'limiter'],
  gain: { bypass: false, gainDb: 0 },
  noiseSuppression: { bypass: false },
  gate: { bypass: true, openDb: -45, closeDb: -55, attackMs: 2, holdMs: 200, releaseMs: 150, rangeDb: -40 },
  compressor: { bypass: false, thresholdDb: -24, ratio: 3, attackMs: 5, releaseMs: 120, makeupDb: 4, kneeDb: 6 },
  limiter: { bypass: false, ceilingDb: -1, releaseMs: 60 },
};

export const BUILT_IN_PRESETS: ReadonlyArray<{ name: string; chain: ChainSettings }> = [
  { name: 'Voice', chain: VOICE_PRESET },
  {
    // Close-miked talk: firmer compression for an even level, as radio does.
    name: 'Podcast studio',
    chain: {
      ...VOICE_PRESET,
      noiseSuppression: { bypass: true },
      gate: { ...VOICE_PRESET.gate, bypass: false, openDb: -50, closeDb: -60, rangeDb: -20 },
      compressor: { bypass: false, thresholdDb: -20, ratio: 4, attackMs: 3, releaseMs: 100, makeupDb: 6, kneeDb: 6 },
      limiter: { bypass: false, ceilingDb: -1, releaseMs: 50 },
    },
  },
  {
    // Cafés and open offices: RNNoise first, then a gate that closes hard between phrases.
    name: 'Noisy room',
    chain: {
      ...VOICE_PRESET,
      gate: { bypass: false, openDb: -38, closeDb: -48, attackMs: 2, holdMs: 250, releaseMs: 200, rangeDb: -60 },
      compressor: { ...VOICE_PRESET.compressor, thresholdDb: -22, ratio: 3 },
    },
  },
];

export const BrowserProcessingSchema = z.object({
  echoCancellation: z.boolean(),
  noiseSuppression: z.boolean(),
  autoGainControl: z.boolean(),
});
export type BrowserProcessing = z.infer<typeof BrowserProcessingSchema>;

/** On headphones nothing leaks back into the microphone, so echo cancellation only costs quality. */
export const BROWSER_PROCESSING_FOR = {
  headphones: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  speakers: { echoCancellation: true, noiseSuppression: false, autoGainControl: false },
} as const satisfies Record<string, BrowserProcessing>;

/** Music mode: nothing of the browser's processing, which is tuned for speech and would pump music. */
export const BROWSER_PROCESSING_OFF: BrowserProcessing = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

/** The browser processing the microphone is opened with: the host's choice, or none in music mode. */
export function browserProcessingOf(settings: Pick<ConsoleSettings, 'browser' | 'musicMode'>): BrowserProcessing {
  return settings.musicMode ? BROWSER_PROCESSING_OFF : settings.browser;
}

export const SHORTCUT_ACTIONS = ['muteSelf', 'pushToTalk', 'addMarker', 'approveNextRequest', 'muteAll', 'nextSegment'] as const;
export const ShortcutActionSchema = z.enum(SHORTCUT_ACTIONS);
export type ShortcutAction = z.infer<typeof ShortcutActionSchema>;

/** A key combination as KeyboardEvent.code with modifiers, e.g. "Ctrl+Shift+KeyM"; null is unbound. */
export type Shortcuts = Record<ShortcutAction, string | null>;

export const DEFAULT_SHORTCUTS: Shortcuts = {
  muteSelf: 'Ctrl+KeyM',
  pushToTalk: 'Backquote',
  addMarker: 'Ctrl+KeyK',
  approveNextRequest: 'Ctrl+Shift+KeyA',
  muteAll: 'Ctrl+Shift+KeyM',
  nextSegment: 'Ctrl+Shift+KeyN',
};

/** Every action's keys; an action added later (settings saved before it existed) gets its default. */
export const ShortcutsSchema = z.object(
  Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, z.string().max(64).nullable().default(DEFAULT_SHORTCUTS[a])])) as Record<
    ShortcutAction,
    z.ZodDefault<z.ZodNullable<z.ZodString>>
  >,
);

export const ConsoleSettingsSchema = z.object({
  chain: ChainSettingsSchema,
  /** Name of the preset the chain came from (a built-in or one of the host's). */
  presetName: z.string().max(64),
  /** What the host listens on; picks the browser-processing defaults. */
  listeningOn: z.enum(['headphones', 'speakers']),
  browser: BrowserProcessingSchema,
  /** Close the microphone between phrases, following the voice detector. */
  voiceGate: z.boolean(),
  /** The microphone is closed unless the push-to-talk key is held. */
  pushToTalk: z.boolean(),
  /** Hear your own processed voice. */
  monitor: z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) }),
  /**
   * For music and high-quality voice: the browser's processing off, the chain reduced to the limiter,
   * stereo Opus at 128 kbps with FEC.
   */
  musicMode: z.boolean().default(false),
  /** 10 ms Opus packets instead of 20: about 10 ms sooner to every listener, twice the packets through the SFU. */
  lowLatency: z.boolean().default(false),
});
export type ConsoleSettings = z.infer<typeof ConsoleSettingsSchema>;

export function defaultConsoleSettings(): ConsoleSettings {
  return {
    chain: JSON.parse(JSON.stringify(VOICE_PRESET)) as ChainSettings,
    presetName: 'Voice',
    listeningOn: 'speakers',
    browser: { ...BROWSER_PROCESSING_FOR.speakers },
    voiceGate: false,
    pushToTalk: false,
    monitor: { enabled: false, volume: 0.8 },
    musicMode: false,
    lowLatency: false,
  };
}

export const UserPresetSchema = z.object({ name: z.string().min(1).max(64), chain: ChainSettingsSchema });
export type UserPreset = z.infer<typeof UserPresetSchema>;
