import { defineConfig } from 'vitest/config';

// Real-Chromium tests (Debian's chromium through playwright-core): real tabs, BroadcastChannel,
// Web Locks, close and reload, the back/forward cache. One file at a time: they share one browser.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
