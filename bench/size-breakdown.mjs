// What each feature of the core costs in the minimal usage (bench/entries/sessionwarden.js),
// min+brotli: the bundle with the feature's code taken out (its modules replaced by inert stubs
// and its methods in session-manager.ts emptied), subtracted from the whole. A diagnostic for
// size work (the bundles it makes do not run), not a budget: `node bench/size-breakdown.mjs`.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';

const ENTRY = 'bench/entries/sessionwarden.js';
const MANAGER = /src\/session-manager\.ts$/;

/** Inert replacements of whole modules, keyed by what the path ends with. */
const STUBS = {
  'check/check.ts': 'export const runCheck = async () => ({ outcome: "unknown" });',
  'tabs/channel.ts': 'export const openChannel = () => undefined;',
  'tabs/locks.ts': 'export const hold = (n, m, f) => (f(), () => {}); export const exclusive = (n, t) => t(); export const holders = async () => undefined; export const lockNames = () => undefined;',
  'tabs/record.ts': 'export const recordStore = () => ({ read() {}, write() {}, clear() {} }); export const wellFormed = () => true;',
  'lifecycle/page.ts': 'export const watchPage = () => () => {};',
  'jwt-decode/build/esm/index.js': 'export class InvalidTokenError extends Error {} export const jwtDecode = (t) => JSON.parse(atob(t.split(".")[1]));',
  'src/options.ts': `import { domActivity } from "./activity/dom";
    export const defaultRoles = () => [];
    export const resolveOptions = (o = {}) => ({ idleTimeout: 18e5, warnBefore: 12e4, activity: [domActivity()], ignoreActivityDuringWarning: true, sampleInterval: 5e3, clockSkew: "auto", refreshBefore: 18e4, endOnClose: false, closeGrace: 1e4, beforeExpireTimeout: 3e3, channel: "s", storageKey: "s", roles: defaultRoles, permissions: {}, now: Date.now, ...o });`,
};

/** The features: the modules they own and the manager's methods that serve only them. */
const FEATURES = [
  ['option validation (defaults kept)', ['src/options.ts'], []],
  ['server check', ['check/check.ts'], ['#check', '#checkDue']],
  ['token refresh', [], ['#refresh', '#scheduleRefresh', '#refreshAfterIdle']],
  ['close detection and beacon (endOnClose)', [], ['#hide', '#countOpen', '#watchClose', '#answers']],
  ['cross-tab messages and leader (close detection included)', ['tabs/channel.ts', 'tabs/locks.ts'], ['#receive', '#tell', '#hide', '#countOpen', '#watchClose', '#answers']],
  ['shared record (reloads, new tabs)', ['tabs/record.ts'], []],
  ['page lifecycle (wake, pagehide)', ['lifecycle/page.ts'], []],
  ['jwt-decode (a stand-in of one line kept)', ['jwt-decode/build/esm/index.js'], []],
];

/** `source` with the bodies of `methods` emptied (each starts at two spaces of indent and ends at the next `  }`). */
function emptyMethods(source, methods) {
  let out = source;
  for (const name of methods) {
    const head = new RegExp(`\\n  (?:async )?${name.replace('#', '\\#')}\\([^)]*\\)(?:: [^{]+)? \\{\\n`).exec(out);
    if (!head) throw new Error(`size-breakdown: no method ${name} in session-manager.ts`);
    const end = out.indexOf('\n  }\n', head.index + head[0].length - 1);
    out = `${out.slice(0, head.index + head[0].length)}    return undefined as never;${out.slice(end)}`;
  }
  return out;
}

async function brotliOf(modules = [], methods = []) {
  const plugin = {
    name: 'ablate',
    setup(b) {
      b.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
        const path = args.path.replaceAll('\\', '/');
        const stub = modules.find((m) => path.endsWith(m));
        if (stub) return { contents: STUBS[stub], loader: 'ts', resolveDir: path.slice(0, path.lastIndexOf('/')) };
        if (methods.length && MANAGER.test(path)) return { contents: emptyMethods(readFileSync(path, 'utf8'), methods), loader: 'ts', resolveDir: path.slice(0, path.lastIndexOf('/')) };
        return undefined;
      });
    },
  };
  const result = await build({ entryPoints: [ENTRY], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, plugins: [plugin], logLevel: 'silent' });
  return zlib.brotliCompressSync(result.outputFiles[0].contents, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

/** [feature, bytes it adds] for every feature, and the whole. */
export async function sizeBreakdown() {
  const whole = await brotliOf();
  const rows = [];
  for (const [feature, modules, methods] of FEATURES) rows.push({ feature, brotli: whole - (await brotliOf(modules, methods)) });
  // What is left with every one of them taken out at once: the inactivity machine, token expiry and
  // clock offset, roles, events and snapshot, activity from the DOM, beforeExpire, mitt.
  const rest = await brotliOf([...new Set(FEATURES.flatMap((f) => f[1]))], [...new Set(FEATURES.flatMap((f) => f[2]))]);
  return { whole, rows, rest };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { whole, rows, rest } = await sizeBreakdown();
  console.log(`| feature of the core (minimal usage: ${whole} B min+brotli) | B min+brotli it adds |\n|---|---|`);
  for (const row of rows) console.log(`| ${row.feature} | ${row.brotli} |`);
  console.log(`| what is left without all of them | ${rest} (total) |`);
}
