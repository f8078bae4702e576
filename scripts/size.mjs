// The size budget CI enforces: each entry bundled with esbuild (minified, its dependencies
// included; frameworks, and for adapters the core, external), measured with brotli.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';

const FRAMEWORKS = ['react', 'react-dom', 'react/jsx-runtime', 'vue', 'svelte', 'svelte/store'];
// Issue 7's target for the core is 3072 B; until the core is slimmed to it, this is a ratchet
// at today's size so that it can only shrink.
// Re-set from 6,400 when on()/off() gained their bad-input checks (+38 B), then to 6,600 for the
// real-browser fixes (locks let go in the back/forward cache, record repair, resume wake: +153 B),
// then to 6,650 for two cross-tab fixes (the trailing activity share, and open tabs answering a close
// beacon with a check: +110 B), net of dropping the storage-event channel fallback (-47 B), and to
// 6,720 for the refresh mark (+82 B: a race between the lock and the channel let two tabs refresh),
// then to 7,950 for the working day's rules (+1,236 B: abandoned refreshes and refresh(), one user per
// session, the API scope of requests, no time from the future, roles ending, unknown option names,
// bfcache-safe channel and the second 'expired'); issue 15's kernel is where this comes down.
// `node bench/size-breakdown.mjs` shows where the bytes go; the 3 kB target is out of reach of
// SPEC.md's feature set (see docs/benchmarks.md).
const CORE_BUDGET = 7950;
/** [entry, brotli budget in bytes, what is external]. */
const BUDGETS = [
  ['src/index.ts', CORE_BUDGET, FRAMEWORKS],
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

/** Minified, gzip (level 9) and brotli (quality 11) bytes of `entry` bundled with esbuild (`angular`: linked first). */
export async function sizeOf(entry, external, { angular = false } = {}) {
  const linking = angular ? { plugins: [await angularLinker()], define: { ngDevMode: 'false' } } : {};
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external, logLevel: 'silent', ...linking });
  const code = result.outputFiles[0].contents;
  return {
    raw: code.length,
    gzip: zlib.gzipSync(code, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function main() {
  let failed = false;
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
