// The caption worker's work, without the process around it: a queue of speech per talker, decoded
// (Opus → 16 kHz) and recognised in fair turns, partial lines while someone speaks, final lines at
// each pause, and load shedding when the engine cannot keep up: lines are marked delayed once a
// talker's backlog passes BEHIND_MS (partials stop, saving their cost) and audio is skipped past
// SHED_MS so captions catch up. None of this touches the audio listeners hear.
import type { CaptionEngine, RecognitionStream } from './engines/CaptionEngine.js';
import { cleanTranscript } from './engines/CaptionEngine.js';
import { DECODE_RATE, OpusDecoder } from './OpusDecoder.js';
import type { GatedPacket } from './SpeechGate.js';
import type { ToCaptionWorker, WorkerLine, WorkerLoad } from './worker-messages.js';

/** A talker this far behind gets lines marked delayed and no partials. */
export const BEHIND_MS = 1500;
/** A talker this far behind has audio skipped until BEHIND_MS remain. */
export const SHED_MS = 8000;
/** A partial line at most this often per talker (in recognised audio). */
const PARTIAL_EVERY_MS = 400;
/** An utterance longer than this is cut into a final line and goes on as a new one. */
const MAX_UTTERANCE_MS = 15_000;
/** Audio recognised for one talker before the next gets a turn. */
const TURN_MS = 200;
/** Sequence gaps up to this many packets are concealed; longer ones restart the decoder. */
const MAX_CONCEALED = 5;
const PACKET_MS = 20;

type Work = { kind: 'audio'; packet: GatedPacket } | { kind: 'pause' } | { kind: 'close'; discard: boolean };

class Talker {
  readonly key: string;
  readonly queue: Work[] = [];
  /** Audio packets in the queue. */
  queuedPackets = 0;
  decoder: OpusDecoder | undefined;
  stream: RecognitionStream | undefined;
  lastSeq: number | undefined;
  utterance = 0;
  /** The utterance being recognised: when its first sample was spoken, and samples fed so far. */
  current: { startedAt: number; samples: number; samplesSincePartial: number; lastPartial: string } | undefined;
  skippedMs = 0;
  /** Set when the stream closed; the talker goes once its queue is done. */
  closing = false;
  /** What a recognition stream adapted to this talker's voice, kept while another talker has the stream. */
  adaptation: unknown;

  constructor(key: string) {
    this.key = key;
  }

  get backlogMs(): number {
    return this.queuedPackets * PACKET_MS;
  }
}

export class CaptionWorkerCore {
  readonly #engine: CaptionEngine;
  readonly #maxStreams: number;
  readonly #shedMs: number;
  readonly #emit: (line: WorkerLine) => void;
  readonly #talkers = new Map<string, Talker>();
  /** A fresh recognition stream opened while the worker had nothing to do, for the next new talker. */
  #spare: RecognitionStream | undefined;
  /** Whose voice each stream is adapted to (a talker's key). */
  readonly #adaptedTo = new Map<RecognitionStream, string>();
  #streams = 0;
  /** Round-robin position. */
  #turn = 0;
  #audioMs = 0;
  /** Audio skipped per talker since the last load report, ms. */
  #skippedSinceReport = new Map<string, number>();
  #scheduled = false;
  readonly #schedule: (fn: () => void) => void;
  /** Lets the event loop run between talkers' turns (a no-op where the caller drives the core). */
  readonly #yield: () => Promise<void>;

  constructor(engine: CaptionEngine, options: { maxStreams: number; shedMs?: number; emit: (line: WorkerLine) => void; schedule?: (fn: () => void) => void }) {
    this.#engine = engine;
    this.#maxStreams = options.maxStreams;
    this.#shedMs = Math.max(options.shedMs ?? SHED_MS, BEHIND_MS * 2);
    this.#emit = options.emit;
    this.#schedule = options.schedule ?? ((fn) => setImmediate(fn));
    this.#yield = options.schedule ? () => Promise.resolve() : () => new Promise((resolve) => setImmediate(resolve));
  }

  accept(message: ToCaptionWorker): void {
    let talker = this.#talkers.get(message.talker);
    if (!talker) {
      if (message.t === 'close') return;
      talker = new Talker(message.talker);
      this.#talkers.set(talker.key, talker);
    }
    if (message.t === 'audio') {
      if (message.droppedMs) {
        // The SFU dropped speech while we were not reading: the utterance ends at the seam, and the
        // next line says how much was skipped.
        talker.skippedMs += message.droppedMs;
        this.#noteSkipped(talker, message.droppedMs);
        talker.queue.push({ kind: 'pause' });
      }
      for (const packet of message.packets) talker.queue.push({ kind: 'audio', packet });
      talker.queuedPackets += message.packets.length;
      this.#shed(talker);
    } else if (message.t === 'pause') {
      talker.queue.push({ kind: 'pause' });
    } else {
      talker.closing = true;
      if (message.discard) {
        talker.queue.length = 0;
        talker.queuedPackets = 0;
      }
      talker.queue.push({ kind: 'close', discard: message.discard });
    }
    this.#wake();
  }

  /** Recognises until every queue is empty; for tests and benchmarks that feed everything at once. */
  async drain(): Promise<void> {
    while ([...this.#talkers.values()].some((t) => t.queue.length > 0)) await this.#round();
  }

  load(windowMs: number, cpuMs: number): WorkerLoad {
    const backlogMs: Record<string, number> = {};
    for (const t of this.#talkers.values()) backlogMs[t.key] = t.backlogMs;
    const audioMs = this.#audioMs;
    this.#audioMs = 0;
    const skippedMs = Object.fromEntries(this.#skippedSinceReport);
    this.#skippedSinceReport.clear();
    return { backlogMs, skippedMs, cpuMs, windowMs, audioMs, rssBytes: process.memoryUsage().rss, streams: this.#streams };
  }

  close(): void {
    for (const t of this.#talkers.values()) this.#release(t);
    this.#spare?.close();
    this.#spare = undefined;
    this.#talkers.clear();
    this.#engine.close();
  }

  /**
   * Opens a fresh stream for the next talker now, while there is nothing to recognise (opening one
   * costs ~0.3 s of CPU with pocketsphinx), so a new speaker's first words need not wait for it.
   */
  warm(): void {
    if (this.#spare || this.#streams >= this.#maxStreams || [...this.#talkers.values()].some((t) => t.queue.length > 0)) return;
    this.#spare = this.#engine.openStream();
    this.#streams++;
  }

  #wake(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      void this.#round().then(() => {
        if ([...this.#talkers.values()].some((t) => t.queue.length > 0)) this.#wake();
        else this.#schedule(() => this.warm());
      });
    });
  }

  /**
   * One turn for each talker with work, starting after the last one served. Between turns the event
   * loop runs, so new speech and the load report are never held up by a whole round.
   */
  async #round(): Promise<void> {
    const talkers = [...this.#talkers.values()];
    for (let i = 0; i < talkers.length; i++) {
      const talker = talkers[(this.#turn + i) % talkers.length]!;
      if (talker.queue.length === 0 || this.#talkers.get(talker.key) !== talker) continue;
      try {
        await this.#serve(talker);
      } catch (error) {
        this.#fail(talker, error);
      }
      if (i < talkers.length - 1) await this.#yield();
    }
    this.#turn++;
  }

  /** The engine failed on this talker's audio: their queue and stream go, the other talkers carry on. */
  #fail(talker: Talker, error: unknown): void {
    console.error(`caption engine failed for ${talker.key}; their queued speech is dropped:`, error);
    // What was shown of the utterance stays, as its final line; the rest of it is lost.
    const current = talker.current;
    if (current) this.#line(talker, current.lastPartial, true, undefined, current);
    talker.skippedMs += talker.backlogMs;
    talker.queue.length = 0;
    talker.queuedPackets = 0;
    talker.current = undefined;
    if (talker.closing) this.#talkers.delete(talker.key);
    talker.lastSeq = undefined;
    if (talker.stream) {
      try {
        talker.stream.close();
      } catch {
        // already unusable
      }
      this.#adaptedTo.delete(talker.stream);
      talker.stream = undefined;
      this.#streams--;
    }
    talker.decoder?.close();
    talker.decoder = undefined;
  }

  async #serve(talker: Talker): Promise<void> {
    let recognisedMs = 0;
    while (talker.queue.length > 0 && recognisedMs < TURN_MS) {
      const work = talker.queue[0]!;
      if (work.kind === 'audio') {
        if (!this.#acquire(talker)) return; // every stream is busy: wait (the backlog shows it)
        talker.queue.shift();
        talker.queuedPackets--;
        this.#feed(talker, work.packet);
        recognisedMs += PACKET_MS;
      } else if (work.kind === 'pause') {
        talker.queue.shift();
        await this.#finish(talker);
      } else {
        talker.queue.shift();
        if (work.discard) talker.current = undefined;
        else await this.#finish(talker);
        this.#release(talker);
        this.#talkers.delete(talker.key);
        return;
      }
    }
    if (talker.current && !this.#behind(talker) && this.#engine.streamsPartials && talker.current.samplesSincePartial >= PARTIAL_EVERY_MS * 16) {
      talker.current.samplesSincePartial = 0;
      const text = cleanTranscript(talker.stream?.partial() ?? '');
      if (text && text !== talker.current.lastPartial) {
        talker.current.lastPartial = text;
        this.#line(talker, text, false);
      }
    }
  }

  #feed(talker: Talker, packet: GatedPacket): void {
    const decoder = (talker.decoder ??= new OpusDecoder());
    const samples: Int16Array[] = [];
    if (talker.lastSeq !== undefined) {
      const gap = ((packet.sequenceNumber - talker.lastSeq) & 0xffff) - 1;
      if (gap > 0 && gap <= MAX_CONCEALED && talker.current) samples.push(decoder.conceal(gap));
      else if (gap > MAX_CONCEALED) decoder.reset();
    }
    talker.lastSeq = packet.sequenceNumber;
    samples.push(decoder.decode(packet.payload));
    if (!talker.current) {
      talker.stream!.startUtterance();
      talker.utterance++;
      talker.current = { startedAt: packet.mediaAt, samples: 0, samplesSincePartial: 0, lastPartial: '' };
    }
    for (const chunk of samples) {
      talker.stream!.write(chunk);
      talker.current.samples += chunk.length;
      talker.current.samplesSincePartial += chunk.length;
      this.#audioMs += (chunk.length / DECODE_RATE) * 1000;
    }
    if ((talker.current.samples / DECODE_RATE) * 1000 >= MAX_UTTERANCE_MS) void this.#finish(talker);
  }

  async #finish(talker: Talker): Promise<void> {
    const current = talker.current;
    if (!current || !talker.stream) return;
    talker.current = undefined;
    const result = await talker.stream.endUtterance();
    const text = cleanTranscript(result.text);
    const first = result.words[0];
    const last = result.words.at(-1);
    const lengthMs = (current.samples / DECODE_RATE) * 1000;
    const startedAt = current.startedAt + (first?.startMs ?? 0);
    const endedAt = current.startedAt + Math.min(last?.endMs ?? lengthMs, lengthMs);
    // An utterance that was only noise still ends its partial line (with empty text) so clients drop it.
    if (text || current.lastPartial) this.#line(talker, text, true, { startedAt, endedAt }, current);
  }

  #line(talker: Talker, text: string, final: boolean, times?: { startedAt: number; endedAt: number }, utt = talker.current): void {
    const startedAt = times?.startedAt ?? utt?.startedAt ?? Date.now();
    const endedAt = times?.endedAt ?? startedAt + ((utt?.samples ?? 0) / DECODE_RATE) * 1000;
    this.#emit({
      talker: talker.key,
      utterance: talker.utterance,
      text,
      final,
      startedAt,
      endedAt,
      delayed: this.#behind(talker),
      skippedSeconds: Math.round(talker.skippedMs / 100) / 10,
    });
    if (final) talker.skippedMs = 0;
  }

  #behind(talker: Talker): boolean {
    return talker.backlogMs > BEHIND_MS;
  }

  /** Past SHED_MS behind, skips the oldest queued audio (ending the utterance at the seam). */
  #shed(talker: Talker): void {
    if (talker.backlogMs <= this.#shedMs) return;
    let drop = Math.ceil((talker.backlogMs - BEHIND_MS) / PACKET_MS);
    const skipped = drop * PACKET_MS;
    const kept: Work[] = [];
    let pausedAtSeam = false;
    for (const work of talker.queue) {
      if (drop > 0 && work.kind === 'audio') {
        drop--;
        talker.queuedPackets--;
        talker.skippedMs += PACKET_MS;
        if (!pausedAtSeam) {
          kept.push({ kind: 'pause' });
          pausedAtSeam = true;
        }
      } else {
        kept.push(work);
      }
    }
    talker.queue.splice(0, talker.queue.length, ...kept);
    talker.lastSeq = undefined;
    this.#noteSkipped(talker, skipped);
  }

  #noteSkipped(talker: Talker, ms: number): void {
    if (ms > 0) this.#skippedSinceReport.set(talker.key, (this.#skippedSinceReport.get(talker.key) ?? 0) + ms);
  }

  /**
   * Gives the talker a recognition stream: its own, the fresh spare, a new one while under the limit,
   * and only past the limit one taken from a talker between utterances. A decoder adapts to a voice
   * and its room across utterances (pocketsphinx: the cepstral mean and the noise estimate), so a
   * stream serves one talker and closes with them: lines then depend on the talker's speech alone,
   * never on who spoke before or who paused first. Past the limit (more people talking than streams)
   * a taken stream keeps the previous talker's noise estimate; the cepstral mean moves with each.
   */
  #acquire(talker: Talker): boolean {
    if (talker.stream) return true;
    let stream = this.#spare;
    this.#spare = undefined;
    if (!stream && this.#streams < this.#maxStreams) {
      stream = this.#engine.openStream();
      this.#streams++;
    }
    if (!stream) {
      for (const other of this.#talkers.values()) {
        if (other !== talker && other.stream && !other.current) {
          stream = other.stream;
          other.adaptation = stream.adaptation?.();
          other.stream = undefined;
          break;
        }
      }
    }
    if (!stream) return false;
    if (this.#adaptedTo.has(stream) && this.#adaptedTo.get(stream) !== talker.key) stream.adapt?.(talker.adaptation);
    this.#adaptedTo.set(stream, talker.key);
    talker.stream = stream;
    return true;
  }

  /** The talker is gone: their stream closes (it is adapted to them) and frees its memory. */
  #release(talker: Talker): void {
    if (talker.current) void talker.stream?.endUtterance();
    talker.current = undefined;
    talker.decoder?.close();
    talker.decoder = undefined;
    if (talker.stream) {
      talker.stream.close();
      this.#adaptedTo.delete(talker.stream);
      this.#streams--;
    }
    talker.stream = undefined;
  }
}
