// The production console's audio engine: microphone in, the host's processing chain, meters, voice
// activity, monitoring, and the processed track that goes to the Stage. A plain class with typed events;
// React only renders what it reports.
//
//   mic → head ─┬─ input meter
//               └─ chain A → [RNNoise] → chain B → tail ─┬─ voice detector
//                                                        └─ voice gate → send gate ─┬─ processed meter
//                                                                                   ├─ Stage (processed track)
//                                                                                   └─ monitor → output device
import { RnnoiseWorkletNode, loadRnnoise } from '@sapphi-red/web-noise-suppressor';
import rnnoiseWorkletUrl from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url';
import rnnoiseWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import rnnoiseSimdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import {
  BROWSER_PROCESSING_FOR,
  type BrowserProcessing,
  type ChainSettings,
  type ConsoleSettings,
} from '../../../shared/console-settings';
import { TypedEmitter } from '../../../shared/TypedEmitter';
import { segmentsAround, type ChainActivity, type LocalStageId } from '../dsp/ProcessingChain';
import chainWorkletUrl from './console-chain.worklet.ts?worker&url';
import { AudioDevices, MicrophoneInput, type AudioDevice, type DeviceLists, type MediaDevicesLike } from './devices';
import { connectMeter, loadMeterWorklet, MeterTap } from '../meter/MeterTap';
import type { ChainCommand, ChainProcessorOptions, ChainReport } from './messages';
import { RemoteSpeakers } from './RemoteSpeakers';
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
  /** Audio-thread cost of the chain segments, ms per second of audio, by segment. */
  readonly #load = new Map<string, number>();
  #source: MediaStreamAudioSourceNode | undefined;
  readonly #head: GainNode;
  readonly #tail: GainNode;
  readonly #sendGate: GainNode;
  readonly #monitor: GainNode;
  readonly #send: MediaStreamAudioDestinationNode;
  readonly #voiceTap: MediaStreamAudioDestinationNode;
  #segments: [AudioWorkletNode, AudioWorkletNode] | undefined;
  #voiceGate: AudioWorkletNode | undefined;
  #rnnoise: RnnoiseWorkletNode | undefined;
  #rnnoisePatched = false;
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
    this.microphone = new MicrophoneInput(this.devices, media, settings.browser);
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
    this.#tail = c.createGain();
    this.#sendGate = c.createGain();
    this.#monitor = c.createGain();
    this.#monitor.gain.value = 0;
    this.#send = c.createMediaStreamDestination();
    this.#send.channelCount = 1;
    this.#voiceTap = c.createMediaStreamDestination();
    this.voice.on('speaking', (speaking, time) => {
      this.speakingLog.push({ speaking, time });
      if (this.#settings.voiceGate) this.#postVoiceGate(speaking);
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
    return this.#send.stream.getAudioTracks()[0]!;
  }
  get outputDeviceId(): string {
    return this.#outputId;
  }
  /** Audio-thread time the chain takes, as a share of real time; coarse (the worklet clock ticks in ms). */
  get chainLoad(): number {
    let ms = 0;
    for (const v of this.#load.values()) ms += v;
    return ms / 1000;
  }

  /** Builds the graph and opens a microphone; call once, after a user gesture if possible. */
  async start(device: AudioDevice | undefined): Promise<void> {
    if (this.#started) throw new Error('the console is already started');
    this.#started = true;
    const c = this.context;
    await Promise.all([c.audioWorklet.addModule(chainWorkletUrl), loadMeterWorklet(c)]);
    const [before, after] = segmentsAround(this.#settings.chain.order);
    const segment = (stages: LocalStageId[]) => {
      const processorOptions: ChainProcessorOptions = { settings: this.#settings.chain, stages };
      const node = new AudioWorkletNode(c, 'hostline-console-chain', {
        channelCount: 1,
        channelCountMode: 'explicit',
        outputChannelCount: [1],
        processorOptions,
      });
      node.port.onmessage = (event: MessageEvent<ChainReport>) => this.#onReport(node, event.data);
      return node;
    };
    this.#segments = [segment(before), segment(after)];
    this.#voiceGate = segment(['voiceGate']);
    this.#head.connect(this.#segments[0]);
    this.#segments[0].connect(this.#segments[1]);
    this.#segments[1].connect(this.#tail);
    this.#tail.connect(this.#voiceGate).connect(this.#sendGate);
    this.#tail.connect(this.#voiceTap);
    this.#sendGate.connect(this.#send);
    this.#sendGate.connect(this.#monitor).connect(c.destination);
    connectMeter(this.#head, this.inputMeter, CONSOLE_METER);
    connectMeter(this.#sendGate, this.processedMeter, CONSOLE_METER);
    this.#applyTalkGate();
    this.#applyMonitor();
    await this.devices.refresh();
    await this.microphone.use(device);
    // An AudioContext made before the microphone was granted starts suspended.
    await c.resume();
    await this.devices.refresh();
    await this.#applyNoiseSuppression();
    void this.voice.start(c, this.#voiceTap.stream);
  }

  /** Applies new console settings: chain order, parameters, bypasses, browser processing, monitor. */
  async configure(next: ConsoleSettings): Promise<void> {
    const previous = this.#settings;
    this.#settings = next;
    // Tell the view first: a reopened microphone or a loading RNNoise must not make a toggle feel stuck.
    this.safeEmit('settings', next);
    this.#postChain(next.chain);
    if (JSON.stringify(previous.browser) !== JSON.stringify(next.browser)) await this.microphone.setBrowserProcessing(next.browser);
    if (!next.voiceGate) this.#postVoiceGate(true);
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
    this.#rnnoise?.destroy();
    await this.context.close();
  }

  #connectSource(stream: MediaStream): void {
    // Only the source changes: the chain, and the processed track the Stage receives, stay as they are.
    this.#source?.disconnect();
    this.#source = this.context.createMediaStreamSource(stream);
    this.#source.connect(this.#head);
  }

  #postChain(chain: ChainSettings): void {
    if (!this.#segments) return;
    const [before, after] = segmentsAround(chain.order);
    const post = (node: AudioWorkletNode, stages: LocalStageId[]) =>
      node.port.postMessage({ type: 'configure', settings: chain, stages } satisfies ChainCommand);
    post(this.#segments[0], before);
    post(this.#segments[1], after);
    if (this.#voiceGate) post(this.#voiceGate, ['voiceGate']);
  }

  #postVoiceGate(open: boolean): void {
    this.#voiceGate?.port.postMessage({ type: 'voiceGate', open } satisfies ChainCommand);
  }

  async #applyNoiseSuppression(): Promise<void> {
    const wanted = !this.#settings.chain.noiseSuppression.bypass;
    if (!this.#segments || wanted === this.#rnnoisePatched) return;
    const [a, b] = this.#segments;
    if (wanted) {
      const rnnoise = await this.#loadRnnoise().catch((e: Error) => {
        this.safeEmit('notice', `Noise suppression is unavailable: ${e.message}`);
        return undefined;
      });
      if (!rnnoise || this.#settings.chain.noiseSuppression.bypass || this.#rnnoisePatched) return;
      a.disconnect();
      a.connect(rnnoise).connect(b);
    } else {
      a.disconnect();
      this.#rnnoise?.disconnect();
      a.connect(b);
    }
    this.#rnnoisePatched = wanted;
  }

  async #loadRnnoise(): Promise<RnnoiseWorkletNode> {
    if (this.#rnnoise) return this.#rnnoise;
    const [wasmBinary] = await Promise.all([
      loadRnnoise({ url: rnnoiseWasmUrl, simdUrl: rnnoiseSimdWasmUrl }),
      this.context.audioWorklet.addModule(rnnoiseWorkletUrl),
    ]);
    this.#rnnoise = new RnnoiseWorkletNode(this.context, { wasmBinary, maxChannels: 1 });
    return this.#rnnoise;
  }

  #applyTalkGate(): void {
    // 10 ms ramps: instant to the ear, and no click.
    this.#sendGate.gain.setTargetAtTime(this.talking ? 1 : 0, this.context.currentTime, 0.01);
  }

  #applyMonitor(): void {
    const { enabled, volume } = this.#settings.monitor;
    this.#monitor.gain.setTargetAtTime(enabled ? volume : 0, this.context.currentTime, 0.02);
  }

  #onReport(node: AudioWorkletNode, report: ChainReport): void {
    const segment = node === this.#segments?.[0] ? 'a' : node === this.#segments?.[1] ? 'b' : 'voice';
    this.#load.set(segment, report.loadMsPerSecond);
    const a = report.activity;
    const next = { ...this.#activity };
    if (report.stages.includes('gate')) {
      next.gateOpen = a.gateOpen;
      next.gateGainDb = a.gateGainDb;
    }
    if (report.stages.includes('compressor')) next.compressorReductionDb = a.compressorReductionDb;
    if (report.stages.includes('limiter')) next.limiterReductionDb = a.limiterReductionDb;
    if (report.stages.includes('voiceGate')) next.voiceGateGainDb = a.voiceGateGainDb;
    this.#activity = next;
    if (segment === 'voice') this.safeEmit('activity', next);
  }
}
