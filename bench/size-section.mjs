// The size part of docs/benchmarks.md: what an app carries by usage (production and development
// builds), what each module adds, and where the kernel's bytes go. `npm run bench` writes it with
// everything else; `node bench/size-section.mjs` rewrites this part alone (it needs no browser).
import { build, transform } from 'esbuild';
import zlib from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { ensureBuilt, sizeOf } from '../scripts/size.mjs';
import { sizeBreakdown } from './size-breakdown.mjs';
import { USAGES } from './usages.mjs';
import { FRAMEWORKS } from './libraries.mjs';

const brotli = (code) => zlib.brotliCompressSync(Buffer.from(code), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const minify = async (code) => (await transform(code, { minify: true, format: 'esm', target: 'es2022' })).code;

/**
 * Each source module in an app's production bundle of `code` (the source, `__DEV__` false: the same code
 * as dist/prod): its minified bytes, and what it costs in brotli: the bundle's brotli minus that of the
 * same bundle with the module's code taken out (brotli prices what is new, so a module's cost depends on
 * what else is there, and the costs add up to more than the whole).
 */
async function bytesByModule(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'js' },
    alias: { sessionwarden: './src/index.ts' },
    define: { __DEV__: 'false' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  });
  // esbuild heads each module's code with a `// path` comment.
  const parts = result.outputFiles[0].text.split(/^(?=\/\/ (?:src\/|node_modules\/|<stdin>)[^\n]*$)/m);
  const whole = brotli(await minify(parts.join('')));
  const rows = [];
  for (const [i, part] of parts.entries()) {
    const name = part.match(/^\/\/ (\S+)/)?.[1];
    if (!name) continue;
    const minified = (await minify(part)).length;
    const cost = whole - brotli(await minify([...parts.slice(0, i), ...parts.slice(i + 1)].join('')));
    rows.push([name.replace('node_modules/', '').replace(/\/(dist|build)\/.*/, ''), minified, cost]);
  }
  return rows.filter(([, minified]) => minified > 0).sort((a, b) => b[2] - a[2]);
}

export async function sizeSection() {
  ensureBuilt();
  const breakdown = await sizeBreakdown();
  const adapters = {};
  for (const name of ['react/index.tsx', 'vue/index.ts', 'svelte/index.ts', 'element/index.ts']) {
    adapters[`sessionwarden/${name.split('/')[0]}`] = await sizeOf(`src/${name}`, [...FRAMEWORKS, 'sessionwarden']);
  }
  const kernel = await bytesByModule(`import { SessionCore } from 'sessionwarden'; new SessionCore({}).start();`);
  const quickStart = await bytesByModule(USAGES[1][2]);
  const [first, quick, every] = breakdown.usages;
  const cost = (rows, file) => rows.find(([name]) => name === file)?.[2] ?? 0;
  const lines = [
    "What an app carries, by usage (`bench/usages.mjs`; min+brotli with esbuild, dependencies included, the package resolved as Vite's build resolves it: the production build, and beside it the development build that a dev server, tests and a page without a bundler load; `npm run size` holds each at a budget):",
    '',
    '| usage | production (B) | issue 22 target (B) | development (B) |',
    '|---|---|---|---|',
    ...breakdown.usages.map((row) => `| ${row.name} | ${row.brotli} | ${row.target ?? 'none set'} | ${row.development} |`),
    '',
    'What each module adds in production (`bench/size-breakdown.mjs`: each optional signal as the difference it makes to the last usage; the built-in ones as SessionManager over the kernel), and the two dependencies bundled alone:',
    '',
    '| module | min+brotli it adds (B) |',
    '|---|---|',
    ...breakdown.modules.map((row) => `| ${row.module} | ${row.brotli} |`),
    ...Object.entries(breakdown.dependencies).map(([name, brotli]) => `| ${name}, alone | ${brotli} |`),
    '',
    "Where the bytes go in production, by source module: its minified bytes, and its cost in brotli (the usage's brotli minus that of the same bundle without the module's code; brotli prices what is new, so repeated names cost little and the costs add up to more than the whole), in `SessionCore` alone and in the quick start:",
    '',
    '| module | minified (B) | brotli cost, kernel alone (B) | brotli cost, quick start (B) |',
    '|---|---|---|---|',
    ...quickStart.map(([file, minified, inQuickStart]) => `| ${file} | ${minified} | ${kernel.some(([name]) => name === file) ? cost(kernel, file) : '–'} | ${inQuickStart} |`),
    '',
    `Why the targets of issue 22 are not met: the production build leaves out every development check and message (the development build of the same usages is ${first.development - first.brotli}, ${quick.development - quick.brotli} and ${every.development - every.brotli} B larger), and what remains is behaviour SPEC.md asks for, written once. The kernel alone (${first.brotli} B against 2,500) carries, besides inactivity and its warning, the context that every signal plugs into, because \`SessionCore\` takes \`signals\` and an app's own signal gets the whole documented context: \`src/kernel.ts\` costs ${cost(kernel, 'src/kernel.ts')} B of brotli, of which that plumbing (the context's members, the signals' ends, due times, \`start()\` hooks and \`beforeEnd\` waits, the bus's events, the news to the other tabs, \`'starting'\` while a signal finds out whether the session ended) is about 540 B, measured by cutting it out of a copy: the kernel without any signal support would be about at the target. The rest is the pure machine (${cost(kernel, 'src/core/machine.ts')} B), the option checks that keep bad input from breaking a production session (${cost(kernel, 'src/options.ts')} B), the public class (${cost(kernel, 'src/session-core.ts')} B), DOM activity with its trust check (${cost(kernel, 'src/activity/dom.ts')} B), the wake-up re-check on six page events and the second \`'expired'\` after a back/forward cache restore (${cost(kernel, 'src/lifecycle/page.ts')} B), the one timer with its clamp (${cost(kernel, 'src/timers/deadline.ts')} B) and mitt (${cost(kernel, 'mitt')} B; a five-line emitter instead saves about 20 B). The quick start (${quick.brotli} B against 5,700) adds the token (\`jwtToken\` ${cost(quickStart, 'src/token/jwt-token.ts')} B: the clock offset learned and refined, another user's token, a token from another tab; jwt-decode ${cost(quickStart, 'jwt-decode')} B, about 200 B more than a one-line decoder), the tabs (\`sharedTabs\` ${cost(quickStart, 'src/tabs/shared-tabs.ts')} B with a new sign-in told from the ended session's token; the shared record ${cost(quickStart, 'src/tabs/record.ts')} B with its validation, about 140 B, and its future-time repair; the Web Locks ${cost(quickStart, 'src/tabs/locks.ts')} B; the channel ${cost(quickStart, 'src/tabs/channel.ts')} B) and the server check (${cost(quickStart, 'src/check/server-check.ts') + cost(quickStart, 'src/check/check.ts')} B: one tab for all, proofs from the app's requests, backoff, the redirect and timeout rules): reaching 5,700 B would take ${quick.brotli - 5_700} B of that behaviour out; every signal (${every.brotli} B against 7,500) adds the refresh, close detection, \`requestActivity()\` and \`beforeExpire()\` of the table above.`,
    '',
    '| sessionwarden adapter | min+brotli (B) | gzip (B) |',
    '|---|---|---|',
    ...Object.entries(adapters).map(([name, s]) => `| ${name} | ${s.brotli} | ${s.gzip} |`),
  ];
  return { lines, breakdown, adapters, kernel, quickStart };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { lines } = await sizeSection();
  const doc = readFileSync('docs/benchmarks.md', 'utf8');
  const start = doc.indexOf('What an app carries, by usage');
  const end = doc.indexOf('| server check calls per hour');
  if (start < 0 || end < start) throw new Error('docs/benchmarks.md: the size section was not found');
  // The libraries' table: sessionwarden's size cells (its minimal usage, bench/entries/, in production).
  const own = await sizeOf('bench/entries/sessionwarden.js', FRAMEWORKS);
  const updated = doc.replace(/^\| sessionwarden \| \d+ \| \d+ \|/m, `| sessionwarden | ${own.brotli} | ${own.gzip} |`);
  writeFileSync('docs/benchmarks.md', `${updated.slice(0, start)}${lines.join('\n')}\n\n${updated.slice(end)}`);
  console.log(lines.join('\n'));
}
