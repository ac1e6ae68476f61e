// The benchmarks run through vitest's Node runner (TypeScript, the same imports as the tests) but apart
// from `npm test`: `npx vitest run --config bench/vitest.bench.config.ts [bench/<name>.bench.ts]`.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '..'),
    include: ['bench/**/*.bench.ts'],
    // Forks: mediasoup workers and Chromium are child processes. One file at a time: they share 2 cores.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 9 * 60_000,
    hookTimeout: 2 * 60_000,
    // Figures go straight to stdout as they are measured.
    disableConsoleIntercept: true,
    reporters: ['default'],
  },
});
