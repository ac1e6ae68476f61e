// RNNoise in Node: the console's own NoiseSuppressor (the code its chain worker runs) over the .wasm
// @sapphi-red/web-noise-suppressor ships, driven in the 10 ms blocks a capture delivers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { NoiseSuppressor, Rnnoise, RNNOISE_FRAME } from '../../src/renderer/audio/dsp/NoiseSuppressor';

let loaded: Promise<Rnnoise> | undefined;

/** The RNNoise module, loaded once per test file (the SIMD build, as Chromium picks it). */
export function loadRnnoise(): Promise<Rnnoise> {
  const require = createRequire(import.meta.url);
  loaded ??= Rnnoise.load(readFileSync(require.resolve('@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm')));
  return loaded;
}

export async function createRnnoise(): Promise<NoiseSuppressor> {
  return new NoiseSuppressor(await loadRnnoise());
}

/** Runs a whole signal through the suppressor in blocks (10 ms at 48 kHz unless told). */
export function runRnnoise(suppressor: NoiseSuppressor, input: Float32Array, block = RNNOISE_FRAME): Float32Array {
  const out = input.slice();
  for (let i = 0; i + block <= out.length; i += block) suppressor.process(out.subarray(i, i + block));
  return out;
}
