// Hot-plug: the device lists follow what is connected, and losing the microphone in use falls back to the
// system default within a second, telling the host.
import { describe, expect, it } from 'vitest';
import { AudioDevices, MicrophoneInput } from '../../src/renderer/audio/engine/devices';
import { FakeMedia } from '../support/fakeMedia';

const browser = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

describe('AudioDevices and MicrophoneInput', () => {
  it('lists devices by name without the browser’s aliases, and finds a saved choice by name when its id changed', async () => {
    const media = new FakeMedia();
    const devices = new AudioDevices(media);
    const lists = await devices.refresh();
    expect(lists.inputs.map((d) => d.label)).toEqual(['USB Podcast Mic', 'Built-in Microphone']);
    expect(lists.outputs.map((d) => d.label)).toEqual(['Headphones']);
    expect(devices.find('inputs', { deviceId: 'old-id', label: 'USB Podcast Mic' })?.deviceId).toBe('usb');
    expect(devices.find('inputs', { deviceId: 'x', label: 'Gone' })).toBeUndefined();
  });

  it('falls back to the system default within a second when the microphone in use is unplugged, and says which', async () => {
    const media = new FakeMedia();
    const devices = new AudioDevices(media);
    await devices.refresh();
    const mic = new MicrophoneInput(devices, media, browser);
    const seen: string[] = [];
    devices.on('changed', (l) => seen.push(l.inputs.map((d) => d.label).join(',')));
    await mic.use(devices.lists.inputs[0]);
    expect(media.opened).toEqual(['usb']);
    const lost = new Promise<{ label: string; after: number }>((resolve) => {
      const started = Date.now();
      mic.on('lost', ({ label }) => resolve({ label, after: Date.now() - started }));
    });
    media.unplug('usb');
    const { label, after } = await lost;
    expect(label).toBe('USB Podcast Mic');
    expect(after).toBeLessThan(1000);
    expect(media.opened).toEqual(['usb', undefined]);
    expect(mic.device).toBeUndefined();
    expect(media.tracks[0]!.stopped).toBe(true);
    expect(seen.at(-1)).toBe('Built-in Microphone');
  });

  it('falls back as well when the track ends without a device change (a driver reset)', async () => {
    const media = new FakeMedia();
    const devices = new AudioDevices(media);
    await devices.refresh();
    const mic = new MicrophoneInput(devices, media, browser);
    await mic.use(devices.lists.inputs[1]);
    const lost = new Promise<string>((resolve) => mic.on('lost', ({ label }) => resolve(label)));
    media.tracks[0]!.dispatchEvent(new Event('ended'));
    expect(await lost).toBe('Built-in Microphone');
    expect(media.opened).toEqual(['built-in', undefined]);
  });

  it('reopens the same microphone when the browser processing changes', async () => {
    const media = new FakeMedia();
    const devices = new AudioDevices(media);
    await devices.refresh();
    const mic = new MicrophoneInput(devices, media, browser);
    await mic.use(devices.lists.inputs[0]);
    await mic.setBrowserProcessing({ ...browser, echoCancellation: true });
    expect(media.opened).toEqual(['usb', 'usb']);
    expect(mic.browserProcessing.echoCancellation).toBe(true);
  });
});
