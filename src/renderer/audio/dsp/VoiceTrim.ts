// A remote voice's trim for what the host hears and records (never what listeners hear): a fixed gain
// the host sets (−12 to +12 dB) and an optional level match that nudges the voice towards a target
// loudness from its momentary LUFS readings, at most `maxDbPerSecond`, so a guest is evened out without
// pumping. Only readings that are speech move it (silence between phrases holds the gain).

export const TRIM_LIMIT_DB = 12;

export interface VoiceTrimSettings {
  /** The host's trim, dB (−12 to +12). */
  trimDb: number;
  /** Nudge towards `targetLufs`. */
  levelMatch: boolean;
  targetLufs: number;
}

export const DEFAULT_VOICE_TRIM: VoiceTrimSettings = { trimDb: 0, levelMatch: false, targetLufs: -20 };

/** Readings quieter than this are not speech: they never move the level match. */
const SPEECH_LUFS = -50;
/** How fast the level match may move: 1 dB a second keeps a phrase's own dynamics. */
const MAX_DB_PER_SECOND = 1;

export class VoiceTrim {
  #settings: VoiceTrimSettings;
  /** What the level match adds now, dB. */
  #matchDb = 0;

  constructor(settings: VoiceTrimSettings = DEFAULT_VOICE_TRIM) {
    this.#settings = DEFAULT_VOICE_TRIM;
    this.set(settings);
  }

  /** Takes new settings; a trim outside ±12 dB is refused with the reason. */
  set(settings: VoiceTrimSettings): void {
    if (!Number.isFinite(settings.trimDb) || Math.abs(settings.trimDb) > TRIM_LIMIT_DB) {
      throw new RangeError(`a voice's trim is between −${TRIM_LIMIT_DB} and +${TRIM_LIMIT_DB} dB`);
    }
    if (!settings.levelMatch) this.#matchDb = 0;
    this.#settings = { ...settings };
  }

  get settings(): VoiceTrimSettings {
    return this.#settings;
  }

  /** The gain to apply now, dB: the trim plus the level match, within ±12 dB. */
  get gainDb(): number {
    return Math.max(-TRIM_LIMIT_DB, Math.min(TRIM_LIMIT_DB, this.#settings.trimDb + this.#matchDb));
  }

  /**
   * A momentary loudness reading of the voice as it arrives (before this trim), `seconds` after the
   * last; moves the level match towards the target by at most 1 dB a second.
   */
  reading(momentaryLufs: number, seconds: number): void {
    if (!this.#settings.levelMatch || momentaryLufs < SPEECH_LUFS) return;
    const heard = momentaryLufs + this.#settings.trimDb + this.#matchDb;
    const step = MAX_DB_PER_SECOND * seconds;
    const wanted = Math.max(-step, Math.min(step, this.#settings.targetLufs - heard));
    this.#matchDb = Math.max(-TRIM_LIMIT_DB - this.#settings.trimDb, Math.min(TRIM_LIMIT_DB - this.#settings.trimDb, this.#matchDb + wanted));
  }
}
