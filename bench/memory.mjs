// Memory: heap growth in real Chromium after 1,000 cycles of create, start, activity, destroy
// (garbage collected through the DevTools protocol before and after), and, counted in happy-dom,
// the listeners and timers that destroy() leaves behind.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { load, page } from './harness.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function heapGrowth(cycles) {
  const lib = (await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'iife', globalName: 'SW', minify: true, write: false, logLevel: 'silent' })).outputFiles[0].text;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const tab = await browser.newPage();
    await tab.goto('about:blank');
    await tab.addScriptTag({ content: lib });
    const cdp = await tab.context().newCDPSession(tab);
    const used = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const run = (n) =>
      tab.evaluate((count) => {
        for (let i = 0; i < count; i++) {
          const session = new SW.SessionManager({ idleTimeout: 30 * 60_000, warnBefore: 120_000, storageKey: 'memory' });
          session.on('warning', () => {});
          session.start();
          document.dispatchEvent(new PointerEvent('pointermove'));
          session.reportActivity();
          session.destroy();
        }
      }, n);
    await run(50); // warm up
    const before = await used();
    await run(cycles);
    const after = await used();
    return Math.round((after - before) / 1024);
  } finally {
    await browser.close();
  }
}

async function leftBehind() {
  const p = page();
  try {
    const { SessionManager, serverCheck } = await load('src/index.ts', 'sessionwarden-memory');
    let listeners = 0;
    for (const target of [p.window, p.window.document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      target.addEventListener = (...args) => (listeners++, add(...args));
      target.removeEventListener = (...args) => (listeners--, remove(...args));
    }
    for (let i = 0; i < 100; i++) {
      const session = new SessionManager({ crossTab: false, check: serverCheck({ request: async () => true }) });
      session.start();
      p.move(1, 2);
      session.destroy();
    }
    return { listenersLeft: listeners, timersLeft: p.clock.countTimers() };
  } finally {
    p.close();
  }
}

export async function memory(cycles = 1000) {
  return { cycles, heapGrowthKb: await heapGrowth(cycles), ...(await leftBehind()) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await memory());
