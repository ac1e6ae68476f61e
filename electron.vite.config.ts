import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * Copies the voice detector's runtime files (vad-web's worklet and Silero model, onnxruntime-web's wasm)
 * from node_modules into the build under fixed names, so the studio loads them from itself, never a CDN.
 */
function voiceDetectorAssets(): Plugin {
  const require = createRequire(import.meta.url);
  const vad = dirname(require.resolve('@ricky0123/vad-web/package.json'));
  // onnxruntime-web exports no package.json; its main entry sits in dist/ beside the wasm.
  const ort = dirname(require.resolve('onnxruntime-web'));
  const files = [
    join(vad, 'dist', 'vad.worklet.bundle.min.js'),
    join(vad, 'dist', 'silero_vad_v5.onnx'),
    join(ort, 'ort-wasm-simd-threaded.wasm'),
    join(ort, 'ort-wasm-simd-threaded.mjs'),
  ];
  return {
    name: 'hostline-voice-detector-assets',
    apply: 'build',
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `vendor/vad/${file.split('/').pop()}`, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          // Electron's main process.
          index: resolve('src/main/index.ts'),
          // The studio without Electron: embedded SFU plus the browser bridge (see README).
          headless: resolve('src/main/headless.ts'),
          // The SFU service on its own.
          sfu: resolve('src/server/cli.ts'),
          // The process that recognises speech for live captions (forked by the SFU).
          'caption-worker': resolve('src/server/captions/caption-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react(), voiceDetectorAssets()],
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/renderer/index.html'),
          listen: resolve('src/renderer/listen.html'),
          // A replay and a clip, on their own links.
          replay: resolve('src/renderer/replay.html'),
          // Sign in, sign up, reset, your account, and public profiles at /@handle.
          account: resolve('src/renderer/account.html'),
          // The Space page at /s/<id> (before, during and after) and the directory at /.
          space: resolve('src/renderer/space.html'),
          directory: resolve('src/renderer/directory.html'),
        },
      },
    },
  },
});
