// Runs Debian's ffmpeg for the replay: mixing the speaker tracks into the published file, cutting
// clips and trims. Arguments are built by pure functions (tested on their own); the runner reports
// ffmpeg's own error text when it fails, and a clear install hint when ffmpeg is missing.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

export const OPUS_BITRATE = '48k';
/** ffmpeg runs below the service's own priority, so publishing never takes CPU from live audio. */
const FFMPEG_NICE = 10;

export class FfmpegError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Runs ffmpeg with `args`; resolves with its stderr, rejects with FfmpegError. */
export function runFfmpeg(args: string[], options: { binary?: string; signal?: AbortSignal } = {}): Promise<string> {
  const binary = options.binary ?? 'ffmpeg';
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'], signal: options.signal });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, FFMPEG_NICE);
      } catch {
        // Not allowed to lower it (a restricted container): it runs at our priority.
      }
    }
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new FfmpegError(error.code === 'ENOENT' ? `${binary} is not installed: replays need it (apt-get install ffmpeg)` : `${binary} failed to start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stderr);
      else reject(new FfmpegError(`${binary} ${signal ? `was killed (${signal})` : `exited with ${code}`}: ${stderr.trim().slice(-2000)}`));
    });
  });
}

/**
 * Mixes speaker tracks into one Opus-in-WebM file exactly `durationMs` long: what listeners heard
 * (the sum of the voices, as a browser mixes them). No tracks: silence of that length.
 */
export function mixArgs(tracks: string[], durationMs: number, output: string, options: { stereo?: boolean } = {}): string[] {
  const samples = Math.max(1, Math.round((durationMs * 48_000) / 1000));
  const inputs = tracks.flatMap((t) => ['-i', t]);
  const fit = `apad=whole_len=${samples},atrim=end_sample=${samples}`;
  let graph: string;
  if (tracks.length === 0) {
    inputs.push('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono');
    graph = `[0:a]${fit}[out]`;
  } else if (tracks.length === 1) {
    graph = `[0:a]${fit}[out]`;
  } else {
    const labels = tracks.map((_, i) => `[${i}:a]`).join('');
    graph = `${labels}amix=inputs=${tracks.length}:normalize=0:duration=longest:dropout_transition=0,${fit}[out]`;
  }
  return [
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[out]',
    '-ac',
    options.stereo ? '2' : '1',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    OPUS_BITRATE,
    '-frame_duration',
    '20',
    '-f',
    'webm',
    output,
  ];
}

/** The published file from `startMs` on, without re-encoding (the host trimmed the start). */
export function trimArgs(input: string, startMs: number, output: string): string[] {
  // After -i: stream copy cannot seek inside a cluster, so packets before the cut are dropped instead.
  return ['-i', input, '-ss', (startMs / 1000).toFixed(3), '-map', '0:a', '-c', 'copy', '-f', 'webm', output];
}

/** `lengthMs` of `input` from `startMs`, re-encoded so the clip starts cleanly on its first sample. */
export function clipArgs(input: string, startMs: number, lengthMs: number, output: string): string[] {
  return [
    '-ss',
    (startMs / 1000).toFixed(3),
    '-t',
    (lengthMs / 1000).toFixed(3),
    '-i',
    input,
    '-map',
    '0:a',
    '-c:a',
    'libopus',
    '-b:a',
    OPUS_BITRATE,
    '-f',
    'webm',
    output,
  ];
}

/** A live clip: the speaker tracks from `startMs` for `lengthMs`, mixed. */
export function liveClipArgs(tracks: string[], startMs: number, lengthMs: number, output: string): string[] {
  const seek = ['-ss', (startMs / 1000).toFixed(3), '-t', (lengthMs / 1000).toFixed(3)];
  const inputs = tracks.flatMap((t) => [...seek, '-i', t]);
  const samples = Math.round((lengthMs * 48_000) / 1000);
  const fit = `apad=whole_len=${samples},atrim=end_sample=${samples}`;
  const graph =
    tracks.length === 1
      ? `[0:a]${fit}[out]`
      : `${tracks.map((_, i) => `[${i}:a]`).join('')}amix=inputs=${tracks.length}:normalize=0:duration=longest:dropout_transition=0,${fit}[out]`;
  return [...inputs, '-filter_complex', graph, '-map', '[out]', '-ac', '1', '-c:a', 'libopus', '-b:a', OPUS_BITRATE, '-f', 'webm', output];
}
