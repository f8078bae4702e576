import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A fresh browser profile: every test run starts with empty storage. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-e2e-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT (the client never checks signatures). */
export const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;

const PAGE = (options: string) => `<!doctype html><html><head><title>sessionwarden e2e</title></head><body>
<p id="state">loading</p>
<script type="module">
  import { SessionManager } from '/lib.js';
  const options = ${options};
  if (options.refresh) options.refresh = () => fetch('/refresh', { method: 'POST' }).then((r) => r.text());
  window.events = [];
  window.persisted = [];
  addEventListener('pageshow', (e) => window.persisted.push(e.persisted));
  const session = new SessionManager(options);
  for (const type of ['warning', 'extended', 'expired', 'refreshed', 'checked', 'error']) {
    session.on(type, (payload) => window.events.push({ type, at: Date.now(), ...JSON.parse(JSON.stringify(payload, (k, v) => k === 'error' ? String(v) : v)) }));
  }
  session.subscribe(() => (document.getElementById('state').textContent = session.state));
  window.session = session;
  session.start();
  if (options.restart) {
    session.stop(); // as React's StrictMode does with effects
    session.start();
  }
  document.getElementById('state').textContent = session.state;
</script></body></html>`;

/** Counters the test pages hit. */
export interface Hits {
  check: number;
  refresh: number;
  beacon: number;
}

/** Serves the library (bundled from source), the test page and a fake API on 127.0.0.1. */
export async function serve(): Promise<{ url: string; hits: Hits; close: () => Promise<void> }> {
  const bundle = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022' });
  const lib = bundle.outputFiles[0]!.text;
  const hits: Hits = { check: 0, refresh: 0, beacon: 0 };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string, status = 200) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/lib.js') return send('text/javascript', lib);
    if (url.pathname === '/page.html') return send('text/html', PAGE(url.searchParams.get('o') ?? '{}'));
    if (url.pathname === '/other.html') return send('text/html', '<!doctype html><p>another page</p>');
    if (url.pathname === '/check') {
      hits.check++;
      return send('application/json', JSON.stringify({ active: true, serverTime: Date.now() }));
    }
    if (url.pathname === '/refresh') {
      hits.refresh++;
      const now = Math.floor(Date.now() / 1000);
      return send('text/plain', jwt({ iat: now, exp: now + 600, n: hits.refresh }));
    }
    if (url.pathname === '/beacon') {
      hits.beacon++;
      return send('text/plain', '');
    }
    send('text/plain', 'not found', 404);
  };
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The page URL with these SessionManager options. */
export const pageUrl = (base: string, options: Record<string, unknown>) =>
  `${base}/page.html?o=${encodeURIComponent(JSON.stringify(options))}`;

/** Opens a tab on the test page and waits until the session started. */
export async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);
  return page;
}

type Win = { session: import('../../src').SessionManager; events: { type: string; reason?: string; at: number }[] };
export const state = (page: Page) => page.evaluate(() => (window as unknown as Win).session.state);
export const events = (page: Page) => page.evaluate(() => (window as unknown as Win).events);
export const call = (page: Page, method: 'logout' | 'extend' | 'reportActivity') =>
  page.evaluate((m) => (window as unknown as Win).session[m](), method);
export const waitForState = (page: Page, expected: string, timeout = 5_000) =>
  page.waitForFunction((s) => (window as unknown as Win).session.state === s, expected, { timeout });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
