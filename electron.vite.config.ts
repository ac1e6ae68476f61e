import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

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
    plugins: [react()],
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/renderer/index.html'),
          listen: resolve('src/renderer/listen.html'),
        },
      },
    },
  },
});
