// The console's send chain, as the main thread sees it: the worker that runs the chain
// (console-chain.worker.ts), the microphone frames it reads, and the two tracks it writes: the processed
// voice the Stage receives (and a recording takes), and the voice detector's feed. Both tracks stay the
// same for the console's life; a new microphone only changes what the worker reads.
//
// Why a worker and not an AudioWorklet: a track rendered by Web Audio (MediaStreamAudioDestinationNode)
// crosses two FIFOs, into the AudioContext and out of it, and reaches WebRTC in bursts that follow the
// output device's clock; listeners' jitter buffers grow to absorb them. Measured in
// `npm run bench:mouth-to-ear` (docs/PERFORMANCE.md): 40-70 ms more than the bare microphone.
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { SendPathSettings } from '../dsp/SendPath';
import ChainWorker from './console-chain.worker.ts?worker';
import type { ChainCommand, ChainEvent, ChainReport } from './messages';

export type SendChainEvents = {
  report: [report: ChainReport];
  error: [message: string];
};

/** Frames the microphone may queue for the worker (10 ms each) before the oldest are dropped. */
const MAX_QUEUED_FRAMES = 10;

export class SendChain extends TypedEmitter<SendChainEvents> {
  /** What leaves the chain: the track the Stage receives. */
  readonly track: MediaStreamTrack;
  /** The processed voice before the voice and talk gates. */
  readonly voiceTrack: MediaStreamTrack;
  readonly #worker: Worker;
  /** The microphone track being read. */
  #input: MediaStreamTrack | undefined;

  /** Whether this browser can run the chain (Chromium and Electron can). */
  static get supported(): boolean {
    return typeof MediaStreamTrackProcessor === 'function' && typeof MediaStreamTrackGenerator === 'function';
  }

  constructor(settings: SendPathSettings) {
    super();
    if (!SendChain.supported) throw new Error('this browser cannot process audio tracks (MediaStreamTrackProcessor is missing)');
    const send = new MediaStreamTrackGenerator({ kind: 'audio' });
    const voice = new MediaStreamTrackGenerator({ kind: 'audio' });
    this.track = send;
    this.voiceTrack = voice;
    this.#worker = new ChainWorker();
    this.#worker.onmessage = (event: MessageEvent<ChainEvent>) => {
      if (event.data.type === 'activity') this.safeEmit('report', event.data);
      else this.safeEmit('error', event.data.message);
    };
    this.#worker.onerror = (event) => this.safeEmit('error', `the console's chain stopped: ${event.message}`);
    this.#post({ type: 'start', send: send.writable, voice: voice.writable, settings }, [send.writable, voice.writable]);
  }

  /** Reads this microphone from now on. */
  setInput(track: MediaStreamTrack): void {
    if (track === this.#input) return;
    this.#input = track;
    const { readable } = new MediaStreamTrackProcessor({ track, maxBufferSize: MAX_QUEUED_FRAMES });
    this.#post({ type: 'input', readable }, [readable]);
  }

  configure(settings: SendPathSettings): void {
    this.#post({ type: 'configure', settings });
  }

  /** Hands RNNoise's .wasm to the worker (once; later calls do nothing there). */
  loadNoiseSuppressor(wasm: ArrayBuffer): void {
    this.#post({ type: 'noiseSuppressor', wasm }, [wasm]);
  }

  setVoiceGateOpen(open: boolean): void {
    this.#post({ type: 'voiceGate', open });
  }

  setTalking(open: boolean): void {
    this.#post({ type: 'talk', open });
  }

  close(): void {
    this.#worker.terminate();
    this.track.stop();
    this.voiceTrack.stop();
  }

  /** The soundboard's commands (load, play, stop, ducking) go to the chain, where the pads are mixed. */
  pads(command: Extract<ChainCommand, { type: 'padLoad' | 'padUnload' | 'padPlay' | 'padUpdate' | 'padStop' | 'ducking' | 'someoneTalking' }>): void {
    this.#post(command, command.type === 'padLoad' ? command.channels.map((c) => c.buffer) : []);
  }

  #post(command: ChainCommand, transfer: Transferable[] = []): void {
    this.#worker.postMessage(command, transfer);
  }
}
