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
  },
});
