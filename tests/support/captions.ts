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

export const CAPTION_WORKER = join(import.meta.dirname, '..', '..', 'out', 'test-child', 'caption-worker.mjs');

/** Builds src/server/captions/caption-worker.ts (as `npm run build` does for the product). */
export async function buildCaptionWorker(): Promise<string> {
  await build({
    entryPoints: [join(import.meta.dirname, '..', '..', 'src', 'server', 'captions', 'caption-worker.ts')],
    outfile: CAPTION_WORKER,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return CAPTION_WORKER;
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
