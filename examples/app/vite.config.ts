import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// The demo runs the library from source: no build of the package is needed first. Its production
// build gets the library's production build, as an app's does from the package (`__DEV__`, src/errors.ts).
export default defineConfig(({ mode }) => ({
  define: { __DEV__: JSON.stringify(mode !== 'production') },
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^sessionwarden$/, replacement: src('index.ts') },
      { find: /^sessionwarden\/react$/, replacement: src('react/index.tsx') },
      { find: /^sessionwarden\/element$/, replacement: src('element/index.ts') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
}));
