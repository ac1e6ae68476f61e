// Helpers for recording tests: known signals and feeding them to a RecordingService as the studio would.
import type { RecordingService } from '../../src/main/services/recording/RecordingService';
import type { Beep } from './wav';

export const RATE = 48_000;

/** Tone bursts (amplitude 0.5, 5 ms ramps) over digital silence, `seconds` long. */
export function beepSignal(beeps: Beep[], seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  const ramp = 0.005 * RATE;
  for (const beep of beeps) {
    const first = Math.round(beep.start * RATE);
    const count = Math.round(beep.duration * RATE);
    for (let i = 0; i < count && first + i < out.length; i++) {
      const envelope = Math.min(1, i / ramp, (count - 1 - i) / ramp);
      out[first + i] = amplitude * envelope * Math.sin((2 * Math.PI * beep.frequency * i) / RATE);
    }
  }
  return out;
}

/** Feeds signals to tracks in 100 ms chunks on a shared clock, as the renderer's taps do. */
export function feed(service: RecordingService, tracks: Array<{ trackNo: number; signal: Float32Array; fromFrame?: number }>, chunk = 4800): void {
  const end = Math.max(...tracks.map((t) => t.signal.length));
  for (let at = 0; at < end; at += chunk) {
    for (const t of tracks) {
      const from = t.fromFrame ?? 0;
      if (at + chunk <= from || at >= t.signal.length) continue;
      const start = Math.max(at, from);
      service.append(t.trackNo, start, t.signal.subarray(start, Math.min(at + chunk, t.signal.length)));
    }
  }
}

export function sum(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...signals.map((s) => s.length)));
  for (const s of signals) for (let i = 0; i < s.length; i++) out[i]! += s[i]!;
  return out;
}
