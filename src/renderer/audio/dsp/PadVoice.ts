// One soundboard pad playing: its decoded audio at the chain's rate, its gain, once or looped, its fades
// in and out. Pure TypeScript, run by the PadMix in the chain worker and in Node.
import { dbToGain } from './decibels';

export interface PadSound {
  /** Planar channels at the chain's rate (one or two), all the same length. */
  channels: Float32Array[];
}

export interface PadPlayback {
  gainDb: number;
  loop: boolean;
  fadeInMs: number;
  fadeOutMs: number;
  /** A music bed: dips while someone talks. */
  duck: boolean;
}

export class PadVoice {
  readonly #sound: PadSound;
  readonly #sampleRate: number;
  #playback: PadPlayback;
  /** The next frame to play. */
  #position = 0;
  /** The fade's gain now, 0..1, and where it is heading. */
  #fade: number;
  #fadeTarget = 1;
  /** Set once the pad has played to its end (once) or faded out. */
  #ended = false;

  constructor(sound: PadSound, playback: PadPlayback, sampleRate: number) {
    this.#sound = sound;
    this.#sampleRate = sampleRate;
    this.#playback = { ...playback };
    this.#fade = playback.fadeInMs > 0 ? 0 : 1;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get playback(): PadPlayback {
    return this.#playback;
  }

  /** Seconds played into the sound (wrapping when looped). */
  get positionSeconds(): number {
    return this.#position / this.#sampleRate;
  }

  /** Changes gain, loop or fades while playing (the gain changes on the next block). */
  update(playback: PadPlayback): void {
    this.#playback = { ...playback };
  }

  /** Fades out (over the pad's fade-out time; at once when it has none), then ends. */
  stop(): void {
    this.#fadeTarget = 0;
    if (this.#playback.fadeOutMs <= 0) this.#ended = true;
  }

  /**
   * Adds the next `frames` frames into `out` (planar, one or two channels), scaled by the pad's gain,
   * its fade and `duck` (one gain per frame, for beds).
   */
  mixInto(out: readonly Float32Array[], frames: number, duck?: Float32Array): void {
    if (this.#ended) return;
    const source = this.#sound.channels;
    const length = source[0]?.length ?? 0;
    if (length === 0) {
      this.#ended = true;
      return;
    }
    const gain = dbToGain(this.#playback.gainDb);
    const fadeMs = this.#fadeTarget > this.#fade ? this.#playback.fadeInMs : this.#playback.fadeOutMs;
    const fadeStep = fadeMs <= 0 ? 1 : 1 / ((fadeMs / 1000) * this.#sampleRate);
    let fade = this.#fade;
    let position = this.#position;
    for (let i = 0; i < frames; i++) {
      if (position >= length) {
        if (!this.#playback.loop) {
          this.#ended = true;
          break;
        }
        position = 0;
      }
      if (fade !== this.#fadeTarget) fade = fade < this.#fadeTarget ? Math.min(this.#fadeTarget, fade + fadeStep) : Math.max(this.#fadeTarget, fade - fadeStep);
      const g = gain * fade * (duck ? duck[i]! : 1);
      for (let c = 0; c < out.length; c++) out[c]![i]! += g * source[Math.min(c, source.length - 1)]![position]!;
      position++;
      if (fade === 0 && this.#fadeTarget === 0) {
        this.#ended = true;
        break;
      }
    }
    this.#fade = fade;
    this.#position = position;
  }
}
