// The caption worker as tests run it: built fresh from source with esbuild (as `npm run build` bundles
// it for the product), so every test server's captions run the code under test. Written atomically, so
// test files building it at the same moment never fork a half-written script.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const CAPTION_WORKER = join(ROOT, 'out', 'test-child', 'caption-worker.mjs');

/** Builds in this process at most once per variant. */
const built = new Map<string, Promise<string>>();

/**
 * Builds src/server/captions/caption-worker.ts; with `throttle`, the worker of
 * tests/support/throttled-caption-worker.ts, whose engine burns that many times the audio's length in
 * CPU on top of recognising it. Answers the script's path.
 */
export function buildCaptionWorker(options: { throttle?: number } = {}): Promise<string> {
  const key = String(options.throttle ?? 0);
  let script = built.get(key);
  if (!script) {
    script = buildOnce(options.throttle);
    built.set(key, script);
  }
  return script;
}

async function buildOnce(throttle: number | undefined): Promise<string> {
  const outfile = throttle ? join(ROOT, 'out', 'test-child', `caption-worker-throttled-${throttle}.mjs`) : CAPTION_WORKER;
  const result = await build({
    entryPoints: [throttle ? join(ROOT, 'tests', 'support', 'throttled-caption-worker.ts') : join(ROOT, 'src', 'server', 'captions', 'caption-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    write: false,
    outfile,
    define: throttle ? { THROTTLE_FACTOR: String(throttle) } : {},
  });
  const contents = result.outputFiles?.[0]?.contents;
  if (!contents) throw new Error(`esbuild wrote no caption worker for ${outfile}`);
  const current = (() => {
    try {
      return readFileSync(outfile);
    } catch {
      return undefined;
    }
  })();
  if (!current || !Buffer.from(contents).equals(current)) {
    mkdirSync(dirname(outfile), { recursive: true });
    const temp = `${outfile}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    renameSync(temp, outfile);
  }
  return outfile;
}
