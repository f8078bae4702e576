// Shared helpers of the real-Chromium tests: a fresh browser profile per test, a tiny HTTP server
// serving the library (bundled from source by esbuild), a test page and a fake API, and small
// readers of the page's state. Time is controlled, never waited for: where time is what a test is
// about, Playwright's clock drives it (`pauseClock`, then `runFor`); where real time is unavoidable
// (a tab closing, a lock handed over, a message crossing tabs, the network), wait on a condition.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { SessionManager } from '../../src';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  /** The profile directory (kept until `close()`): `reopen()` starts the browser again on it. */
  dir: string;
  /** Quits the browser (as a user closing it: its pages get `pagehide`), keeping the profile. */
  quit: () => Promise<void>;
  /**
   * Starts the browser again on the same profile (same `localStorage`). It is a new context: a test
   * on Playwright's clock installs it again (`pauseClock`), at a later time for time to have passed.
   */
  reopen: () => Promise<BrowserContext>;
  /** Quits the browser and deletes the profile. */
  close: () => Promise<void>;
}

/**
 * A fresh browser profile: every test starts with empty storage. `bfcache` turns the
 * back/forward cache back on (Playwright turns it off by default).
 */
export async function launch({ bfcache = false } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-e2e-'));
  const start = () => chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: bfcache ? ['--disable-back-forward-cache'] : undefined,
  });
  const browser: Browser = {
    context: await start(),
    dir,
    quit: () => browser.context.close(),
    reopen: async () => (browser.context = await start()),
    close: async () => {
      await browser.context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return browser;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT (the client never checks signatures). */
export const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;

// The test page: a SessionManager from the options in the query string (`o`, JSON), exposed as
// `window.session`, with every event logged in `window.events`, every `pageshow` in `window.persisted`
// and every `fetch` (the check's, the refresh's) in `window.requests`, with the page's time.
// `restart: true` (not an option of the library) stops and starts the session at once, as React's StrictMode does.
const PAGE = (options: string) => `<!doctype html><html><head><title>sessionwarden e2e</title></head><body>
<p id="state">loading</p>
<script type="module">
  import { SessionManager, serverCheck, tokenRefresh, closeDetection } from '/lib.js';
  // The query's JSON may name the optional signals by their settings; the page makes each one.
  const { restart, check, refresh, refreshBefore, refreshTimeout, endOnClose, closeGrace, closeBeacon, ...options } = ${options};
  if (check) options.check = serverCheck(check);
  if (endOnClose) options.endOnClose = closeDetection(endOnClose, { grace: closeGrace, beacon: closeBeacon });
  window.requests = [];
  const fetch0 = window.fetch;
  window.fetch = (input, init) => {
    window.requests.push({ path: new URL(input.url ?? String(input), location.href).pathname, at: Date.now() });
    return fetch0(input, init);
  };
  // The page's clock (maybe Playwright's) tells the test server when "now" is, so tokens fit the page's time.
  if (refresh) options.refresh = tokenRefresh((signal) => fetch('/refresh?now=' + Date.now(), { method: 'POST', signal }).then((r) => r.text()), { before: refreshBefore, timeout: refreshTimeout });
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
  if (restart) {
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

/** How the fake API answers; tests may change it. */
export interface Settings {
  /** Delay of `/refresh`, to widen a race. */
  refreshDelay: number;
  /** Lifetime (s) of the tokens `/refresh` issues. */
  refreshLifetime: number;
  /** The numbers (1, 2, …) of the `/refresh` calls that never answer, as on a flaky network. */
  refreshHangs: number[];
  /** The `sub` of the tokens `/refresh` issues. */
  refreshSub: string | undefined;
}

export interface TestServer {
  url: string;
  hits: Hits;
  /** The API calls (`/check`, `/refresh`, `/beacon`) in the order they arrived, with their query and when (epoch ms). */
  calls: { path: string; search: string; at: number }[];
  settings: Settings;
  /** The numbers of the `/refresh` calls that were answered with a token, in order. */
  answered: number[];
  /** Zeroes the counters and restores the default settings. */
  reset: () => void;
  close: () => Promise<void>;
}

/** Serves the library (bundled from source), the test page and a fake API on 127.0.0.1. */
export async function serve(): Promise<TestServer> {
  const bundle = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022' });
  const lib = bundle.outputFiles[0]!.text;
  const hits: Hits = { check: 0, refresh: 0, beacon: 0 };
  const answered: number[] = [];
  const calls: TestServer['calls'] = [];
  const defaults: Settings = { refreshDelay: 0, refreshLifetime: 600, refreshHangs: [], refreshSub: undefined };
  const settings: Settings = { ...defaults };
  const hanging: ServerResponse[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string, status = 200) => {
      // `no-cache` (revalidate), not `no-store`: a `no-store` page never enters the back/forward cache.
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache' });
      res.end(body);
    };
    if (url.pathname === '/lib.js') return send('text/javascript', lib);
    if (url.pathname === '/page.html') return send('text/html', PAGE(url.searchParams.get('o') ?? '{}'));
    if (url.pathname === '/other.html') return send('text/html', '<!doctype html><p>another page</p>');
    if (url.pathname.slice(1) in hits) calls.push({ path: url.pathname, search: url.search, at: Date.now() });
    if (url.pathname === '/check') {
      hits.check++;
      return send('application/json', JSON.stringify({ active: true, serverTime: Date.now() }));
    }
    if (url.pathname === '/refresh') {
      const n = ++hits.refresh;
      if (settings.refreshHangs.includes(n)) return void hanging.push(res);
      setTimeout(() => {
        // The page's time when it says it (its clock may be Playwright's), else this server's.
        const now = Math.floor(Number(url.searchParams.get('now') || Date.now()) / 1000);
        send('text/plain', jwt({ iat: now, exp: now + settings.refreshLifetime, n, sub: settings.refreshSub }));
        answered.push(n);
      }, settings.refreshDelay);
      return;
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
    calls,
    settings,
    answered,
    reset: () => {
      for (const name of Object.keys(hits)) hits[name as keyof Hits] = 0;
      calls.length = 0;
      answered.length = 0;
      for (const res of hanging.splice(0)) res.destroy();
      Object.assign(settings, defaults);
    },
    close: () => new Promise((resolve) => {
      for (const res of hanging.splice(0)) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The page URL with these SessionManager options. */
export const pageUrl = (base: string, options: Record<string, unknown>) =>
  `${base}/page.html?o=${encodeURIComponent(JSON.stringify(options))}`;

/** Waits until the page's session exists (after a load, a reload or a back navigation). */
export const ready = (page: Page) =>
  page.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);

/** Opens a tab on the test page and waits until the session started. */
export async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await ready(page);
  return page;
}

export interface LoggedEvent {
  type: string;
  at: number;
  reason?: string;
  result?: string;
  during?: string;
  expiresAt?: number;
}
type Win = {
  session: SessionManager;
  events: LoggedEvent[];
  persisted: boolean[];
  requests: { path: string; at: number }[];
  heard: Record<string, unknown[]>;
  taps: BroadcastChannel[];
};

export const state = (page: Page) => page.evaluate(() => (window as unknown as Win).session.state);
export const remaining = (page: Page) => page.evaluate(() => (window as unknown as Win).session.remaining());
export const events = (page: Page) => page.evaluate(() => (window as unknown as Win).events);
/** The event types logged so far, in order (optionally only these types). */
export const eventTypes = async (page: Page, only?: string[]) =>
  (await events(page)).map((e) => e.type).filter((type) => !only || only.includes(type));
/** The `event.persisted` of every `pageshow` the page saw. */
export const persisted = (page: Page) => page.evaluate(() => (window as unknown as Win).persisted);
export const call = (page: Page, method: 'logout' | 'extend' | 'reportActivity') =>
  page.evaluate((m) => (window as unknown as Win).session[m](), method);
export const waitForState = (page: Page, expected: string, timeout = 5_000) =>
  page.waitForFunction((s) => (window as unknown as Win).session.state === s, expected, { timeout });
/** Waits until the page logged an event of this type; returns it. */
export async function waitForEvent(page: Page, type: string, timeout = 5_000): Promise<LoggedEvent> {
  await page.waitForFunction((t) => (window as unknown as Win).events.some((e) => e.type === t), type, { timeout });
  return (await events(page)).find((e) => e.type === type)!;
}
/** The shared record in the page's `localStorage` (parsed when it is JSON). */
export const record = (page: Page, key: string) =>
  page.evaluate((k) => {
    const raw = localStorage.getItem(k);
    try {
      return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return raw;
    }
  }, key);

/** The requests (`fetch`) the page made to `path`, each with the page's time when it made it. */
export const requests = async (page: Page, path: string) =>
  (await page.evaluate(() => (window as unknown as Win).requests)).filter((r) => r.path === path);

/**
 * Installs Playwright's clock in every page of the context, present and future, paused at `at`: time
 * moves only when the test runs it (`context.clock.runFor`). All tabs share it.
 */
export async function pauseClock(context: BrowserContext, at: number): Promise<void> {
  await context.clock.install({ time: at - 1_000 });
  await context.clock.pauseAt(at);
}

/**
 * Real mouse movement over the page, every `step` ms of Playwright's clock (installed, paused) for
 * `ms` of it; `settle` runs after each step, e.g. to wait until the other tabs have heard of it.
 */
export async function moveFor(page: Page, ms: number, settle?: () => Promise<unknown>, step = 100): Promise<void> {
  for (let at = 0, x = 0; at < ms; at += step, x = (x + 7) % 300) {
    await page.mouse.move(10 + x, 10 + (x % 50));
    await page.context().clock.runFor(step);
    await settle?.();
  }
}

/** Closes the tab as a user does (its `pagehide` runs) and resolves once it is gone. */
export async function closeTab(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('close'), page.close({ runBeforeUnload: true })]);
}

/** How many pages of the origin hold Web Lock `name`, and how many wait for it. */
export const lockCount = (page: Page, name: string) =>
  page.evaluate(async (n) => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return { held: held.filter((lock) => lock.name === n).length, pending: pending.filter((lock) => lock.name === n).length };
  }, name);

/**
 * Listens on BroadcastChannel `name` in the page, beside the session's own channel (what the other
 * tabs say, in the order they said it); returns the reader of what it heard.
 */
export async function tap(page: Page, name: string): Promise<() => Promise<unknown[]>> {
  await page.evaluate((n) => {
    const w = window as unknown as Win;
    const heard: unknown[] = ((w.heard ??= {})[n] = []);
    const channel = new BroadcastChannel(n);
    channel.onmessage = ({ data }) => heard.push(data);
    (w.taps ??= []).push(channel);
  }, name);
  return () => page.evaluate((n) => (window as unknown as Win).heard[n]!, name);
}

/** Navigates `page` away, to another page of the origin without the library (it may enter the back/forward cache). */
export const leave = (page: Page, base: string) => page.goto(`${base}/other.html`);

/** Goes back; resolves once the page's session runs again (restored from the cache, or reloaded). */
export async function goBack(page: Page): Promise<void> {
  await page.goBack({ waitUntil: 'commit' }); // a restore fires no `load`
  await ready(page);
}

/**
 * Why Chrome did not restore the page from the back/forward cache (through the DevTools
 * protocol): one list of reasons per navigation that missed the cache.
 */
export async function bfcacheMisses(context: BrowserContext, page: Page): Promise<string[][]> {
  const misses: string[][] = [];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  cdp.on('Page.backForwardCacheNotUsed', (event) => misses.push(event.notRestoredExplanations.map((e) => e.reason)));
  return misses;
}

/** What a test file shares: the server (one per file), this test's browser and its fresh storage key. */
export interface Suite {
  server: TestServer;
  browser: Browser;
  key: string;
  /** Opens a tab of this test's browser at `url`, ready. */
  open(url: string): Promise<Page>;
}

/**
 * Sets up a test file: one server for the file, counters zeroed and a fresh storage key (`prefix` +
 * a number) per test, so that tests stay apart; the browser a test launches is closed after it.
 */
export function suite(prefix: string): Suite {
  let n = 0;
  const t = { key: '', open: (url: string) => openTab(t.browser.context, url) } as Suite;
  beforeAll(async () => {
    t.server = await serve();
  });
  afterAll(() => t.server.close());
  beforeEach(() => {
    t.key = `${prefix}${++n}`;
    t.server.reset();
  });
  afterEach(() => t.browser?.close());
  return t;
}
