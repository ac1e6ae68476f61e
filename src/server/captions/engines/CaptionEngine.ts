// What a speech recogniser must offer the caption pipeline: one recognition stream per talker, fed
// 16 kHz mono 16-bit samples while they speak, asked for its best guess so far (a partial line) and
// for its final text when the utterance ends. Pocketsphinx is the embedded default; a deployment
// may plug in a stronger engine (whisper.cpp) that it supplies a model file for.

/** A word the engine heard, with its place in the utterance (milliseconds from its first sample). */
export interface RecognisedWord {
  word: string;
  startMs: number;
  endMs: number;
}

export interface Recognition {
  text: string;
  /** Word timings when the engine gives them (pocketsphinx does; whisper gives segment times). */
  words: RecognisedWord[];
}

export interface RecognitionStream {
  /** Begins an utterance; the samples written next belong to it. */
  startUtterance(): void;
  /** Feeds samples at the engine's rate (16 kHz mono, int16). */
  write(samples: Int16Array): void;
  /** The best guess for the utterance so far; engines that cannot stream answer null. */
  partial(): string | null;
  /** Ends the utterance: its last words come out only now. */
  endUtterance(): Promise<Recognition>;
  close(): void;
  /**
   * What the stream adapted to its talker across utterances (pocketsphinx: the cepstral mean), for
   * engines that carry such state; the worker keeps it with the talker when the stream goes to another.
   */
  adaptation?(): unknown;
  /** Takes on a talker's adaptation (undefined: a new voice, the engine's initial state); between utterances only. */
  adapt?(state: unknown): void;
}

export interface CaptionEngine {
  /** Shown in logs and the README's accuracy table. */
  readonly name: string;
  /** Samples per second the streams take. */
  readonly sampleRate: 16000;
  /** Whether `partial()` answers while someone speaks (greyed, updating lines). */
  readonly streamsPartials: boolean;
  openStream(): RecognitionStream;
  close(): void;
}

/** Which engine a server runs: `pocketsphinx` (embedded), or `whisper` with a ggml model file. */
export type EngineChoice = { kind: 'pocketsphinx' } | { kind: 'whisper'; modelPath: string };

/** Normalises text for comparison and display: lower case, no filler markers such as `<sil>` or `[noise]`. */
export function cleanTranscript(text: string): string {
  return text
    .replace(/<[^>]*>|\[[^\]]*\]|\([0-9]+\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
