// The production console's audio engine: microphone in, the host's processing chain, meters, voice
// activity, monitoring, and the processed track that goes to the Stage. A plain class with typed events;
// React only renders what it reports.
//
//   mic ─┬─ (Web Audio) head → input meter
//        └─ SendChain worker: [to 48 kHz] → chain in the host's order, RNNoise where it sits ─┬─ voice track → voice detector
//           (music mode: stereo, limiter only)                        → voice gate → talk gate ─┴─ processed track ─┬─ Stage
//                                                                                                  (Web Audio) ─┬─ processed meter
//                                                                                                               └─ monitor → output device
// The chain runs on the capture's own 10 ms blocks in a worker, not in Web Audio, so the track the Stage
// receives is as prompt and as even as the microphone's (see SendChain).
import { loadRnnoise } from '@sapphi-red/web-noise-suppressor';
import rnnoiseWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import rnnoiseSimdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import {
  BROWSER_PROCESSING_FOR,
  browserProcessingOf,
  type BrowserProcessing,
  type ChainSettings,
  type ConsoleSettings,
} from '../../../shared/console-settings';
import { TypedEmitter } from '../../../shared/TypedEmitter';
import type { ChainActivity } from '../dsp/ProcessingChain';
import type { SendPathSettings } from '../dsp/SendPath';
import { connectMeter, loadMeterWorklet, MeterTap } from '../meter/MeterTap';
import { AudioDevices, MicrophoneInput, type AudioDevice, type DeviceLists, type MediaDevicesLike } from './devices';
import type { ChainReport } from './messages';
import { RemoteSpeakers } from './RemoteSpeakers';
import { SendChain } from './SendChain';
import { VoiceDetector } from './voice';

export type ConsoleEngineEvents = {
  devices: [lists: DeviceLists];
  /** The microphone in use changed (undefined: the system default). */
  input: [device: AudioDevice | undefined];
  /** Something the host should be told (a device went away, a feature is unavailable). */
  notice: [message: string];
  settings: [settings: ConsoleSettings];
  activity: [activity: ChainActivity];
  speaking: [speaking: boolean];
};

/** The host's own meters: a reading every 20 ms, with loudness. */
const CONSOLE_METER = { loudness: true, periodMs: 20 } as const;

/** AudioContext with the output-device API Chromium has (not yet in TypeScript's DOM lib). */
type SinkableContext = AudioContext & { setSinkId?(id: string): Promise<void> };

export class ConsoleEngine extends TypedEmitter<ConsoleEngineEvents> {
  readonly context: SinkableContext;
  readonly devices: AudioDevices;
  readonly microphone: MicrophoneInput;
  readonly inputMeter = new MeterTap();
  readonly processedMeter = new MeterTap();
  readonly voice = new VoiceDetector();
  readonly remotes: RemoteSpeakers;
  /** When the voice detector turned on and off, on the AudioContext clock (for checks and tests). */
  readonly speakingLog: Array<{ speaking: boolean; time: number }> = [];
  #settings: ConsoleSettings;
  #activity: ChainActivity = { gateOpen: true, gateGainDb: 0, compressorReductionDb: 0, limiterReductionDb: 0, voiceGateGainDb: 0 };
  /** The chain worker's latest report (cost, delay, what the microphone delivers). */
  #report: ChainReport | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  readonly #head: GainNode;
  readonly #monitor: GainNode;
  /** Runs the chain and makes the processed track (see SendChain). */
  readonly #chain: SendChain;
  /** The voice detector hears the host; the Space says a speaker talks: either dips the soundboard's beds. */
  #hostTalking = false;
  #speakersTalking = false;
  /** RNNoise's .wasm, fetched the first time noise suppression is wanted. */
  #rnnoise: Promise<void> | undefined;
  #outputId = '';
  #muted = false;
  #pushToTalkHeld = false;
  #started = false;

  constructor(settings: ConsoleSettings, media: MediaDevicesLike = navigator.mediaDevices) {
    super();
    this.#settings = settings;
    this.context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    this.devices = new AudioDevices(media);
    this.devices.on('changed', (lists) => {
      this.safeEmit('devices', lists);
      if (this.#outputId && !lists.outputs.some((d) => d.deviceId === this.#outputId)) {
        this.safeEmit('notice', 'The output device went away; you hear the Space on the system default now.');
        void this.setOutput(undefined);
      }
    });
    this.microphone = new MicrophoneInput(this.devices, media, browserProcessingOf(settings), settings.musicMode ? 2 : 1);
    this.microphone.on('stream', (stream, device) => {
      this.#connectSource(stream);
      this.safeEmit('input', device);
    });
    this.microphone.on('lost', ({ label }) =>
      this.safeEmit('notice', `“${label}” was disconnected; the system default microphone is in use now. You stay on stage.`),
    );
    this.remotes = new RemoteSpeakers(this.context, () => this.#outputId);
    const c = this.context;
    this.#head = c.createGain();
    this.#monitor = c.createGain();
    this.#monitor.gain.value = 0;
    this.#chain = new SendChain(this.#sendPathSettings(settings));
    this.#chain.on('report', (report) => this.#onReport(report));
    this.#chain.on('error', (message) => this.safeEmit('notice', message));
    this.voice.on('speaking', (speaking, time) => {
      this.speakingLog.push({ speaking, time });
      if (this.#settings.voiceGate && !this.#settings.musicMode) this.#postVoiceGate(speaking);
      this.#hostTalking = speaking;
      this.#postSomeoneTalking();
      this.safeEmit('speaking', speaking);
    });
    this.voice.on('error', (message) => this.safeEmit('notice', message));
  }

  get settings(): ConsoleSettings {
    return this.#settings;
  }
  get activity(): ChainActivity {
    return this.#activity;
  }
  /** What leaves the chain: the track the Stage (and a recording) receives. It never changes. */
  get processedTrack(): MediaStreamTrack {
    return this.#chain.track;
  }
  get outputDeviceId(): string {
    return this.#outputId;
  }
  /** Time the chain takes, as a share of real time. */
  get chainLoad(): number {
    return (this.#report?.loadMsPerSecond ?? 0) / 1000;
  }

  /** From capture to the processed track, ms (median and worst over the last 50 ms), and what the
   * microphone delivers; undefined until the chain has run. */
  get chainDelay(): { medianMs: number; maxMs: number; inputRate: number; inputChannels: number } | undefined {
    const r = this.#report;
    return r && { medianMs: r.delayMs.median, maxMs: r.delayMs.max, inputRate: r.inputRate, inputChannels: r.inputChannels };
  }

  /** Builds the graph and opens a microphone; call once, after a user gesture if possible. */
  async start(device: AudioDevice | undefined): Promise<void> {
    if (this.#started) throw new Error('the console is already started');
    this.#started = true;
    const c = this.context;
    await loadMeterWorklet(c);
    const processed = c.createMediaStreamSource(new MediaStream([this.#chain.track]));
    processed.connect(this.#monitor).connect(c.destination);
    connectMeter(this.#head, this.inputMeter, CONSOLE_METER);
    connectMeter(processed, this.processedMeter, CONSOLE_METER);
    this.#applyTalkGate();
    this.#applyMonitor();
    await this.devices.refresh();
    await this.microphone.use(device);
    // An AudioContext made before the microphone was granted starts suspended.
    await c.resume();
    await this.devices.refresh();
    await this.#applyNoiseSuppression();
    void this.voice.start(c, new MediaStream([this.#chain.voiceTrack]));
  }

  /** Applies new console settings: chain order, parameters, bypasses, browser processing, monitor. */
  async configure(next: ConsoleSettings): Promise<void> {
    const previous = this.#settings;
    this.#settings = next;
    // Tell the view first: a reopened microphone or a loading RNNoise must not make a toggle feel stuck.
    this.safeEmit('settings', next);
    this.#chain.configure(this.#sendPathSettings(next));
    const browser = browserProcessingOf(next);
    if (JSON.stringify(browserProcessingOf(previous)) !== JSON.stringify(browser) || previous.musicMode !== next.musicMode) {
      await this.microphone.setBrowserProcessing(browser, next.musicMode ? 2 : 1);
    }
    // Music is not speech: the voice gate would close on it.
    if (!next.voiceGate || next.musicMode) this.#postVoiceGate(true);
    else this.#postVoiceGate(this.voice.speaking);
    this.#applyTalkGate();
    this.#applyMonitor();
    await this.#applyNoiseSuppression();
  }

  /** Shorthand for the common edit: change part of the chain. */
  updateChain(change: (chain: ChainSettings) => ChainSettings): Promise<void> {
    return this.configure({ ...this.#settings, chain: change(structuredClone(this.#settings.chain)) });
  }

  /** Headphones or speakers: picks the matching browser processing (echo cancellation for speakers). */
  setListeningOn(where: ConsoleSettings['listeningOn']): Promise<void> {
    return this.configure({ ...this.#settings, listeningOn: where, browser: { ...BROWSER_PROCESSING_FOR[where] } });
  }

  setBrowserProcessing(browser: BrowserProcessing): Promise<void> {
    return this.configure({ ...this.#settings, browser });
  }

  /** Music mode: stereo, the browser's processing off, the limiter only (see ConsoleSettings). */
  setMusicMode(musicMode: boolean): Promise<void> {
    return this.configure({ ...this.#settings, musicMode });
  }

  /** Chooses the microphone (undefined: the system default). */
  async setInput(device: AudioDevice | undefined): Promise<void> {
    await this.microphone.use(device);
  }

  /** Chooses where the host hears the Space and the monitor (undefined: the system default). */
  async setOutput(device: AudioDevice | undefined): Promise<void> {
    this.#outputId = device?.deviceId ?? '';
    await this.context.setSinkId?.(this.#outputId).catch((e: Error) => this.safeEmit('notice', `Could not use that output: ${e.message}`));
    await this.remotes.setSinkId(this.#outputId);
  }

  /** Local mute: nothing leaves the console (the Stage's mute is the server's; this one is instant). */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#applyTalkGate();
  }

  /** Push-to-talk key held or released. */
  setPushToTalkHeld(held: boolean): void {
    this.#pushToTalkHeld = held;
    this.#applyTalkGate();
  }

  get talking(): boolean {
    return !this.#muted && (!this.#settings.pushToTalk || this.#pushToTalkHeld);
  }

  async close(): Promise<void> {
    await this.voice.stop();
    this.remotes.close();
    this.microphone.close();
    this.devices.close();
    this.#chain.close();
    await this.context.close();
  }

  #connectSource(stream: MediaStream): void {
    // Only the source changes: the chain, and the processed track the Stage receives, stay as they are.
    this.#source?.disconnect();
    this.#source = this.context.createMediaStreamSource(stream);
    this.#source.connect(this.#head);
    const track = stream.getAudioTracks()[0];
    if (track) this.#chain.setInput(track);
  }

  #sendPathSettings(settings: ConsoleSettings): SendPathSettings {
    return { chain: settings.chain, musicMode: settings.musicMode };
  }

  /** Tells the soundboard whether a speaker on the Stage talks (the Space's speaking), so beds dip for them too. */
  setSpeakersTalking(talking: boolean): void {
    this.#speakersTalking = talking;
    this.#postSomeoneTalking();
  }

  /** The soundboard's pads in the chain (load, play, stop, ducking): see SendChain.pads. */
  pads(command: Parameters<SendChain['pads']>[0]): void {
    this.#chain.pads(command);
  }

  #postSomeoneTalking(): void {
    this.#chain.pads({ type: 'someoneTalking', talking: this.#hostTalking || this.#speakersTalking });
  }

  #postVoiceGate(open: boolean): void {
    this.#chain.setVoiceGateOpen(open);
  }

  /** Fetches RNNoise for the chain worker the first time the chain wants it. */
  async #applyNoiseSuppression(): Promise<void> {
    if (this.#settings.chain.noiseSuppression.bypass || this.#settings.musicMode) return;
    this.#rnnoise ??= loadRnnoise({ url: rnnoiseWasmUrl, simdUrl: rnnoiseSimdWasmUrl }).then(
      (wasm) => this.#chain.loadNoiseSuppressor(wasm),
      (e: Error) => {
        this.#rnnoise = undefined;
        this.safeEmit('notice', `Noise suppression is unavailable: ${e.message}`);
      },
    );
    await this.#rnnoise;
  }

  #applyTalkGate(): void {
    // The chain glides over 10 ms: instant to the ear, and no click.
    this.#chain.setTalking(this.talking);
  }

  #applyMonitor(): void {
    const { enabled, volume } = this.#settings.monitor;
    this.#monitor.gain.setTargetAtTime(enabled ? volume : 0, this.context.currentTime, 0.02);
  }

  #onReport(report: ChainReport): void {
    this.#report = report;
    this.#activity = report.activity;
    this.safeEmit('activity', report.activity);
  }
}
