// RNNoise in Node: loads @sapphi-red/web-noise-suppressor's own AudioWorklet processor (the code the studio
// runs) with the few AudioWorklet globals it needs, and drives it in render quanta of 128 samples.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface ProcessorInstance {
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
  processor?: unknown;
  destroy(): void;
}
type ProcessorClass = new (options: { processorOptions: { wasmBinary: ArrayBuffer; maxChannels: number } }) => ProcessorInstance;

let registered: ProcessorClass | undefined;

async function loadProcessorClass(): Promise<ProcessorClass> {
  if (registered) return registered;
  const g = globalThis as Record<string, unknown>;
  g.AudioWorkletProcessor ??= class {
    readonly port = { addEventListener() {}, postMessage() {}, start() {} };
  };
  g.registerProcessor = (_name: string, ctor: ProcessorClass) => {
    registered = ctor;
  };
  // The Emscripten loader checks for a CommonJS __dirname when it finds itself in Node.
  g.__dirname ??= '/';
  const before = { u: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
  await import('@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js');
  // Emscripten also installs process-wide handlers that rethrow; the test runner owns those.
  for (const l of process.listeners('uncaughtException')) if (!before.u.includes(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!before.r.includes(l)) process.off('unhandledRejection', l);
  if (!registered) throw new Error('the RNNoise worklet did not register a processor');
  return registered;
}

export interface NodeRnnoise {
  /** Processes one render quantum of 128 samples (output is delayed by the suppressor's buffering). */
  process(input: Float32Array, output: Float32Array): void;
  destroy(): void;
}

export async function createRnnoise(): Promise<NodeRnnoise> {
  const Processor = await loadProcessorClass();
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm'));
  const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  const instance = new Processor({ processorOptions: { wasmBinary, maxChannels: 1 } });
  for (let i = 0; i < 200 && !instance.processor; i++) await new Promise((r) => setTimeout(r, 10));
  if (!instance.processor) throw new Error('RNNoise did not load');
  return {
    process(input, output) {
      instance.process([[input]], [[output]]);
    },
    destroy: () => instance.destroy(),
  };
}

/** Runs a whole signal through RNNoise in blocks of 128. */
export function runRnnoise(rnnoise: NodeRnnoise, input: Float32Array): Float32Array {
  const out = new Float32Array(input.length);
  const block = 128;
  for (let i = 0; i + block <= input.length; i += block) rnnoise.process(input.subarray(i, i + block), out.subarray(i, i + block));
  return out;
}
