// What each usage and each module costs, min+brotli with esbuild (dependencies included): the
// usages of bench/usages.mjs, and each optional signal as the difference it makes to the last one.
// A diagnostic for size work; `npm run size` holds the budgets. `node bench/size-breakdown.mjs`.
import { usageSize } from '../scripts/size.mjs';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';

/** The kernel usage with src/options.ts's validation replaced by the bare defaults: what validation costs. */
async function withoutValidation(code) {
  const source = readFileSync('src/options.ts', 'utf8');
  const bare = source.replace(/export function resolveOptions[\s\S]*$/, `export function resolveOptions(o: CoreOptions): Resolved {
  return { idleTimeout: o.idleTimeout ?? 18e5, warnBefore: o.warnBefore ?? 12e4, activity: o.activity ?? [domActivity()], ignoreActivityDuringWarning: o.ignoreActivityDuringWarning ?? true, sampleInterval: o.sampleInterval ?? 5e3, signals: o.signals ?? [], storageKey: o.storageKey ?? 'sessionwarden', permissions: o.permissions ?? {}, now: o.now ?? Date.now };
}`);
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' }, alias: { sessionwarden: './src/index.ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
    plugins: [{ name: 'bare-options', setup: (b) => b.onLoad({ filter: /src\/options\.ts$/ }, () => ({ contents: bare, loader: 'ts', resolveDir: 'src' })) }],
  });
  return zlib.brotliCompressSync(result.outputFiles[0].contents, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}
import { SIGNALS, USAGES } from './usages.mjs';

export async function sizeBreakdown() {
  const usages = [];
  for (const [name, { target }, code] of USAGES) usages.push({ name, target, brotli: (await usageSize(code)).brotli });
  const [, , every] = USAGES.at(-1);
  const whole = usages.at(-1).brotli;
  // (the last usage: every signal, serverEvents() included)
  const modules = [];
  for (const [name, call] of SIGNALS) {
    // The same app without this signal: its call replaced by nothing (or, for an activity source, dropped).
    const without = every.replace(call, 'undefined').replace('requestActivity()]', ']').replace(', undefined]', ']').replace('[undefined]', '[]');
    modules.push({ module: name, brotli: whole - (await usageSize(without)).brotli });
  }
  // The kernel alone, and what SessionManager adds (the token and the tabs) to it.
  const core = usages[0].brotli;
  const manager = (await usageSize(`import { SessionManager } from 'sessionwarden'; new SessionManager({}).start();`)).brotli;
  const kernel = (await usageSize(`import { SessionCore } from 'sessionwarden'; new SessionCore({}).start();`)).brotli;
  modules.unshift({ module: 'SessionManager over SessionCore (jwtToken, sharedTabs, the option slots)', brotli: manager - kernel });
  modules.unshift({ module: "in the kernel: validating its options (and the unknown option's nearest name)", brotli: core - (await withoutValidation(USAGES[0][2])) });
  return { usages, modules, core };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { usages, modules } = await sizeBreakdown();
  for (const u of usages) console.log(`${String(u.brotli).padStart(5)} B  ${u.name} (target ${u.target ?? "none set"})`);
  for (const m of modules) console.log(`${String(m.brotli).padStart(5)} B  ${m.module}`);
}
