// Sign-out pushed by the server (serverEvents() and the demo server's GET /api/events), measured:
// 1. revocation to sign-out in real Chromium, 3 tabs, 20 trials: from the admin's revoke request to
//    the last of the 3 tabs' 'expired' (wall clock, the same machine), p50 / p95;
// 2. requests per hour with 5 tabs open while the stream is up, on Playwright's clock (one hour of
//    page time, a heartbeat every 25 s of it), against the serverCheck()-only figure;
// 3. the server's memory and file descriptors with 1,000 open streams, and after (server-streams.mjs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { serverStreams, streamsTable } from './server-streams.mjs';

const TRIALS = 20;
const TABS = 3;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A TypeScript module of this repository, bundled (its packages left to node_modules) and imported. */
async function load(entry) {
  mkdirSync('bench/.tmp', { recursive: true });
  const file = `bench/.tmp/${entry.replace(/\W+/g, '_')}-${process.pid}.mjs`;
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: file, logLevel: 'warning' });
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

async function browser() {
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-events-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  return { context, close: async () => (await context.close(), rmSync(dir, { recursive: true, force: true })) };
}

const until = async (condition, what) => {
  for (let i = 0; !(await condition()); i++) {
    if (i > 1_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

// The latency page, served by the demo server as its app (external scripts only: the demo's CSP).
const PAGE = `import { SessionManager, serverCheck, serverEvents } from '/lib.js';
const query = new URLSearchParams(location.search);
const answer = await (query.has('login')
  ? fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'editor', password: 'demo' }) })
  : fetch('/api/refresh', { method: 'POST' }));
const { token } = await answer.json();
const session = new SessionManager({ token, storageKey: query.get('key'), idleTimeout: 3_600_000, activity: [], check: serverCheck({ url: '/api/session' }), signals: [serverEvents({ url: '/api/events' })] });
session.on('expired', ({ reason }) => (window.expired = { reason, at: performance.timeOrigin + performance.now() }));
session.start();
window.ready = true;`;

export async function revocationLatency() {
  const { createApp } = await load('examples/server/app.ts');
  const { serve } = await import('@hono/node-server');
  const site = mkdtempSync(join(tmpdir(), 'sessionwarden-site-'));
  const lib = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022', minify: true });
  writeFileSync(join(site, 'lib.js'), lib.outputFiles[0].text);
  writeFileSync(join(site, 'bench.js'), PAGE);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>bench</title><script type="module" src="/bench.js"></script>');
  const { app, events } = createApp({ staticDir: site });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const { context, close } = await browser();
  const ms = [];
  try {
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { origin: base, 'content-type': 'application/json' }, body: '{"username":"admin","password":"demo"}' });
    const { token: admin } = await login.json();
    for (let trial = 0; trial < TRIALS; trial++) {
      const pages = [];
      for (let tab = 0; tab < TABS; tab++) {
        const page = await context.newPage();
        await page.goto(`${base}/dashboard?key=bench${trial}${tab ? '' : '&login'}`);
        await page.waitForFunction(() => window.ready);
        pages.push(page);
      }
      await until(() => events.size() === 1, 'the stream');
      const sentAt = Date.now();
      await fetch(`${base}/api/admin/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"username":"editor"}' });
      const ends = await Promise.all(pages.map((page) => page.waitForFunction(() => window.expired).then(() => page.evaluate(() => window.expired))));
      if (ends.some((end) => end.reason !== 'revoked')) throw new Error(`a tab ended otherwise: ${JSON.stringify(ends)}`);
      ms.push(Math.max(...ends.map((end) => end.at)) - sentAt);
      await Promise.all(pages.map((page) => page.close()));
    }
  } finally {
    await close();
    events.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(site, { recursive: true, force: true });
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return { trials: TRIALS, tabs: TABS, p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted.at(-1)) };
}

/** Requests in one hour of page time, 5 tabs, the stream up (heartbeats every 25 s), on Playwright's clock. */
export async function requestsWithStream() {
  const { serveEvents, eventsPage } = await load('test/e2e/events-server.ts');
  const server = await serveEvents();
  const { context, close } = await browser();
  try {
    await context.clock.install({ time: Date.now() });
    await context.clock.pauseAt(Date.now() + 1_000);
    const pages = [];
    for (let tab = 0; tab < 5; tab++) {
      const page = await context.newPage();
      await page.goto(eventsPage(server.url, { storageKey: 'bench-requests', check: { url: '/check', interval: 15 * 60_000 } }));
      pages.push(page);
    }
    await until(() => server.streams.size === 1, 'the stream');
    await pages[0].waitForFunction(() => window.streams.at(-1)?.state === 1); // the page's stream request answered
    const before = { ...server.counts };
    for (let beat = 0; beat < 144; beat++) {
      server.send({ type: 'heartbeat' });
      await context.clock.runFor(25_000);
    }
    const { counts } = server;
    return { tabs: 5, streams: server.streams.size, checks: counts.checks - before.checks, reconnects: counts.opened - before.opened + counts.refused - before.refused };
  } finally {
    await close();
    await server.close();
  }
}

/** The section of docs/benchmarks.md, as lines. */
export async function serverEventsSection() {
  const latency = await revocationLatency();
  const requests = await requestsWithStream();
  const streams = await serverStreams();
  return [
    '## Sign-out pushed by the server (`serverEvents()`, `bench/server-events.mjs`)',
    '',
    `Revocation to sign-out, real Chromium, ${latency.tabs} tabs, ${latency.trials} trials (from the admin's revoke request to the last tab's \`'expired'\`, through the demo server's \`GET /api/events\`): p50 ${latency.p50} ms, p95 ${latency.p95} ms, max ${latency.max} ms (target: p95 under 1 s).`,
    '',
    '| requests per hour, 5 tabs, the stream up (Playwright\'s clock, a heartbeat every 25 s) | per hour |',
    '|---|---|',
    `| server checks (serverCheck() alone makes 3 to 4: see the table above) | ${requests.checks} |`,
    `| reconnects of the stream | ${requests.reconnects} |`,
    `| event streams held for the ${requests.tabs} tabs | ${requests.streams} |`,
    '',
    ...streamsTable(streams),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await serverEventsSection()).join('\n'));
