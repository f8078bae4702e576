import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm', 'cjs'],
  sourcemap: true,
  target: 'es2022',
  // Rollup's tree shaking after esbuild: it drops what only development checks used (src/errors.ts's `DEV`).
  treeshake: true,
  // Frameworks are the app's; adapters import the core by name so that it is never bundled twice.
  external: ['react', 'react-dom', 'react/jsx-runtime', 'vue', 'svelte', 'svelte/store', 'sessionwarden'],
};

export default defineConfig([
  {
    ...shared,
    // The development build (the `default` of package.json's exports): every check and message.
    entry: {
      index: 'src/index.ts',
      'react/index': 'src/react/index.tsx',
      'vue/index': 'src/vue/index.ts',
      'svelte/index': 'src/svelte/index.ts',
      'element/index': 'src/element/index.ts',
      'testing/index': 'src/testing/index.ts',
    },
    define: { __DEV__: 'true' },
    dts: true,
  },
  {
    ...shared,
    // The production build of the core (the `production` condition): development checks left out,
    // errors by code (docs/errors.md). The adapters import the core by name, so they get this one too.
    entry: { 'index.prod': 'src/index.ts' },
    define: { __DEV__: 'false' },
    // Folds `DEV` into every module (esbuild inlines constants across modules only when it minifies syntax).
    minifySyntax: true,
  },
]);
