// Independent readers for the replay's files: ffprobe for the container, ffmpeg to decode to WAV for
// sox. Tests fail with the command to run when ffmpeg is missing.
import { execFileSync, spawnSync } from 'node:child_process';

export function requireFfmpeg(): void {
  const probe = spawnSync('ffprobe', ['-version'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error('ffmpeg and ffprobe are needed: apt-get install -y ffmpeg (.ci/run installs it)');
}

export interface ProbeResult {
  format: string;
  durationSec: number;
  codec: string;
  sampleRate: number;
  channels: number;
}

export function ffprobe(path: string): ProbeResult {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_name,sample_rate,channels', '-of', 'json', path], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as { format: { format_name: string; duration: string }; streams: Array<{ codec_name: string; sample_rate: string; channels: number }> };
  const stream = parsed.streams[0]!;
  return { format: parsed.format.format_name, durationSec: Number(parsed.format.duration), codec: stream.codec_name, sampleRate: Number(stream.sample_rate), channels: stream.channels };
}

/** The exact decoded length, from ffmpeg decoding every packet (not the container's claim). */
export function decodedSeconds(path: string): number {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  const times = [...run.stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)];
  const last = times.at(-1);
  if (!last) throw new Error(`ffmpeg could not decode ${path}: ${run.stderr}`);
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]);
}

/** Decodes to 48 kHz mono 16-bit WAV for sox; `band` keeps only that frequency range (sox sinc). */
export function decodeToWav(path: string, wav: string): void {
  execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', path, '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', wav]);
}

/** Encodes a WAV to Ogg Opus in 20 ms frames (a speaker's microphone, as a browser would send it). */
export function encodeOpus(wav: string, ogg: string): void {
  execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', wav, '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-application', 'voip', ogg]);
}
