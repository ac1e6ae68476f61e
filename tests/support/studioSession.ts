// A StudioSession in Node, as real as Node allows: a real SFU service (real mediasoup worker) with a
// studio key, real RoomClients over WebSocket (mediasoup-client's FakeHandler stands in for WebRTC), the
// real SettingsService behind window.studio's settings calls, and the console's real device code on fake
// media devices. Only the audio graph (Web Audio has no Node implementation) and the recorder (it taps
// Web Audio) are stand-ins; the studio page in Chromium covers those (tests/e2e).
import WebSocket from 'ws';
import { FakeHandler, testFakeParameters } from 'mediasoup-client';
import { SettingsService, type SettingsStore } from '../../src/main/services/SettingsService';
import { BROWSER_PROCESSING_FOR, type ConsoleSettings } from '../../src/shared/console-settings';
import type { Settings } from '../../src/shared/settings';
import type { SfuEndpoint, StudioApi } from '../../src/shared/studio-api';
import { TypedEmitter } from '../../src/shared/TypedEmitter';
import type { ConsoleEngineEvents } from '../../src/renderer/audio/engine/ConsoleEngine';
import { AudioDevices, MicrophoneInput, type AudioDevice } from '../../src/renderer/audio/engine/devices';
import { RoomClient } from '../../src/renderer/room/RoomClient';
import type { SocketLike } from '../../src/renderer/room/SignalingClient';
import type { KeyEventLike, KeySource } from '../../src/renderer/studio/shortcuts/ShortcutRouter';
import { StudioSession, type Dialogs, type StudioEngine, type StudioRecorder } from '../../src/renderer/studio/StudioSession';
import type { ShowClock } from '../../src/renderer/studio/RunOfShow';
import { FakeMedia } from './fakeMedia';
import { fakeMicTrack } from './fakeRoom';

/** The console engine with its real device handling and no audio graph. */
export class NodeConsoleEngine extends TypedEmitter<ConsoleEngineEvents> implements StudioEngine {
  readonly media = new FakeMedia();
  readonly devices = new AudioDevices(this.media);
  readonly microphone: MicrophoneInput;
  settings: ConsoleSettings;
  readonly processedTrack = fakeMicTrack();
  outputDeviceId = '';
  /** Remote speakers the engine was asked to play, by member id. */
  readonly playing = new Map<string, string>();
  readonly pushToTalk: boolean[] = [];
  /** What the session told the soundboard's ducking about the other speakers, in order. */
  readonly speakersTalking: boolean[] = [];
  started = false;
  closed = false;
  readonly remotes = {
    add: (memberId: string, displayName: string) => void this.playing.set(memberId, displayName),
    remove: (memberId: string) => void this.playing.delete(memberId),
  };

  constructor(settings: ConsoleSettings) {
    super();
    this.settings = settings;
    this.microphone = new MicrophoneInput(this.devices, this.media, settings.browser);
    this.devices.on('changed', (lists) => this.safeEmit('devices', lists));
    this.microphone.on('stream', (_stream, device) => this.safeEmit('input', device));
    this.microphone.on('lost', ({ label }) => this.safeEmit('notice', `“${label}” was disconnected; the system default microphone is in use now. You stay on stage.`));
  }

  async start(device: AudioDevice | undefined): Promise<void> {
    this.started = true;
    await this.devices.refresh();
    await this.microphone.use(device);
    await this.devices.refresh();
  }
  async setInput(device: AudioDevice | undefined): Promise<void> {
    await this.microphone.use(device);
  }
  setSpeakersTalking(talking: boolean): void {
    this.speakersTalking.push(talking);
  }
  async setOutput(device: AudioDevice | undefined): Promise<void> {
    this.outputDeviceId = device?.deviceId ?? '';
  }
  /** As the real engine: the view hears first, then the microphone reopens if its browser processing changed. */
  async configure(next: ConsoleSettings): Promise<void> {
    const previous = this.settings;
    this.settings = next;
    this.safeEmit('settings', next);
    if (JSON.stringify(previous.browser) !== JSON.stringify(next.browser)) await this.microphone.setBrowserProcessing(next.browser);
  }
  setListeningOn(where: ConsoleSettings['listeningOn']): Promise<void> {
    return this.configure({ ...this.settings, listeningOn: where, browser: { ...BROWSER_PROCESSING_FOR[where] } });
  }
  setPushToTalkHeld(held: boolean): void {
    this.pushToTalk.push(held);
  }
  async close(): Promise<void> {
    this.closed = true;
    this.microphone.close();
    this.devices.close();
  }
}

/** Records what the session asks of the recorder. */
export class NodeRecorder implements StudioRecorder {
  recording = false;
  markers = 0;
  /** The label of each marker that reached the recording. */
  readonly labels: Array<string | undefined> = [];
  stopped = 0;
  addMarker(label?: string): boolean {
    if (this.recording) {
      this.markers++;
      this.labels.push(label);
    }
    return this.recording;
  }
  async stop(): Promise<void> {
    this.stopped++;
    this.recording = false;
  }
}

/** A keyboard: presses and releases reach the router as the window's key events would. */
export class Keyboard implements KeySource {
  readonly #listeners = { keydown: new Set<(e: KeyEventLike) => void>(), keyup: new Set<(e: KeyEventLike) => void>() };
  prevented = 0;
  addEventListener(type: 'keydown' | 'keyup', listener: (event: KeyEventLike) => void): void {
    this.#listeners[type].add(listener);
  }
  removeEventListener(type: 'keydown' | 'keyup', listener: (event: KeyEventLike) => void): void {
    this.#listeners[type].delete(listener);
  }
  get listening(): number {
    return this.#listeners.keydown.size + this.#listeners.keyup.size;
  }
  /** "Ctrl+Shift+KeyA" goes down (and, unless `hold`, up again). */
  press(combo: string, options: { repeat?: boolean; target?: EventTarget | null; hold?: boolean } = {}): void {
    const event = this.#event(combo, options.repeat ?? false, options.target ?? null);
    for (const l of [...this.#listeners.keydown]) l(event);
    if (!options.hold) this.release(combo);
  }
  release(combo: string): void {
    const event = this.#event(combo, false, null);
    for (const l of [...this.#listeners.keyup]) l(event);
  }
  #event(combo: string, repeat: boolean, target: EventTarget | null): KeyEventLike {
    const parts = combo.split('+');
    return {
      code: parts.at(-1)!,
      ctrlKey: parts.includes('Ctrl'),
      shiftKey: parts.includes('Shift'),
      altKey: parts.includes('Alt'),
      metaKey: parts.includes('Meta'),
      repeat,
      target,
      preventDefault: () => void this.prevented++,
    };
  }
}

/** Answers the host's dialogs from a script. */
export class ScriptedDialogs implements Dialogs {
  confirms: boolean[] = [];
  prompts: Array<string | null> = [];
  asked: string[] = [];
  confirm(message: string): boolean {
    this.asked.push(message);
    return this.confirms.shift() ?? false;
  }
  prompt(message: string, initial?: string): string | null {
    this.asked.push(initial === undefined ? message : `${message} [${initial}]`);
    return this.prompts.shift() ?? null;
  }
}

/** window.studio's settings and SFU calls on the real SettingsService; recording calls are not used here. */
export function nodeStudioApi(settings: SettingsService, endpoint: () => SfuEndpoint): StudioApi {
  const unused = () => Promise.reject(new Error('recording is covered by the Chromium tests'));
  return {
    runtime: 'browser',
    getSettings: async () => settings.get(),
    updateSettings: async (patch) => settings.update(patch),
    getSfuEndpoint: async () => endpoint(),
    onSettingsChanged: (listener) => settings.on('changed', listener),
    startRecording: unused,
    addRecordingTrack: unused,
    sendRecordingAudio: unused,
    addRecordingEvents: unused,
    addRecordingCaptions: unused,
    pauseRecording: unused,
    resumeRecording: unused,
    stopRecording: unused,
    getRecordingStatus: unused,
    onRecordingStatus: () => () => undefined,
    listRecordings: unused,
    getRecording: unused,
    recordingTrackUrl: () => '',
    exportRecording: unused,
  };
}

export class MemorySettingsStore implements SettingsStore {
  stored: unknown;
  constructor(initial?: Partial<Settings>) {
    this.stored = initial;
  }
  read(): unknown {
    return this.stored;
  }
  write(settings: Settings): void {
    this.stored = structuredClone(settings);
  }
}

export interface NodeStudio {
  session: StudioSession<NodeConsoleEngine, NodeRecorder>;
  /** The SFU service the studio talks to. */
  endpoint: SfuEndpoint;
  settings: SettingsService;
  keyboard: Keyboard;
  dialogs: ScriptedDialogs;
  tokens: Map<string, string>;
  /** Made on open(). */
  engine(): NodeConsoleEngine;
  /** Made on going live. */
  recorder(): NodeRecorder;
  /** Every room client the session made. */
  rooms: RoomClient[];
}

export function nodeStudio(options: {
  /** With `sessionToken`, the studio is signed in as that account (as the embedded SFU signs in its owner). */
  endpoint: SfuEndpoint;
  settings?: Partial<Settings>;
  tokens?: Map<string, string>;
  clock?: ShowClock;
}): NodeStudio {
  const settings = new SettingsService(new MemorySettingsStore(options.settings));
  const keyboard = new Keyboard();
  const dialogs = new ScriptedDialogs();
  const tokens = options.tokens ?? new Map<string, string>();
  let engine: NodeConsoleEngine | undefined;
  let recorder: NodeRecorder | undefined;
  const rooms: RoomClient[] = [];
  const session = new StudioSession<NodeConsoleEngine, NodeRecorder>({
    studio: nodeStudioApi(settings, () => options.endpoint),
    createEngine: (consoleSettings) => (engine = new NodeConsoleEngine(consoleSettings)),
    createRoom: ({ wsUrl, userToken, sessionToken }) => {
      const room = new RoomClient({
        wsUrl,
        userToken,
        sessionToken,
        createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
        deviceOptions: { handlerFactory: FakeHandler.createFactory(testFakeParameters) },
      });
      rooms.push(room);
      return room;
    },
    createRecorder: () => (recorder = new NodeRecorder()),
    tokens: { getItem: (k) => tokens.get(k) ?? null, setItem: (k, v) => void tokens.set(k, v) },
    keys: keyboard,
    dialogs,
    clock: options.clock,
  });
  return {
    session,
    endpoint: options.endpoint,
    settings,
    keyboard,
    dialogs,
    tokens,
    rooms,
    engine: () => engine ?? (() => { throw new Error('the session has not made its engine yet'); })(),
    recorder: () => recorder ?? (() => { throw new Error('the session has not gone live yet'); })(),
  };
}

/** A clock the test moves by hand: `advance` runs every tick that falls due, in order. */
export class ManualClock implements ShowClock {
  #now = 1_700_000_000_000;
  readonly #timers = new Set<{ ms: number; next: number; tick: () => void }>();
  now(): number {
    return this.#now;
  }
  every(ms: number, tick: () => void): () => void {
    const timer = { ms, next: this.#now + ms, tick };
    this.#timers.add(timer);
    return () => void this.#timers.delete(timer);
  }
  /** Timers running now. */
  get timers(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.#now = due.next;
      due.next += due.ms;
      due.tick();
    }
    this.#now = end;
  }
}
