import { readdirSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

// Frameworks are the app's; adapters import the core by name so that it is never bundled twice.
const external = ['react', 'react-dom', 'react/jsx-runtime', 'vue', 'svelte', 'svelte/store', 'sessionwarden'];
const ADAPTERS = { 'react/index': 'src/react/index.tsx', 'vue/index': 'src/vue/index.ts', 'svelte/index': 'src/svelte/index.ts', 'element/index': 'src/element/index.ts', 'testing/index': 'src/testing/index.ts' };
/**
 * Every module of the core as an entry: the ESM output keeps one file per module (shared code in
 * chunks), so an app's bundler drops whole modules it does not use, with their imports (`sideEffects:
 * false`), as it does from source: the kernel alone never carries jwt-decode.
 */
const CORE = Object.fromEntries(
  (readdirSync('src', { recursive: true }) as string[])
    .filter((file) => /\.ts$/.test(file) && !/^(react|vue|svelte|angular|element|testing)\//.test(file))
    .map((file) => [file.slice(0, -3), `src/${file}`]),
);

const shared: Options = { sourcemap: true, target: 'es2022', external };
// Each build defines `__DEV__` (src/errors.ts): development keeps every check and message; production
// leaves out what only catches a developer's mistake and throws coded errors (docs/errors.md).
const dev = { __DEV__: 'true' };
const prod = { __DEV__: 'false' };

export default defineConfig([
  // The development build, the `default` of package.json's exports: ESM one file per module, and the adapters.
  { ...shared, format: ['esm'], entry: { ...CORE, ...ADAPTERS }, define: dev, splitting: true, dts: { entry: { index: 'src/index.ts', ...ADAPTERS } } },
  // CommonJS (require(): Jest, Node): one file per entry.
  { ...shared, format: ['cjs'], entry: { index: 'src/index.ts', ...ADAPTERS }, define: dev, treeshake: true, dts: true },
  // The production build (the `production` condition): the core only; the adapters import it by name.
  // Syntax minified, so that what `if (__DEV__)` guarded is gone from the files themselves, with what only it used.
  { ...shared, format: ['esm'], entry: CORE, outDir: 'dist/prod', define: prod, splitting: true, minifySyntax: true },
  { ...shared, format: ['cjs'], entry: { index: 'src/index.ts' }, outDir: 'dist/prod', define: prod, treeshake: true, minifySyntax: true },
]);
