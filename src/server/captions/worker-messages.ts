// The messages between the SFU process and its caption worker process (Node IPC, advanced
// serialisation so packet payloads travel as bytes). Talkers are named by an opaque key.
import type { EngineChoice } from './engines/CaptionEngine.js';
import type { GatedPacket } from './SpeechGate.js';

export interface CaptionWorkerOptions {
  engine: EngineChoice;
  /** Recognition streams (decoders) the worker keeps at most; each holds ~90 MB. */
  maxStreams: number;
  /** How far behind a talker may fall before audio is skipped, ms (default SHED_MS). */
  shedMs?: number;
}

export type ToCaptionWorker =
  /**
   * Speech packets of a talker, in order; `droppedMs` of their speech before these never reached the
   * worker (the SFU dropped it while the worker was not reading), so the line says it was skipped.
   */
  | { t: 'audio'; talker: string; packets: GatedPacket[]; droppedMs?: number }
  /** The talker paused: the utterance ends and its final line comes out. */
  | { t: 'pause'; talker: string }
  /** The talker's stream closed (left the stage, producer closed, captions off): end and forget. */
  | { t: 'close'; talker: string; discard: boolean };

export interface WorkerLine {
  talker: string;
  /** Counts up per talker; partial and final versions of one utterance share it. */
  utterance: number;
  text: string;
  final: boolean;
  startedAt: number;
  endedAt: number;
  delayed: boolean;
  skippedSeconds: number;
}

export interface WorkerLoad {
  /** Audio waiting to be recognised, per talker, ms. */
  backlogMs: Record<string, number>;
  /** Audio skipped since the last report (shed, or dropped before it reached the worker), per talker, ms. */
  skippedMs: Record<string, number>;
  /** CPU the worker used since the last report, ms (user + system), and over how long. */
  cpuMs: number;
  windowMs: number;
  /** Audio recognised since the last report, ms. */
  audioMs: number;
  rssBytes: number;
  streams: number;
}

export type FromCaptionWorker =
  | { t: 'ready'; engine: string; streamsPartials: boolean }
  | { t: 'line'; line: WorkerLine }
  | { t: 'load'; load: WorkerLoad }
  | { t: 'failed'; message: string };
