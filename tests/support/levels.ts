// What a browser's encoder reports in ssrc-audio-level for each 20 ms packet of a WAV: its level in
// -dBov (0 loudest, 127 silence), so plain-RTP test speakers carry the levels a real one would.
import { soxSamples } from './sox';

export function frameLevels(wav: string): number[] {
  const samples = soxSamples(wav);
  const levels: number[] = [];
  for (let i = 0; i < samples.length; i += 960) {
    let sum = 0;
    const end = Math.min(samples.length, i + 960);
    for (let j = i; j < end; j++) sum += samples[j]! * samples[j]!;
    const rms = Math.sqrt(sum / Math.max(1, end - i));
    levels.push(rms > 0 ? Math.min(127, Math.round(-20 * Math.log10(rms))) : 127);
  }
  return levels;
}

/** The level option for PlainProducer.sendOpus, looping over the WAV's levels. */
export function levelsOf(levels: number[]) {
  return (_packet: Buffer, index: number) => {
    const dBov = levels[index % levels.length] ?? 127;
    return { dBov, voice: dBov < 50 };
  };
}
