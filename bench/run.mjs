// `npm run bench`: every figure, all libraries measured in the same run. Prints one markdown table
// and writes docs/benchmarks.md (with the machine and an SVG chart) and bench/results.json.
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { LIBRARIES, FRAMEWORKS } from './libraries.mjs';
import { measureTimers, measureWake } from './timers.mjs';
import { serverCallsPerHour } from './server-calls.mjs';
import { tabsCalls } from './tabs-calls.mjs';
import { eventCost } from './event-cost.mjs';
import { sizeSection } from './size-section.mjs';
import { memory } from './memory.mjs';
import { serverEventsSection } from './server-events.mjs';
import { sizeOf } from '../scripts/size.mjs';
import { loadSection } from './load-section.mjs';

const attempt = async (label, fn) => {
  try {
    return await fn();
  } catch (error) {
    console.error(`${label}: ${error.message}`);
    return null;
  }
};

const sizes = {};
for (const lib of LIBRARIES) sizes[lib.name] = await attempt(`size ${lib.name}`, () => sizeOf(lib.entry, FRAMEWORKS));
const timers = {};
for (const lib of LIBRARIES) timers[lib.name] = await attempt(`timers ${lib.name}`, async () => ({ ...(await measureTimers(lib)), ...(await measureWake(lib)) }));
const size = await sizeSection();
const { breakdown, adapters } = size;
const events = await attempt('event cost', eventCost);
const calls = await serverCallsPerHour();
const tabs = await attempt('tabs', tabsCalls);
const mem = await attempt('memory', memory);
const pushed = await attempt('server events', serverEventsSection);

const cost = Object.fromEntries((events?.rows ?? []).map((row) => [row.name, row]));
const bare = cost['bare passive listener storing Date.now()'];
const fmt = (value, unit = '') => (value === null || value === undefined ? 'n/a' : `${value}${unit}`);
const table = [
  '| library | min+brotli (B) | gzip (B) | timer callbacks / h of activity | timer calls / h | timer calls in event handlers | warning after activity stops (min) | idle after activity stops (min) | wake → idle after 2 h sleep (min) | ns per pointer move, Chromium (IQR) |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...LIBRARIES.map((lib) => {
    const s = sizes[lib.name];
    const t = timers[lib.name];
    const c = cost[lib.name];
    return `| ${lib.name} | ${fmt(s?.brotli)} | ${fmt(s?.gzip)} | ${fmt(t?.callbacks)} | ${fmt(t?.calls)} | ${fmt(t?.inHandlers)} | ${fmt(t?.warnAfter)} | ${fmt(t?.idleAfter)} | ${t?.wakeToIdle === null ? '> 120' : fmt(t?.wakeToIdle)} | ${c ? `${c.ns} (${c.q1}–${c.q3})` : 'n/a'} |`;
  }),
  `| bare passive listener storing Date.now() | | | | | | | | | ${bare ? `${bare.ns} (${bare.q1}–${bare.q3})` : 'n/a'} |`,
];
const lines = [
  `Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium (Debian), ${new Date().toISOString().slice(0, 10)}.`,
  '',
  ...table,
  '',
  'Sizes: each library\'s minimal usage (`bench/entries/`) bundled and minified with esbuild, frameworks external.',
  'Timer work: one simulated hour (happy-dom, @sinonjs/fake-timers) of a pointer move every 100 ms (pointermove + mousemove), 30 min idle timeout, 2 min warning where the library has one.',
  'Wake: the system clock jumps 2 h while pending timers keep their remaining delay (as on a sleeping laptop), then the page becomes visible and focused.',
  'Event cost: 200,000 moves dispatched on document.body in real Chromium, alternating library on/off in one page, median of 15 paired differences.',
  '',
  events?.versusBare
    ? `Event cost against the target (≤ 1.1× a bare passive listener that stores \`Date.now()\`; the events are script-made, so sessionwarden runs here with a source that is \`domActivity()\` without its \`isTrusted\` check, see \`bench/entries/sessionwarden-events.js\`), paired in one page: per move over no listener, sessionwarden ${events.versusBare.oursNs} ns, the bare listener ${events.versusBare.bareNs} ns; ratio per round ${events.versusBare.ratio} (median of ${events.versusBare.rounds}; IQR ${events.versusBare.r1}–${events.versusBare.r3}).`
    : 'Event cost against the bare listener: n/a.',
  '',
  ...size.lines,
  '',
  '| server check calls per hour of activity (simulated, one tab) | calls / h |',
  '|---|---|',
  ...calls.map((row) => `| ${row.design} | ${row.perHour} |`),
  '',
  '| server calls per hour, real Chromium tabs (scaled clock: 1 h = 4.8 s) | 1 tab | 5 tabs |',
  '|---|---|---|',
  ...(tabs ?? []).map((row) => `| ${row.design} | ${row.tabs1} | ${row.tabs5} |`),
  '',
  `Memory (sessionwarden, real Chromium): heap growth after ${fmt(mem?.cycles)} cycles of create, start, activity, destroy: ${fmt(mem?.heapGrowthKb, ' kB')}; listeners left after destroy(): ${fmt(mem?.listenersLeft)}; timers left: ${fmt(mem?.timersLeft)}.`,
  ...(pushed ? ['', ...pushed] : []),
];
console.log(lines.join('\n'));

// A bar chart of timer calls per hour of activity (log scale).
const bars = LIBRARIES.map((lib) => ({ name: lib.name, value: timers[lib.name]?.calls ?? 0 }));
const max = Math.log10(Math.max(...bars.map((b) => b.value), 10) * 1.2);
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${60 + bars.length * 34}" font-family="system-ui,sans-serif" font-size="13">`,
  '<text x="10" y="22" font-size="15" font-weight="600">Timer calls per hour of continuous activity (log scale; fewer is better)</text>',
  ...bars.map((b, i) => {
    const y = 44 + i * 34;
    const width = b.value > 0 ? Math.max(2, (Math.log10(b.value + 1) / max) * 440) : 2;
    const color = b.name === 'sessionwarden' ? '#0b57d0' : '#9aa4b1';
    return `<text x="10" y="${y + 16}">${b.name}</text><rect x="230" y="${y + 2}" width="${width.toFixed(1)}" height="20" fill="${color}"/><text x="${(236 + width).toFixed(1)}" y="${y + 17}">${b.value}</text>`;
  }),
  '</svg>',
].join('\n');

mkdirSync('docs', { recursive: true });
writeFileSync('docs/benchmarks-timers.svg', `${svg}\n`);
writeFileSync('bench/results.json', `${JSON.stringify({ sizes, breakdown, adapters, timers, events, calls, tabs, memory: mem }, null, 2)}\n`);
// The demo server's load section is written by npm run bench:load (bench/load.mjs): kept as it was.
const load = loadSection();
writeFileSync('docs/benchmarks.md', `# Benchmarks\n\nGenerated by \`npm run bench\` (all libraries measured in the same run).\n\n![Timer calls per hour](benchmarks-timers.svg)\n\n${lines.join('\n')}\n${load ? `\n${load}\n` : ''}`);
