import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// The demo runs the library from source: no build of the package is needed first. Its builds (the
// production one, and the test one the browser tests use) get the library's production build, as an
// app's does from the package (`__DEV__`, src/errors.ts); the dev server gets the checked one.
export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // `vite build --mode test`: the app takes its timings from the URL (`?idle=`, `?warn=`, `?grace=`); no other build does.
  define: { __DEV__: JSON.stringify(mode === 'development'), __DEMO_TEST_BUILD__: JSON.stringify(mode === 'test') },
  resolve: {
    alias: [
      { find: /^sessionwarden$/, replacement: src('index.ts') },
      { find: /^sessionwarden\/react$/, replacement: src('react/index.tsx') },
      { find: /^sessionwarden\/element$/, replacement: src('element/index.ts') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
}));
