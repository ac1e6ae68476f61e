// Everyone else on the Stage, as the studio receives them: each is played to the host's output device,
// metered, and given a speaking ring and a talk time (measured here, from what arrives).
import { TypedEmitter } from '../../../shared/TypedEmitter';
import { SpeakerActivity } from '../dsp/SpeakerActivity';
import { connectMeter, MeterTap } from '../meter/MeterTap';

export interface RemoteSpeaker {
  /** The member's id on the Stage. */
  memberId: string;
  displayName: string;
  meter: MeterTap;
  activity: SpeakerActivity;
}

type SinkableAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

interface Playing extends RemoteSpeaker {
  element: SinkableAudio;
  source: MediaStreamAudioSourceNode;
  /** Takes the meter off the source. */
  stopMeter: () => void;
}

export class RemoteSpeakers extends TypedEmitter<{ changed: [speakers: RemoteSpeaker[]] }> {
  readonly #context: AudioContext;
  readonly #outputId: () => string;
  readonly #playing = new Map<string, Playing>();

  constructor(context: AudioContext, outputId: () => string) {
    super();
    this.#context = context;
    this.#outputId = outputId;
  }

  list(): RemoteSpeaker[] {
    return [...this.#playing.values()];
  }

  /** Starts playing and metering a speaker's received track (the console's meter worklet must be loaded). */
  add(memberId: string, displayName: string, track: MediaStreamTrack): void {
    this.remove(memberId);
    const stream = new MediaStream([track]);
    const element: SinkableAudio = new Audio();
    element.srcObject = stream;
    // Chromium only feeds received WebRTC audio into Web Audio while a media element plays it.
    void element.setSinkId?.(this.#outputId()).catch(() => undefined);
    void element.play().catch(() => undefined);
    const source = this.#context.createMediaStreamSource(stream);
    const meter = new MeterTap();
    const activity = new SpeakerActivity();
    meter.on('reading', (r) => {
      if (activity.reading(r.rmsDb, r.time * 1000)) this.safeEmit('changed', this.list());
    });
    const stopMeter = connectMeter(source, meter, { loudness: false, periodMs: 20 });
    this.#playing.set(memberId, { memberId, displayName, meter, activity, element, source, stopMeter });
    this.safeEmit('changed', this.list());
  }

  remove(memberId: string): void {
    const p = this.#playing.get(memberId);
    if (!p) return;
    p.element.pause();
    p.element.srcObject = null;
    p.stopMeter();
    p.source.disconnect();
    this.#playing.delete(memberId);
    this.safeEmit('changed', this.list());
  }

  async setSinkId(id: string): Promise<void> {
    await Promise.all([...this.#playing.values()].map((p) => p.element.setSinkId?.(id).catch(() => undefined)));
  }

  close(): void {
    for (const id of [...this.#playing.keys()]) this.remove(id);
  }
}
