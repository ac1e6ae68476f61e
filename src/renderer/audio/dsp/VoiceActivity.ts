// Turns a voice detector's per-frame speech probabilities into "speaking" / "not speaking", with the
// hysteresis a person expects: quick to light up, and it waits out short pauses inside a phrase.

export interface VoiceActivityParams {
  /** Probability at or above which a frame is speech. */
  positive: number;
  /** Probability under which a frame counts towards the end of speech. */
  negative: number;
  /** How long speech must be absent before "speaking" ends, ms. */
  redemptionMs: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityParams = { positive: 0.5, negative: 0.35, redemptionMs: 400 };

export class VoiceActivity {
  readonly #params: VoiceActivityParams;
  #speaking = false;
  /** ms of non-speech frames since the last speech frame. */
  #silentMs = 0;

  constructor(params: VoiceActivityParams = DEFAULT_VOICE_ACTIVITY) {
    this.#params = params;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds one frame's probability; returns true when the speaking state changed. */
  frame(probability: number, frameMs: number): boolean {
    const p = this.#params;
    if (!this.#speaking) {
      if (probability >= p.positive) {
        this.#speaking = true;
        this.#silentMs = 0;
        return true;
      }
      return false;
    }
    if (probability < p.negative) {
      this.#silentMs += frameMs;
      if (this.#silentMs >= p.redemptionMs) {
        this.#speaking = false;
        return true;
      }
    } else if (probability >= p.positive) {
      this.#silentMs = 0;
    }
    return false;
  }

  reset(): void {
    this.#speaking = false;
    this.#silentMs = 0;
  }
}
