// The size budget CI enforces: each entry bundled with esbuild (minified, its dependencies
// included; frameworks, and for adapters the core, external), measured with brotli.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
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

/** Minified, gzip (level 9) and brotli (quality 11) bytes of `entry` bundled with esbuild (`angular`: linked first). */
export async function sizeOf(entry, external, { angular = false } = {}) {
  const linking = angular ? { plugins: [await angularLinker()], define: { ngDevMode: 'false' } } : {};
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, external, logLevel: 'silent', ...linking });
  return measure(result.outputFiles[0].contents);
}

/** The same for an app's code (`import … from 'sessionwarden'` resolved to the source), everything bundled. */
export async function usageSize(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' },
    alias: { sessionwarden: './src/index.ts' },
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
  for (const [name, { target, budget }, code] of USAGES) {
    const size = await usageSize(code);
    const ok = size.brotli <= budget;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'OVER'} usage: ${name.padEnd(64)} ${String(size.brotli).padStart(5)} B brotli (budget ${budget}, target ${target ?? "none set"}), ${size.raw} B min`);
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
