// The soundboard's mix in the chain: every pad playing, summed, beds ducked while someone talks. SendPath
// adds it to the host's processed voice after the chain and before the limiter, so the limiter still
// protects the listeners; the mix alone is also the soundboard's own recording track and monitor feed.
import { Ducker, type DuckingParams } from './Ducker';
import { PadVoice, type PadPlayback, type PadSound } from './PadVoice';

export class PadMix {
  readonly ducker: Ducker;
  readonly #sampleRate: number;
  /** Decoded sounds by pad id, loaded once per file. */
  readonly #sounds = new Map<string, PadSound>();
  /** What plays now, by pad id (one voice per pad: firing a playing pad starts it again). */
  readonly #playing = new Map<string, PadVoice>();
  #mix: Float32Array[] = [];

  constructor(sampleRate: number, ducking?: DuckingParams) {
    this.#sampleRate = sampleRate;
    this.ducker = new Ducker(sampleRate, ducking);
  }

  load(padId: string, sound: PadSound): void {
    this.#sounds.set(padId, sound);
  }

  unload(padId: string): void {
    this.#sounds.delete(padId);
    this.#playing.delete(padId);
  }

  /** Starts a pad from its beginning; false when no sound is loaded for it. */
  play(padId: string, playback: PadPlayback): boolean {
    const sound = this.#sounds.get(padId);
    if (!sound) return false;
    this.#playing.set(padId, new PadVoice(sound, playback, this.#sampleRate));
    return true;
  }

  update(padId: string, playback: PadPlayback): void {
    this.#playing.get(padId)?.update(playback);
  }

  stop(padId: string): void {
    this.#playing.get(padId)?.stop();
  }

  stopAll(): void {
    for (const voice of this.#playing.values()) voice.stop();
  }

  /** Pad ids playing now. */
  get playing(): string[] {
    return [...this.#playing.keys()];
  }

  /** Whether anything plays (the path skips the mix entirely when not). */
  get active(): boolean {
    return this.#playing.size > 0;
  }

  /**
   * The next block of the mix, planar with `channels` channels (valid until the next call). Pads that
   * ended are dropped after this block.
   */
  process(frames: number, channels: number): Float32Array[] {
    if (this.#mix.length !== channels || this.#mix[0]!.length !== frames) this.#mix = Array.from({ length: channels }, () => new Float32Array(frames));
    for (const c of this.#mix) c.fill(0);
    // The ducker advances every block, so a bed started mid-speech starts ducked.
    const duck = this.ducker.gains(frames);
    for (const [id, voice] of this.#playing) {
      voice.mixInto(this.#mix, frames, voice.playback.duck ? duck : undefined);
      if (voice.ended) this.#playing.delete(id);
    }
    return this.#mix;
  }
}
