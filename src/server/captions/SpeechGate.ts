// Decides, packet by packet and without decoding, when a talker speaks: from the audio level each
// RTP packet carries (RFC 6464, the figure the Stage's speaking ring comes from too). Only speech
// goes on to the decoder and the recogniser, with a short pre-roll so first syllables are kept; a
// silent stream costs a header read per packet. A pause longer than the hangover ends the utterance.

/** One Opus packet of a talker, as the stage tap delivers it. */
export interface TalkerPacket {
  payload: Uint8Array;
  sequenceNumber: number;
  /** RTP timestamp (48 kHz for Opus). */
  timestamp: number;
  /** Level in dBov (0 loudest, -127 silence) from the ssrc-audio-level extension; undefined without it. */
  audioLevel: number | undefined;
  /** Server clock when it arrived, ms. */
  arrivedAt: number;
}

/** A packet that goes on to the decoder, placed on the server clock by its RTP timestamp. */
export interface GatedPacket {
  payload: Uint8Array;
  sequenceNumber: number;
  /** When its first sample was spoken, server clock ms (RTP time anchored at arrival). */
  mediaAt: number;
}

export interface SpeechGateOptions {
  /** Level at or above which a packet counts as speech, dBov. */
  thresholdDb?: number;
  /** Speech packets in a row that open the gate (20 ms each). */
  openAfter?: number;
  /** Silence that ends an utterance, ms. */
  hangoverMs?: number;
  /** Audio kept from before the gate opened, ms. */
  prerollMs?: number;
}

export const SPEECH_THRESHOLD_DB = -50;
const RTP_CLOCK_PER_MS = 48;
/** RTP timestamps further ahead than this (or further back than MAX_REORDER_MS) start a new media clock. */
const MAX_MEDIA_GAP_MS = 10_000;
const MAX_REORDER_MS = 1000;
/** How fast the media clock may fall behind the server clock: 1 ms a second (clock drift is ppm). */
const DRIFT_PER_MS = 0.001;
/** How far above the background a packet must be to count as speech, dB. */
const ABOVE_FLOOR_DB = 9;
/** The background estimate rises 1 dB a second while everything is louder than it. */
const FLOOR_RISE_PER_PACKET = 0.02;

export class SpeechGate {
  readonly #threshold: number;
  readonly #openAfter: number;
  readonly #hangoverMs: number;
  readonly #prerollPackets: number;
  /** The last packets heard while closed, newest last. */
  #preroll: GatedPacket[] = [];
  #open = false;
  /** Loud packets in a row while closed. */
  #loudRun = 0;
  /** Media time of the last loud packet, ms. */
  #lastLoudAt = 0;
  /** The talker's media clock: the last RTP timestamp and where it sits, ms (continuous across wraps). */
  #media: { rtp: number; ms: number } | undefined;
  /** Server clock minus media clock, ms: the earliest any packet arrived relative to its media time. */
  #offset = 0;
  /** Arrival of the packet `#offset` was last lowered by (the drift allowance counts from there). */
  #offsetAt = 0;
  /** Whether any packet carried an audio level; without one every packet counts as speech. */
  #levels = false;
  /** The background level: follows quieter packets at once and louder ones slowly (1 dB a second). */
  #floor: number | undefined;

  constructor(options: SpeechGateOptions = {}) {
    this.#threshold = options.thresholdDb ?? SPEECH_THRESHOLD_DB;
    this.#openAfter = options.openAfter ?? 2;
    this.#hangoverMs = options.hangoverMs ?? 700;
    this.#prerollPackets = Math.round((options.prerollMs ?? 300) / 20);
  }

  get open(): boolean {
    return this.#open;
  }

  /** True once a packet carried an audio level (Chromium always sends one). */
  get hasLevels(): boolean {
    return this.#levels;
  }

  /**
   * Takes one packet; answers the packets to decode now (the pre-roll and this one when the gate
   * opens, this one while it is open) and whether the utterance just ended.
   */
  push(packet: TalkerPacket): { speech: GatedPacket[]; ended: boolean } {
    const mediaMs = this.#mediaClock(packet);
    const gated: GatedPacket = { payload: packet.payload, sequenceNumber: packet.sequenceNumber, mediaAt: this.#serverTime(mediaMs, packet.arrivedAt) };
    if (packet.audioLevel !== undefined) this.#levels = true;
    const loud = packet.audioLevel === undefined ? !this.#levels : this.#isSpeech(packet.audioLevel);
    if (!this.#open) {
      this.#loudRun = loud ? this.#loudRun + 1 : 0;
      this.#preroll.push(gated);
      if (this.#preroll.length > this.#prerollPackets + this.#openAfter) this.#preroll.shift();
      if (this.#loudRun < this.#openAfter) return { speech: [], ended: false };
      this.#open = true;
      this.#lastLoudAt = mediaMs;
      const speech = this.#preroll;
      this.#preroll = [];
      return { speech, ended: false };
    }
    // The hangover is measured in the talker's own media time: packets the SFU received late (a
    // stall of our event loop, a network burst) neither end an utterance early nor keep it open.
    if (loud) this.#lastLoudAt = mediaMs;
    if (mediaMs - this.#lastLoudAt >= this.#hangoverMs) {
      this.#close();
      return { speech: [gated], ended: true };
    }
    return { speech: [gated], ended: false };
  }

  /** The stream stopped (producer closed or paused): any utterance ends now. */
  flush(): boolean {
    const wasOpen = this.#open;
    this.#close();
    this.#preroll = [];
    return wasOpen;
  }

  /** Speech stands above the threshold and above a steady background (a fan, a noisy room). */
  #isSpeech(level: number): boolean {
    this.#floor = this.#floor === undefined || level < this.#floor ? level : this.#floor + FLOOR_RISE_PER_PACKET;
    return level >= Math.max(this.#threshold, this.#floor + ABOVE_FLOOR_DB);
  }

  #close(): void {
    this.#open = false;
    this.#loudRun = 0;
  }

  /** The packet's place on the talker's media clock, ms; a jump of the RTP timestamps (a new stream) re-bases it. */
  #mediaClock(packet: TalkerPacket): number {
    const media = this.#media;
    if (media) {
      const deltaMs = ((packet.timestamp - media.rtp) | 0) / RTP_CLOCK_PER_MS;
      if (deltaMs > -MAX_REORDER_MS && deltaMs < MAX_MEDIA_GAP_MS) {
        const ms = media.ms + deltaMs;
        if (deltaMs > 0) this.#media = { rtp: packet.timestamp, ms };
        return ms;
      }
    }
    // First packet, or a discontinuity: continue the media clock from where the server clock puts it.
    const ms = media ? packet.arrivedAt - this.#offset : 0;
    this.#media = { rtp: packet.timestamp, ms };
    if (!media) {
      this.#offset = packet.arrivedAt;
      this.#offsetAt = packet.arrivedAt;
    }
    return ms;
  }

  /**
   * Media time on the server clock: anchored at the earliest arrival seen (packets delayed on the way
   * do not move it), allowed to drift later by DRIFT_PER_MS so a sender's slower clock is followed.
   */
  #serverTime(mediaMs: number, arrivedAt: number): number {
    const drifted = this.#offset + (arrivedAt - this.#offsetAt) * DRIFT_PER_MS;
    const observed = arrivedAt - mediaMs;
    if (observed <= drifted) {
      this.#offset = observed;
      this.#offsetAt = arrivedAt;
    } else {
      this.#offset = drifted;
      this.#offsetAt = arrivedAt;
    }
    return mediaMs + this.#offset;
  }
}
