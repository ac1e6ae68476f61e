// Voice activity from Silero VAD (vad-web), run on the processed voice with every asset served by the
// studio itself (no network). Its per-frame probabilities go through VoiceActivity's hysteresis.
import { TypedEmitter } from '../../../shared/TypedEmitter';
import { VoiceActivity } from '../dsp/VoiceActivity';

/** Where the build puts vad-web's worklet and model and onnxruntime-web's wasm (see electron.vite.config.ts). */
export const VOICE_ASSETS = '/vendor/vad/';

export type VoiceDetectorEvents = {
  speaking: [speaking: boolean, contextTime: number];
  error: [message: string];
};

interface MicVadHandle {
  start(): Promise<void>;
  pause(): Promise<void>;
  destroy(): Promise<void>;
}

export class VoiceDetector extends TypedEmitter<VoiceDetectorEvents> {
  readonly #activity = new VoiceActivity();
  #vad: MicVadHandle | undefined;
  #context: AudioContext | undefined;
  /** Latest speech probability, for the console's display. */
  probability = 0;

  /** True once the model is loaded and listening. */
  get running(): boolean {
    return this.#vad !== undefined;
  }

  get speaking(): boolean {
    return this.#activity.speaking;
  }

  /** Starts detecting on `stream`, inside `context` (so it shares the console's audio clock). */
  async start(context: AudioContext, stream: MediaStream): Promise<void> {
    this.#context = context;
    try {
      // Loaded on demand: onnxruntime is large and the studio must open without it.
      const { MicVAD } = await import('@ricky0123/vad-web');
      const base = new URL(VOICE_ASSETS, document.baseURI).href;
      this.#vad = await MicVAD.new({
        model: 'v5',
        audioContext: context,
        baseAssetPath: base,
        onnxWASMBasePath: base,
        getStream: async () => stream,
        pauseStream: async () => undefined,
        resumeStream: async () => stream,
        ortConfig: (ort) => {
          ort.env.logLevel = 'error';
          // One thread: the studio page is not cross-origin isolated, and the audio thread needs the other core.
          ort.env.wasm.numThreads = 1;
        },
        onFrameProcessed: (probabilities) => {
          this.probability = probabilities.isSpeech;
          // v5 frames are 512 samples at 16 kHz.
          if (this.#activity.frame(probabilities.isSpeech, 32)) {
            this.safeEmit('speaking', this.#activity.speaking, this.#context?.currentTime ?? 0);
          }
        },
      });
      await this.#vad.start();
    } catch (error) {
      this.safeEmit('error', `voice detection is unavailable: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    const vad = this.#vad;
    this.#vad = undefined;
    await vad?.destroy().catch(() => undefined);
    if (this.#activity.speaking) {
      this.#activity.reset();
      this.safeEmit('speaking', false, this.#context?.currentTime ?? 0);
    }
  }
}
