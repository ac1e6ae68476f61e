import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Forks, not threads: mediasoup workers and Chromium are child processes, and wrtc crashes in threads.
    pool: 'forks',
    // Two cores: unit tests fan out, but the media-heavy files would starve each other's audio clocks.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
