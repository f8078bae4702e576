// Server calls per hour with 1 tab and with 5 tabs open, in real Chromium against a local server,
// on a scaled clock (one hour = 4.8 s: 15 min = 1.2 s, 5 min = 0.4 s): the old 5-minute polling,
// a 15-minute backup check in every tab, and sessionwarden's check (one leader tab for all).
import { createServer } from 'node:http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOUR = 4_800;
const SCALE = HOUR / 3_600_000;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const DESIGNS = {
  'old design: every tab polls every 5 min': `setInterval(() => fetch('/api/session'), ${5 * 60_000 * SCALE});`,
  'backup check every 15 min in every tab': `setInterval(() => fetch('/api/session'), ${15 * 60_000 * SCALE});`,
  'sessionwarden (check 15 min)': `new SW.SessionManager({ idleTimeout: Infinity, activity: [], storageKey: 'bench' + KEY, check: SW.serverCheck({ url: '/api/session', interval: ${15 * 60_000 * SCALE} }) }).start();`,
};

export async function tabsCalls() {
  const lib = (await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'iife', globalName: 'SW', write: false, logLevel: 'silent' })).outputFiles[0].text;
  let hits = 0;
  let key = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/session') {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ active: true, serverTime: Date.now() }));
    }
    if (url.pathname === '/lib.js') return res.end(lib);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><script src="/lib.js"></script><script>const KEY = ${JSON.stringify(url.searchParams.get('key'))};${DESIGNS[url.searchParams.get('d')]}</script>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-tabs-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const rows = [];
  try {
    for (const design of Object.keys(DESIGNS)) {
      const row = { design };
      for (const tabs of [1, 5]) {
        key++;
        const pages = [];
        for (let i = 0; i < tabs; i++) {
          const page = await context.newPage();
          await page.goto(`${base}/?d=${encodeURIComponent(design)}&key=${key}`);
          pages.push(page);
        }
        // Count one scaled hour, from half an interval after the tabs opened (every design is then mid-interval).
        await new Promise((resolve) => setTimeout(resolve, 7.5 * 60_000 * SCALE));
        hits = 0;
        await new Promise((resolve) => setTimeout(resolve, HOUR));
        row[`tabs${tabs}`] = hits;
        await Promise.all(pages.map((page) => page.close()));
      }
      rows.push(row);
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    server.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| design | calls / h, 1 tab | calls / h, 5 tabs |\n|---|---|---|');
  for (const row of await tabsCalls()) console.log(`| ${row.design} | ${row.tabs1} | ${row.tabs5} |`);
}
