// Finding and opening microphones. A saved choice is found again by id, then by name (ids can change
// between runs), else the system default is used and the caller is told.
import type { DeviceChoice } from '../../shared/settings';

export interface InputDevice {
  deviceId: string;
  label: string;
}

export async function listInputs(): Promise<InputDevice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

/** The device to open for a saved choice, or undefined for the system default. */
export function resolveInput(choice: DeviceChoice | null, inputs: InputDevice[]): InputDevice | undefined {
  if (!choice) return undefined;
  return inputs.find((d) => d.deviceId === choice.deviceId) ?? inputs.find((d) => d.label === choice.label);
}

export async function openMicrophone(device: InputDevice | undefined): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: {
      ...(device ? { deviceId: { exact: device.deviceId } } : {}),
      channelCount: 1,
      sampleRate: 48000,
      // Issue 4 turns these into explicit settings; these are the defaults for a headset.
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: false,
    },
    video: false,
  });
}
