// A remote speaker's speaking ring and talk time, from the level of the audio the studio receives.
// Level-based (not a model) because it runs for everyone on stage at once and must stay cheap.

export interface SpeakerActivityParams {
  /** RMS level (dBFS) that lights the ring. */
  onDb: number;
  /** RMS level (dBFS) under which the ring starts to go out. */
  offDb: number;
  /** How long the level must stay under offDb before the ring goes out, ms. */
  holdMs: number;
}

export const DEFAULT_SPEAKER_ACTIVITY: SpeakerActivityParams = { onDb: -42, offDb: -50, holdMs: 350 };

export class SpeakerActivity {
  readonly #params: SpeakerActivityParams;
  #speaking = false;
  #quietSince = 0;
  #lastTime: number | undefined;
  /** Milliseconds this speaker has spoken in total. */
  #talkMs = 0;

  constructor(params: SpeakerActivityParams = DEFAULT_SPEAKER_ACTIVITY) {
    this.#params = params;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  get talkTimeMs(): number {
    return this.#talkMs;
  }

  /** Feeds one level reading taken at `timeMs`; returns true when the speaking state changed. */
  reading(rmsDb: number, timeMs: number): boolean {
    if (this.#speaking && this.#lastTime !== undefined) this.#talkMs += Math.max(0, timeMs - this.#lastTime);
    this.#lastTime = timeMs;
    if (!this.#speaking) {
      if (rmsDb >= this.#params.onDb) {
        this.#speaking = true;
        this.#quietSince = timeMs;
        return true;
      }
      return false;
    }
    if (rmsDb >= this.#params.offDb) this.#quietSince = timeMs;
    else if (timeMs - this.#quietSince >= this.#params.holdMs) {
      this.#speaking = false;
      return true;
    }
    return false;
  }
}
