// Cost per pointer move in real Chromium (Debian's, through playwright-core): 200,000 moves
// (pointermove + mousemove, as a real mouse sends them) dispatched on document.body, timed inside
// the page, minus the same loop on a page with no library; ns per move, median of 5 runs.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBRARIES } from './libraries.mjs';

const MOVES = 200_000; // per library and per side (with, without), in ROUNDS alternating loops
const ROUNDS = 15;
const PAIRED_ROUNDS = 60;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const bundle = async (entry) =>
  (await build({ entryPoints: [entry], bundle: true, format: 'iife', globalName: 'Lib', minify: true, write: false, logLevel: 'silent', define: { 'process.env.NODE_ENV': '"production"' } })).outputFiles[0].text;

/**
 * In-page helpers, installed in every page before the library: `bench.loop(n)` dispatches n moves
 * (pointermove + mousemove, from a pool of 1,000 made beforehand with varied coordinates, so that
 * allocation and GC do not drown a difference of a few hundred ns) and returns ns per move;
 * `bench.quartiles(values)` gives [q1, median, q3].
 */
const HELPERS = `window.bench = (() => {
  const pool = (type, Event) => Array.from({ length: 1000 }, (_, i) => new Event(type, { bubbles: true, clientX: i % 640, clientY: (i * 7) % 480 }));
  const pointer = pool('pointermove', PointerEvent);
  const mouse = pool('mousemove', MouseEvent);
  return {
    loop(n) {
      const body = document.body;
      const begin = performance.now();
      for (let i = 0; i < n; i++) {
        body.dispatchEvent(pointer[i % 1000]);
        body.dispatchEvent(mouse[i % 1000]);
      }
      return ((performance.now() - begin) / n) * 1e6;
    },
    quartiles(values) {
      const sorted = [...values].sort((x, y) => x - y);
      const at = (q) => sorted[Math.round(q * (sorted.length - 1))];
      return [at(0.25), at(0.5), at(0.75)];
    },
  };
})();`;

/**
 * In one page, alternately with the library started and stopped (ROUNDS times each), times the
 * moves each way; returns the median of the paired differences, with its interquartile range.
 * Events come from a pool of 1,000 made beforehand (varied coordinates), so that allocation and
 * GC do not drown a difference of a few hundred ns; alternating in one page cancels JIT state and
 * machine drift.
 */
const cost = (page) =>
  page.evaluate(({ moves, rounds }) => {
    const { loop, quartiles } = window.bench;
    const perLoop = Math.ceil(moves / rounds);
    const start = () => window.Lib.start({ timeout: 30 * 60_000, warn: 2 * 60_000, onIdle() {}, onWarn() {} });
    const warm = start();
    loop(perLoop);
    warm();
    loop(perLoop);
    const extra = [];
    const bare = [];
    for (let round = 0; round < rounds; round++) {
      const stop = start();
      const withLib = loop(perLoop);
      stop();
      const without = loop(perLoop);
      extra.push(withLib - without);
      bare.push(without);
    }
    const [q1, ns, q3] = quartiles(extra).map(Math.round);
    return { ns, q1, q3, baselineNs: Math.round(quartiles(bare)[1]) };
  }, { moves: MOVES, rounds: ROUNDS });

// The reference the target is set against: a bare passive listener that stores Date.now().
const BARE = `window.Lib = { start() {
  let last = 0;
  const listener = () => { last = Date.now(); };
  document.addEventListener('pointermove', listener, { capture: true, passive: true });
  return () => document.removeEventListener('pointermove', listener, { capture: true });
} };`;

/**
 * The target's own comparison, paired in one page: the bare listener and sessionwarden loaded side by
 * side, each round timing the same moves with neither, with the bare listener, and with ours (in a
 * rotating order, so neither always runs first). Per round: extra ns of each over neither. Returns
 * the medians and the ratio of ours to the bare listener, per round (median and IQR).
 */
const paired = (page) =>
  page.evaluate(({ perLoop, rounds }) => {
    const { loop, quartiles } = window.bench;
    const starters = {
      none: () => () => {},
      bare: () => window.Bare.start(),
      ours: () => window.Lib.start({ timeout: 30 * 60_000, warn: 2 * 60_000, onIdle() {}, onWarn() {} }),
    };
    const time = (name) => {
      const stop = starters[name]();
      try {
        return loop(perLoop);
      } finally {
        stop();
      }
    };
    for (const name of Object.keys(starters)) time(name); // warm up every path
    const order = ['none', 'bare', 'ours'];
    const bare = [];
    const ours = [];
    const ratios = [];
    for (let round = 0; round < rounds; round++) {
      const t = {};
      for (let i = 0; i < 3; i++) t[order[(round + i) % 3]] = time(order[(round + i) % 3]);
      bare.push(t.bare - t.none);
      ours.push(t.ours - t.none);
      ratios.push((t.ours - t.none) / (t.bare - t.none));
    }
    const [r1, ratio, r3] = quartiles(ratios).map((r) => Math.round(r * 100) / 100);
    return { bareNs: Math.round(quartiles(bare)[1]), oursNs: Math.round(quartiles(ours)[1]), ratio, r1, r3, rounds };
  }, { perLoop: 10_000, rounds: PAIRED_ROUNDS });

export async function eventCost() {
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const fresh = async (script) => {
    const page = await context.newPage();
    await page.setContent('<!doctype html><body><div id="root"></div></body>');
    await page.addScriptTag({ content: HELPERS });
    if (script) await page.addScriptTag({ content: script });
    return page;
  };
  const measure = async (script) => {
    const page = await fresh(script);
    try {
      return await cost(page);
    } finally {
      await page.close();
    }
  };
  try {
    const rows = [{ name: 'bare passive listener storing Date.now()', ...(await measure(BARE)) }];
    const ours = LIBRARIES.find((lib) => lib.name === 'sessionwarden');
    const page = await fresh(`${BARE.replace('window.Lib', 'window.Bare')}\n${await bundle(ours.eventsEntry ?? ours.entry)}`);
    let versusBare;
    try {
      versusBare = await paired(page);
    } finally {
      await page.close();
    }
    for (const lib of LIBRARIES) {
      try {
        rows.push({ name: lib.name, ...(await measure(await bundle(lib.eventsEntry ?? lib.entry))) });
      } catch (error) {
        rows.push({ name: lib.name, ns: null, error: error.message });
      }
    }
    return { rows, versusBare };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, versusBare: v } = await eventCost();
  console.log(`sessionwarden vs a bare passive listener, paired in one page (${v.rounds} rounds): ${v.oursNs} ns vs ${v.bareNs} ns per move over no listener; ratio ${v.ratio} (IQR ${v.r1}–${v.r3}); target ≤ 1.1 (issue 15)\n`);
  console.log('| library | ns per move (median; IQR) | no-library dispatch (ns) |\n|---|---|---|');
  for (const row of rows) console.log(`| ${row.name} | ${row.ns === null ? `n/a: ${row.error}` : `${row.ns} (${row.q1}–${row.q3})`} | ${row.baselineNs ?? ''} |`);
}
