import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The adapters import the core and the element by the package's name (external in the build, so an
  // app carries one copy): resolve every entry to source here, so the tests need no build (no dist/).
  resolve: {
    alias: [
      { find: /^sessionwarden$/, replacement: src('index.ts') },
      { find: /^sessionwarden\/react$/, replacement: src('react/index.tsx') },
      { find: /^sessionwarden\/(vue|svelte|element|angular|testing)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    restoreMocks: true,
    // The suite runs on both builds that tsup makes of the same source (`__DEV__`, see src/errors.ts):
    // development, with every check and message; production, where bad input gets a coded error or
    // is harmless. The demo server's own tests (test/examples) do not load the library: once is enough.
    projects: [
      { extends: true, define: { __DEV__: 'true' }, test: { name: 'development' } },
      {
        extends: true,
        define: { __DEV__: 'false' },
        test: { name: 'production', exclude: ['test/e2e/**', 'test/examples/**', 'test/package/**', 'node_modules/**'] },
      },
    ],
  },
});
