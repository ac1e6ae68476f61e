// A stronger caption engine for deployments that supply a model: whisper.cpp through smart-whisper
// (an optional dependency whose native part compiles offline: `npm rebuild smart-whisper`, ~80 s).
// Whisper does not stream, so it gives no partial lines: each utterance is transcribed whole when
// the speaker pauses. Point the server at a ggml model file with --caption-whisper-model.
import { existsSync } from 'node:fs';
import type { CaptionEngine, Recognition, RecognitionStream } from './CaptionEngine.js';

/** The part of smart-whisper's API this adapter uses. */
interface WhisperModule {
  Whisper: new (file: string, config?: { gpu?: boolean; offload?: number }) => {
    transcribe(pcm: Float32Array, params: Record<string, unknown>): Promise<{ result: Promise<Array<{ from: number; to: number; text: string }>> }>;
    load(): Promise<unknown>;
    free(): Promise<void>;
  };
}
type Whisper = InstanceType<WhisperModule['Whisper']>;

/** Longest utterance kept for one transcription (whisper's window is 30 s). */
const MAX_SAMPLES = 16000 * 30;

class WhisperStream implements RecognitionStream {
  readonly #whisper: Whisper;
  #chunks: Int16Array[] = [];
  #samples = 0;

  constructor(whisper: Whisper) {
    this.#whisper = whisper;
  }

  startUtterance(): void {
    this.#chunks = [];
    this.#samples = 0;
  }

  write(samples: Int16Array): void {
    if (this.#samples + samples.length > MAX_SAMPLES) return;
    this.#chunks.push(samples);
    this.#samples += samples.length;
  }

  partial(): string | null {
    return null;
  }

  async endUtterance(): Promise<Recognition> {
    // Copy now: the next utterance may start writing before whisper answers.
    const pcm = new Float32Array(this.#samples);
    let at = 0;
    for (const chunk of this.#chunks) {
      for (let i = 0; i < chunk.length; i++) pcm[at + i] = chunk[i]! / 32768;
      at += chunk.length;
    }
    this.startUtterance();
    if (pcm.length < 16000 * 0.3) return { text: '', words: [] };
    const task = await this.#whisper.transcribe(pcm, { language: 'en', format: 'simple', single_segment: false });
    const segments = await task.result;
    const text = segments.map((s) => s.text.trim()).join(' ').trim();
    return { text, words: segments.map((s) => ({ word: s.text.trim(), startMs: s.from, endMs: s.to })) };
  }

  close(): void {
    this.#chunks = [];
  }
}

export class WhisperEngine implements CaptionEngine {
  readonly name: string;
  readonly sampleRate = 16000 as const;
  readonly streamsPartials = false;
  readonly #whisper: Whisper;

  private constructor(whisper: Whisper, modelPath: string) {
    this.#whisper = whisper;
    this.name = `whisper.cpp (${modelPath.split('/').pop()})`;
  }

  /** Loads smart-whisper and the model; fails with the command that fixes what is missing. */
  static async open(modelPath: string): Promise<WhisperEngine> {
    if (!existsSync(modelPath)) throw new Error(`the whisper model file ${modelPath} does not exist`);
    let module: WhisperModule;
    try {
      // A variable specifier keeps the bundler from trying to inline the optional native module.
      const specifier = 'smart-whisper';
      module = (await import(specifier)) as WhisperModule;
    } catch (error) {
      throw new Error(
        `smart-whisper is not built (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): run \`npm rebuild smart-whisper\` (compiles whisper.cpp offline, about 80 s)`,
      );
    }
    const whisper = new module.Whisper(modelPath, { gpu: false, offload: 24 * 3600 });
    await whisper.load();
    return new WhisperEngine(whisper, modelPath);
  }

  openStream(): RecognitionStream {
    return new WhisperStream(this.#whisper);
  }

  close(): void {
    void this.#whisper.free();
  }
}
