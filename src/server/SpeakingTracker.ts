// Who is speaking, from mediasoup's audio level observer on the Space's router, and how long each
// person has talked. The observer reports the loudest producers every interval; everyone it names is
// speaking for that interval.
import type { types as ms } from 'mediasoup';

/** Reporting interval of the observer; also the talk-time granularity. */
export const SPEAKING_INTERVAL_MS = 250;
/** Producers quieter than this (dBov) are not speaking. */
const SPEAKING_THRESHOLD_DB = -55;

export class SpeakingTracker {
  readonly #observer: ms.AudioLevelObserver;
  /** Member id by producer id, for producers being observed. */
  readonly #owners = new Map<string, string>();
  /** Talk time by member id, milliseconds. */
  readonly #talkMs = new Map<string, number>();
  #speaking = new Set<string>();
  readonly #onChange: (memberIds: string[]) => void;
  /** Called on every report while someone speaks (talk time moved). */
  readonly #onTalk: () => void;

  private constructor(
    observer: ms.AudioLevelObserver,
    onChange: (memberIds: string[]) => void,
    onTalk: () => void,
    talkMs: Record<string, number>,
  ) {
    this.#observer = observer;
    for (const [memberId, ms] of Object.entries(talkMs)) this.#talkMs.set(memberId, ms);
    this.#onChange = onChange;
    this.#onTalk = onTalk;
    observer.on('volumes', (volumes: Array<{ producer: ms.Producer; volume: number }>) => {
      const now = new Set<string>();
      for (const { producer } of volumes) {
        const memberId = this.#owners.get(producer.id);
        if (memberId) now.add(memberId);
      }
      for (const memberId of now) this.#talkMs.set(memberId, (this.#talkMs.get(memberId) ?? 0) + SPEAKING_INTERVAL_MS);
      this.#update(now);
      if (now.size > 0) this.#onTalk();
    });
    observer.on('silence', () => this.#update(new Set()));
  }

  static async create(
    router: ms.Router,
    onChange: (memberIds: string[]) => void,
    onTalk: () => void,
    /** Talk time carried over from a previous router. */
    talkMs: Record<string, number> = {},
  ): Promise<SpeakingTracker> {
    const observer = await router.createAudioLevelObserver({
      maxEntries: 16,
      threshold: SPEAKING_THRESHOLD_DB,
      interval: SPEAKING_INTERVAL_MS,
    });
    return new SpeakingTracker(observer, onChange, onTalk, talkMs);
  }

  async add(producer: ms.Producer, memberId: string): Promise<void> {
    this.#owners.set(producer.id, memberId);
    producer.observer.once('close', () => {
      this.#owners.delete(producer.id);
      if (this.#speaking.has(memberId) && ![...this.#owners.values()].includes(memberId)) {
        const next = new Set(this.#speaking);
        next.delete(memberId);
        this.#update(next);
      }
    });
    await this.#observer.addProducer({ producerId: producer.id });
  }

  isSpeaking(memberId: string): boolean {
    return this.#speaking.has(memberId);
  }

  talkTimeMs(): Record<string, number> {
    return Object.fromEntries(this.#talkMs);
  }

  #update(next: Set<string>): void {
    const changed = next.size !== this.#speaking.size || [...next].some((id) => !this.#speaking.has(id));
    this.#speaking = next;
    if (changed) this.#onChange([...next]);
  }
}
