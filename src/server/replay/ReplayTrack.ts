// One speaker's track of the replay: places each Opus packet the stage tap delivers on the replay's
// clock and hands it to the Ogg writer, filling what the speaker did not send (before they came on
// stage, while muted, between stints) with silence so every track of a replay runs on one timeline.
//
// Placement follows the packets' RTP timestamps (the sender's own sample clock, so the audio keeps its
// exact timing), anchored to the arrival time of the first packet of each run. A run ends when the
// producer changes or pauses; within a run the anchor is corrected when arrivals drift from the
// timestamps by more than DRIFT_LIMIT_MS over a window, and re-made on a jump of over JUMP_LIMIT_MS.
import { type OggOpusWriter } from './OggOpusWriter.js';
import { OPUS_RATE, opusPacketIsStereo, opusPacketSamples, silencePackets } from './opus.js';

/** An arrival this far from where the timestamps put it starts a new run (a discontinuity). */
const JUMP_LIMIT_MS = 250;
/** Sustained drift beyond this (the least-delayed arrival in a window) moves the anchor. */
const DRIFT_LIMIT_MS = 30;
/** Packets per drift window (about two seconds of 20 ms packets). */
const DRIFT_WINDOW = 100;

const SAMPLES_PER_MS = OPUS_RATE / 1000;

export interface TrackPacket {
  payload: Buffer;
  /** RTP timestamp (48 kHz). */
  timestamp: number;
  /** Where its arrival falls on the replay's clock, milliseconds. */
  positionMs: number;
}

export interface ReplayTrackStats {
  packets: number;
  /** Packets dropped as duplicates, too late, or not Opus. */
  dropped: number;
  /** Times the placement was re-anchored (discontinuities) and drift-corrected. */
  reanchors: number;
  driftCorrections: number;
  stereoPackets: number;
}

export class ReplayTrack {
  readonly writer: OggOpusWriter;
  /** The anchor of the current run: a replay position (samples) and the RTP timestamp there. */
  #anchor: { position: number; timestamp: number } | undefined;
  /** The smallest and largest (arrival − placement) in the current drift window, samples. */
  #window = { min: Infinity, max: -Infinity, count: 0 };
  readonly stats: ReplayTrackStats = { packets: 0, dropped: 0, reanchors: 0, driftCorrections: 0, stereoPackets: 0 };

  constructor(writer: OggOpusWriter) {
    this.writer = writer;
  }

  /** Where the track's written audio ends, milliseconds on the replay's clock. */
  get endMs(): number {
    return this.writer.granule / SAMPLES_PER_MS;
  }

  /** The next packet starts a new run (new producer, resumed after a pause, recording resumed). */
  newRun(): void {
    this.#anchor = undefined;
    this.#window = { min: Infinity, max: -Infinity, count: 0 };
  }

  /** Places one packet; returns false when it was dropped. */
  add(packet: TrackPacket): boolean {
    const samples = opusPacketSamples(packet.payload);
    if (samples === 0) {
      this.stats.dropped++;
      return false;
    }
    const arrival = Math.round(packet.positionMs * SAMPLES_PER_MS);
    const position = this.#place(packet.timestamp, arrival);
    const written = this.writer.granule;
    if (position + samples / 2 < written) {
      // Mostly over audio already written: a duplicate, a late packet or a backward correction.
      this.stats.dropped++;
      return false;
    }
    // A gap is filled to the nearest 2.5 ms below; a small overlap is absorbed by starting where the
    // written audio ends.
    if (position > written) this.padSamples(position);
    this.writer.write(packet.payload, samples);
    this.stats.packets++;
    if (opusPacketIsStereo(packet.payload)) this.stats.stereoPackets++;
    return true;
  }

  /** Pads the track with silence up to `ms` on the replay's clock (a pause, the end). */
  padTo(ms: number): void {
    this.padSamples(Math.round(ms * SAMPLES_PER_MS));
  }

  padSamples(target: number): void {
    for (const silence of silencePackets(target - this.writer.granule)) this.writer.write(silence.packet, silence.samples);
  }

  #place(timestamp: number, arrival: number): number {
    if (!this.#anchor) {
      this.#anchor = { position: arrival, timestamp };
      return arrival;
    }
    // RTP timestamps wrap at 2^32; the signed difference is the step.
    const step = (timestamp - this.#anchor.timestamp) | 0;
    let position = this.#anchor.position + step;
    const lag = arrival - position;
    if (Math.abs(lag) > JUMP_LIMIT_MS * SAMPLES_PER_MS) {
      this.stats.reanchors++;
      this.newRun();
      this.#anchor = { position: arrival, timestamp };
      return arrival;
    }
    const w = this.#window;
    w.min = Math.min(w.min, lag);
    w.max = Math.max(w.max, lag);
    if (++w.count >= DRIFT_WINDOW) {
      // The least-delayed arrival says where the stream really is: late by more than the limit even at
      // best, move later; early even at worst, move earlier.
      const limit = DRIFT_LIMIT_MS * SAMPLES_PER_MS;
      const shift = w.min > limit ? w.min : w.max < -limit ? w.max : 0;
      if (shift !== 0) {
        this.#anchor.position += shift;
        position += shift;
        this.stats.driftCorrections++;
      }
      this.#window = { min: Infinity, max: -Infinity, count: 0 };
    }
    return position;
  }
}
