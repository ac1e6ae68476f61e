// navigator.mediaDevices for Node tests: a fixed set of devices that can be unplugged, and getUserMedia
// answering streams whose tracks can end. The console's device code (AudioDevices, MicrophoneInput) runs
// on it unchanged.
import type { MediaDevicesLike } from '../../src/renderer/audio/engine/devices';

export class FakeTrack extends EventTarget {
  stopped = false;
  stop() {
    this.stopped = true;
  }
}

export class FakeMedia extends EventTarget implements MediaDevicesLike {
  devices = [
    { deviceId: 'default', kind: 'audioinput' as MediaDeviceKind, label: 'Default' },
    { deviceId: 'usb', kind: 'audioinput' as MediaDeviceKind, label: 'USB Podcast Mic' },
    { deviceId: 'built-in', kind: 'audioinput' as MediaDeviceKind, label: 'Built-in Microphone' },
    { deviceId: 'phones', kind: 'audiooutput' as MediaDeviceKind, label: 'Headphones' },
  ];
  /** The device id of every getUserMedia call (undefined: the system default). */
  opened: Array<string | undefined> = [];
  tracks: FakeTrack[] = [];
  async enumerateDevices() {
    return this.devices;
  }
  async getUserMedia(constraints: MediaStreamConstraints) {
    const audio = constraints.audio as MediaTrackConstraints;
    this.opened.push((audio.deviceId as { exact: string } | undefined)?.exact);
    const track = new FakeTrack();
    this.tracks.push(track);
    return { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  }
  unplug(id: string) {
    this.devices = this.devices.filter((d) => d.deviceId !== id);
    this.dispatchEvent(new Event('devicechange'));
  }
}
