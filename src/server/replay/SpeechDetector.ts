// Who spoke when, from the level each packet carries (the sender's ssrc-audio-level, the same figure
// the SFU's audio level observer uses), at packet resolution: a stretch opens at the first loud packet
// and closes HANGOVER_MS after the last one, so pauses between words stay inside one stretch.

/** Louder than this (dBov) is speech; the Space's speaking indicator uses the same threshold. */
export const SPEECH_THRESHOLD_DBOV = -55;
/** Quiet for this long closes a stretch of speech. */
export const HANGOVER_MS = 700;
/** Without a level (a sender that sets none), a payload this large is taken as sound, not silence. */
const LOUD_PAYLOAD_BYTES = 24;

export interface SpeechEdge {
  edge: 'start' | 'end';
  atMs: number;
}

export class SpeechDetector {
  /** The open stretch: where it started and where its last loud packet ended. */
  #open: { startMs: number; lastLoudEndMs: number } | undefined;
  readonly #onEdge: (edge: SpeechEdge) => void;

  constructor(onEdge: (edge: SpeechEdge) => void) {
    this.#onEdge = onEdge;
  }

  get speaking(): boolean {
    return this.#open !== undefined;
  }

  static isLoud(level: { dBov: number } | undefined, payloadBytes: number): boolean {
    return level ? -level.dBov > SPEECH_THRESHOLD_DBOV : payloadBytes >= LOUD_PAYLOAD_BYTES;
  }

  /** One packet placed at `startMs` lasting `durationMs`. */
  feed(startMs: number, durationMs: number, loud: boolean): void {
    const open = this.#open;
    if (loud) {
      if (!open) {
        this.#open = { startMs, lastLoudEndMs: startMs + durationMs };
        this.#onEdge({ edge: 'start', atMs: startMs });
      } else {
        open.lastLoudEndMs = startMs + durationMs;
      }
      return;
    }
    if (open && startMs - open.lastLoudEndMs >= HANGOVER_MS) this.close();
  }

  /** Closes an open stretch at its last loud packet (the speaker stopped, muted or left). */
  close(): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    this.#onEdge({ edge: 'end', atMs: open.lastLoudEndMs });
  }
}
