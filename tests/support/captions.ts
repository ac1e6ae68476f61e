// Caption test helpers: the caption worker built fresh from source (the SFU forks it), a server that
// uses it, and a stage speaker without a browser (a plain RTP producer on a real Space, fed with
// libopus-encoded speech).
import { build } from 'esbuild';
import { join } from 'node:path';
import type { Member } from '../../src/server/Member';
import type { Space } from '../../src/server/Space';
import { pocketsphinxMissing } from '../../src/server/captions/engines/PocketsphinxEngine';
import { encodeOpus, plainMicrophone, sendPaced } from './opusRtp';
import { speechToolsMissing, type Talk } from './talk';

const ROOT = join(import.meta.dirname, '..', '..');
export const CAPTION_WORKER = join(ROOT, 'out', 'test-child', 'caption-worker.mjs');

/**
 * Builds src/server/captions/caption-worker.ts (as `npm run build` does for the product); with
 * `throttle`, the worker of tests/support/throttled-caption-worker.ts, whose engine burns that many
 * times the audio's length in CPU on top of recognising it.
 */
export async function buildCaptionWorker(options: { throttle?: number } = {}): Promise<string> {
  const outfile = options.throttle ? join(ROOT, 'out', 'test-child', `caption-worker-throttled-${options.throttle}.mjs`) : CAPTION_WORKER;
  await build({
    entryPoints: [options.throttle ? join(ROOT, 'tests', 'support', 'throttled-caption-worker.ts') : join(ROOT, 'src', 'server', 'captions', 'caption-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    define: options.throttle ? { THROTTLE_FACTOR: String(options.throttle) } : {},
  });
  return outfile;
}

/** Fails (never skips) with the command to run when the caption engine or the speech tools are missing. */
export function requireCaptionTools(): void {
  const missing = pocketsphinxMissing() ?? speechToolsMissing();
  if (missing) throw new Error(missing);
}

/** Puts a PlainTransport producer on the Stage as `member`'s microphone and returns how to speak into it. */
export async function stageSpeaker(space: Space, member: Member, ssrc: number) {
  const mic = await plainMicrophone(space.router, ssrc);
  await space.addProducer(member, mic.producer);
  return {
    producer: mic.producer,
    /** Speaks the talk in real time; `onSent` sees each 20 ms packet leave. */
    speak: (spoken: Talk, onSent?: (index: number, at: number) => void) => sendPaced(mic.port, ssrc, encodeOpus(spoken.samples), onSent),
    close: () => mic.transport.close(),
  };
}
