// The size budget CI enforces: each entry bundled with esbuild (minified, its dependencies
// included; frameworks, and for adapters the core, external), measured with brotli. An app's usage
// is bundled from the built package (dist/, built first if src/ is newer), resolved as Vite's build
// resolves it: its production build with the `production` condition, its development server with
// `development` (`process.env.NODE_ENV` defined to match, as Vite does).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { USAGES } from '../bench/usages.mjs';

const FRAMEWORKS = ['react', 'react-dom', 'react/jsx-runtime', 'vue', 'svelte', 'svelte/store'];
/** [entry, brotli budget in bytes, what is external]. */
const BUDGETS = [
  ['src/react/index.tsx', 1024, [...FRAMEWORKS, 'sessionwarden']],
  ['src/vue/index.ts', 1024, [...FRAMEWORKS, 'sessionwarden']],
  ['src/svelte/index.ts', 1024, [...FRAMEWORKS, 'sessionwarden']],
  // Angular's partial-compilation output (npm run build), linked as an app's production build links it.
  ['dist/angular/index.js', 1024, [...FRAMEWORKS, '@angular/core', 'sessionwarden'], { angular: true }],
  // A UI component with its own template and CSS, not only a binding: a ratchet until it is slimmed to 1024.
  ['src/element/index.ts', 1400, [...FRAMEWORKS, 'sessionwarden']],
  // Test helpers (a real manager with test hooks, and a stand-in): never in an app's production bundle.
  ['src/testing/index.ts', 1800, [...FRAMEWORKS, 'sessionwarden']],
];

/**
 * An esbuild plugin that links Angular's partial declarations (ɵɵngDeclare…) as the app's compiler
 * does: what an app pays for is the linked code, in production (`ngDevMode` false), not the package.
 */
async function angularLinker() {
  const [{ transformAsync }, { createEs2015LinkerPlugin }, { NodeJSFileSystem, ConsoleLogger, LogLevel }] = await Promise.all([
    import('@babel/core'),
    import('@angular/compiler-cli/linker/babel'),
    import('@angular/compiler-cli'),
  ]);
  const linker = createEs2015LinkerPlugin({ fileSystem: new NodeJSFileSystem(), logger: new ConsoleLogger(LogLevel.warn), linkerJitMode: false });
  return {
    name: 'angular-linker',
    setup(build) {
      build.onLoad({ filter: /\.m?js$/ }, async ({ path }) => {
        const { code } = await transformAsync(await readFile(path, 'utf8'), { filename: path, plugins: [linker], configFile: false, babelrc: false });
        return { contents: code, loader: 'js' };
      });
    },
  };
}

/** Minified, gzip (level 9) and brotli (quality 11) bytes of `entry` bundled with esbuild for production (`angular`: linked first). */
export async function sizeOf(entry, external, { angular = false } = {}) {
  const linking = angular ? { plugins: [await angularLinker()], define: { ngDevMode: 'false' } } : {};
  // A production build, as an app ships it: the source's development checks out (`__DEV__`), and every
  // library's own `process.env.NODE_ENV` branches resolved for production.
  const production = { __DEV__: 'false', 'process.env.NODE_ENV': '"production"' };
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external, logLevel: 'silent', ...linking, define: { ...production, ...linking.define } });
  return measure(result.outputFiles[0].contents);
}

/** Builds the package's core (tsup) when dist/ is missing or older than src/. */
export function ensureBuilt() {
  const built = existsSync('dist/prod/index.js') && existsSync('dist/index.js') ? statSync('dist/prod/index.js').mtimeMs : 0;
  const newest = Math.max(...readdirSync('src', { recursive: true }).map((file) => statSync(`src/${file}`).mtimeMs));
  if (newest > built) execFileSync(process.execPath, ['node_modules/tsup/dist/cli-default.js', '--silent'], { stdio: 'inherit' });
}

/**
 * The same for an app's code: `import … from 'sessionwarden'` resolved through package.json's
 * exports with the conditions of Vite's build in `mode` (`'production'` or `'development'`, and
 * `process.env.NODE_ENV` defined to it), everything bundled.
 */
export async function usageSize(code, mode = 'production') {
  ensureBuilt();
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' },
    conditions: [mode, 'module', 'browser'],
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    // The package by its name (its exports), not tsconfig's paths to the source.
    tsconfigRaw: '{}',
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  });
  return measure(result.outputFiles[0].contents);
}

function measure(code) {
  return {
    raw: code.length,
    gzip: zlib.gzipSync(code, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function main() {
  let failed = false;
  for (const [name, { target, budget, devBudget }, code] of USAGES) {
    for (const [mode, limit] of [['production', budget], ['development', devBudget]]) {
      const size = await usageSize(code, mode);
      const ok = size.brotli <= limit;
      failed ||= !ok;
      const goal = mode === 'production' ? `target ${target ?? 'none set'}` : 'no larger than before the production build';
      console.log(`${ok ? 'ok  ' : 'OVER'} usage, ${mode.padEnd(11)}: ${name.padEnd(64)} ${String(size.brotli).padStart(5)} B brotli (budget ${limit}, ${goal}), ${size.raw} B min`);
    }
  }
  for (const [entry, budget, external, how] of BUDGETS) {
    if (!existsSync(entry)) {
      // A source entry not written yet is skipped; a built one must be there.
      if (entry.startsWith('dist/')) {
        console.error(`MISS ${entry}: run npm run build first`);
        failed = true;
      }
      continue;
    }
    const size = await sizeOf(entry, external, how);
    const ok = size.brotli <= budget;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'OVER'} ${entry.padEnd(22)} ${String(size.brotli).padStart(5)} B brotli (budget ${budget}), ${size.gzip} B gzip, ${size.raw} B min`);
  }
  if (failed) {
    console.error('Size budget exceeded.');
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
