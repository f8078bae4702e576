import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'react/index': 'src/react/index.tsx',
    'vue/index': 'src/vue/index.ts',
    'svelte/index': 'src/svelte/index.ts',
    'element/index': 'src/element/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
  // Frameworks are the app's; adapters import the core by name so that it is never bundled twice.
  external: ['react', 'react-dom', 'react/jsx-runtime', 'vue', 'svelte', 'svelte/store', 'sessionwarden'],
});
