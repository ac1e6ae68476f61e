// Where the SFU finds its caption worker: beside the bundle it runs from (out/main), and when it runs
// from source (tests, tsx) the build's copy, never a caption-worker.js beside the sources that no build makes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWorkerScript } from '../../src/server/captions/CaptionService';

describe('defaultWorkerScript()', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('running from source, answers the built worker in out/main', () => {
    const here = join(import.meta.dirname, '..', '..', 'src', 'server', 'captions');
    expect(defaultWorkerScript(here)).toBe(join(import.meta.dirname, '..', '..', 'out', 'main', 'caption-worker.js'));
  });

  it('running from a bundle, answers the worker beside it', () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-worker-script-'));
    const bundle = join(dir, 'out', 'main');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'caption-worker.js'), '');
    expect(defaultWorkerScript(bundle)).toBe(join(bundle, 'caption-worker.js'));
  });
});
