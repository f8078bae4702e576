import { defineConfig } from 'vitest/config';

// Browser tests in Chromium, Firefox and WebKit (test/e2e/harness.ts; `ENGINES=firefox` runs one):
// real tabs, BroadcastChannel, Web Locks, close and reload, the back/forward cache. One file at a
// time, the engines one after another: a test file runs its engines' blocks in turn. Every test is
// listed with its engine (and a skip with its reason); the engines' times are summed at the end.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['verbose', './test/e2e/engines/reporter.ts'],
    globalSetup: ['./test/e2e/engines/global-setup.ts'],
  },
});
