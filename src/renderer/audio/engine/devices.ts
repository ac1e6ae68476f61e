// Audio devices by name, watched live: lists update as devices come and go, and when the microphone in
// use disappears the input falls back to the system default at once and says so.
import type { BrowserProcessing } from '../../../shared/console-settings';
import type { DeviceChoice } from '../../../shared/settings';
import { TypedEmitter } from '../../../shared/TypedEmitter';

export interface AudioDevice {
  deviceId: string;
  label: string;
}

/** The part of navigator.mediaDevices the console uses, so tests can stand in for it. */
export interface MediaDevicesLike {
  enumerateDevices(): Promise<Array<Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>>>;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

export interface DeviceLists {
  inputs: AudioDevice[];
  outputs: AudioDevice[];
}

/** "default" and "communications" are the browser's aliases for a real device, not devices of their own. */
const ALIASES = new Set(['default', 'communications', '']);

export class AudioDevices extends TypedEmitter<{ changed: [DeviceLists] }> {
  readonly #media: MediaDevicesLike;
  #lists: DeviceLists = { inputs: [], outputs: [] };
  readonly #onChange = () => void this.refresh();

  constructor(media: MediaDevicesLike) {
    super();
    this.#media = media;
    media.addEventListener('devicechange', this.#onChange);
  }

  get lists(): DeviceLists {
    return this.#lists;
  }

  async refresh(): Promise<DeviceLists> {
    const all = await this.#media.enumerateDevices();
    const pick = (kind: MediaDeviceKind, fallback: string) =>
      all
        .filter((d) => d.kind === kind && !ALIASES.has(d.deviceId))
        .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${fallback} ${i + 1}` }));
    this.#lists = { inputs: pick('audioinput', 'Microphone'), outputs: pick('audiooutput', 'Output') };
    this.safeEmit('changed', this.#lists);
    return this.#lists;
  }

  /** A saved choice, found by id, else by name (ids change between runs); undefined if not connected. */
  find(kind: 'inputs' | 'outputs', choice: DeviceChoice | null | undefined): AudioDevice | undefined {
    if (!choice) return undefined;
    const list = this.#lists[kind];
    return list.find((d) => d.deviceId === choice.deviceId) ?? list.find((d) => d.label === choice.label);
  }

  close(): void {
    this.#media.removeEventListener('devicechange', this.#onChange);
  }
}

/** `channels`: 2 for music mode's stereo (Chromium captures stereo only with its processing off). */
export function microphoneConstraints(device: AudioDevice | undefined, browser: BrowserProcessing, channels: 1 | 2 = 1): MediaStreamConstraints {
  return {
    audio: {
      ...(device ? { deviceId: { exact: device.deviceId } } : {}),
      channelCount: channels,
      sampleRate: 48000,
      echoCancellation: browser.echoCancellation,
      noiseSuppression: browser.noiseSuppression,
      autoGainControl: browser.autoGainControl,
    },
    video: false,
  };
}

export type MicrophoneEvents = {
  /** A new microphone stream is open (first open, a chosen device, a fallback). */
  stream: [stream: MediaStream, device: AudioDevice | undefined];
  /** The device in use went away; the system default is in use now. */
  lost: [info: { label: string }];
};

/** The open microphone: which device, which browser processing, and the fallback when it disappears. */
export class MicrophoneInput extends TypedEmitter<MicrophoneEvents> {
  readonly #media: MediaDevicesLike;
  #stream: MediaStream | undefined;
  /** The device asked for; undefined means the system default. */
  #device: AudioDevice | undefined;
  #browser: BrowserProcessing;
  #channels: 1 | 2 = 1;
  /** Serialises opens so a fallback and a user's choice cannot interleave. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #offDevices: () => void;

  constructor(devices: AudioDevices, media: MediaDevicesLike, browser: BrowserProcessing, channels: 1 | 2 = 1) {
    super();
    this.#media = media;
    this.#browser = browser;
    this.#channels = channels;
    this.#offDevices = devices.on('changed', ({ inputs }) => {
      const device = this.#device;
      if (device && !inputs.some((d) => d.deviceId === device.deviceId)) this.#fallBack(device.label);
    });
  }

  get stream(): MediaStream | undefined {
    return this.#stream;
  }
  get device(): AudioDevice | undefined {
    return this.#device;
  }
  get browserProcessing(): BrowserProcessing {
    return this.#browser;
  }

  /** Opens a device (undefined: the system default) with the current browser processing. */
  use(device: AudioDevice | undefined): Promise<MediaStream> {
    return this.#enqueue(() => this.#open(device));
  }

  /** Reopens the same device with the browser's echo cancellation / noise suppression / AGC changed,
   * and as mono or stereo. */
  setBrowserProcessing(browser: BrowserProcessing, channels: 1 | 2 = this.#channels): Promise<MediaStream> {
    this.#browser = browser;
    this.#channels = channels;
    return this.#enqueue(() => this.#open(this.#device));
  }

  close(): void {
    this.#offDevices();
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = undefined;
  }

  #enqueue(open: () => Promise<MediaStream>): Promise<MediaStream> {
    const next = this.#chain.then(open, open);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #open(device: AudioDevice | undefined): Promise<MediaStream> {
    const stream = await this.#media.getUserMedia(microphoneConstraints(device, this.#browser, this.#channels));
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = stream;
    this.#device = device;
    const track = stream.getAudioTracks()[0];
    // Unplugging often ends the track before (or instead of) a devicechange event.
    track?.addEventListener('ended', () => {
      if (this.#stream === stream) this.#fallBack(device?.label ?? 'The microphone');
    });
    this.safeEmit('stream', stream, device);
    return stream;
  }

  #fallBack(label: string): void {
    void this.#enqueue(() => this.#open(undefined)).then(
      () => this.safeEmit('lost', { label }),
      () => this.safeEmit('lost', { label }),
    );
  }
}
