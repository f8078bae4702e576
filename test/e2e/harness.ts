// The browser tests' harness: a test is written once and runs in Chromium, Firefox and WebKit, a
// describe block per engine (`forEachEngine`), each named in the output. What an engine cannot do is
// a skip with its reason (`skipIn`), never a test left out. `ENGINES=chromium,webkit` runs some.
//
// Time is controlled, never waited for: the browser's clock (`browser.clock`: Playwright's in
// Chromium, the prelude's fake clock in Firefox and WebKit) is installed paused and moves only when
// a test runs it, every tab together. What is real (a tab closing, a lock handed over, a message
// crossing tabs, the network) is waited for on a condition, never for a while.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { chromiumEngine } from './engines/chromium';
import { firefoxEngine } from './engines/firefox';
import { webkitEngine } from './engines/webkit';
import type { Browser, BrowserOptions, Engine, EngineName, Tab } from './engines/types';
import { PENDING } from './reasons';
import { serve, type TestServer } from './server';
import type { SessionManager } from '../../src';

export type { Browser, BrowserOptions, Engine, EngineName, Key, Tab } from './engines/types';
export { framedUrl, jwt, pageUrl, serve, type TestServer } from './server';
export { CHROMIUM_ARGS, executablePath } from './engines/chromium';

const ALL: Engine[] = [chromiumEngine, firefoxEngine, webkitEngine];

/** The engines this run tests: `ENGINES` (comma-separated names), all three by default. */
export function selectedEngines(): Engine[] {
  const wanted = (process.env.ENGINES ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((name) => !ALL.some((engine) => engine.name === name));
  if (unknown.length) throw new Error(`ENGINES: unknown engine ${unknown.join(', ')} (known: ${ALL.map((e) => e.name).join(', ')})`);
  return wanted.length ? ALL.filter((engine) => wanted.includes(engine.name)) : ALL;
}

/** An engine's block of tests. */
export interface EngineSuite {
  readonly engine: Engine;
  readonly name: EngineName;
  /**
   * The test's title, and the reason it is skipped in an engine that cannot do what it tests:
   * `it(skipIn({ webkit: 'why' }, 'title'), …)`. The skip and its reason show in the output.
   */
  skipIn(reasons: Partial<Record<EngineName, string>>, title: string): string;
}

/**
 * Runs `body` once per engine, in a describe block named after the engine, the engines one after
 * another. The engine's shared processes (a display, a driver) start before its block and end after.
 */
export function forEachEngine(body: (engine: EngineSuite) => void): void {
  for (const engine of selectedEngines()) {
    describe(engine.name, () => {
      const skips = new Map<string, string>();
      beforeAll(() => engine.setUp(), 60_000);
      afterAll(() => engine.tearDown(), 60_000);
      // First of the block's hooks: a skipped test launches nothing.
      beforeEach((context) => {
        const reason = skips.get(context.task.name);
        if (reason && !(process.env.E2E_PENDING && reason.startsWith(PENDING))) context.skip(reason);
      });
      body({
        engine,
        name: engine.name,
        skipIn(reasons, title) {
          const reason = reasons[engine.name];
          if (reason) skips.set(title, reason);
          return title;
        },
      });
    });
  }
}

/** What a test file shares in one engine: the server, this test's browser and its fresh storage key. */
export interface Suite {
  server: TestServer;
  browser: Browser;
  key: string;
  /** Launches this test's browser (closed after the test). */
  launch(options?: BrowserOptions): Promise<Browser>;
  /** Opens a tab of this test's browser at `url`, ready. */
  open(url: string): Promise<Tab>;
}

/**
 * Sets up a test file's engine block: one server, counters zeroed and a fresh storage key (`prefix`
 * + a number) per test, so that tests stay apart; the browser a test launches is closed after it.
 */
export function suite(prefix: string, engine: EngineSuite): Suite {
  let n = 0;
  const t = {
    key: '',
    open: (url: string) => openTab(t.browser, url),
    launch: async (options?: BrowserOptions) => (t.browser = await engine.engine.launch(options)),
  } as Suite;
  beforeAll(async () => {
    t.server = await serve();
  });
  afterAll(() => t.server.close());
  beforeEach(() => {
    t.key = `${prefix}-${engine.name}-${++n}`;
    t.server.reset();
  });
  afterEach(async () => {
    await t.browser?.close();
    t.browser = undefined as never;
  });
  return t;
}

/** Waits until the page's session exists (after a load, a reload or a back navigation). */
export const ready = (page: Tab) =>
  page.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined, undefined, { timeout: 10_000 });

/** Opens a tab on the test page and waits until the session started. */
export async function openTab(browser: Browser, url: string): Promise<Tab> {
  const page = await browser.newTab();
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
  states: string[];
  errors: string[];
  requests: { path: string; at: number }[];
  heard: Record<string, unknown[]>;
  taps: BroadcastChannel[];
};

export const state = (page: Tab) => page.evaluate(() => (window as unknown as Win).session.state);
export const remaining = (page: Tab) => page.evaluate(() => (window as unknown as Win).session.remaining());
export const events = (page: Tab) => page.evaluate(() => (window as unknown as Win).events);
/** The event types logged so far, in order (optionally only these types). */
export const eventTypes = async (page: Tab, only?: string[]) =>
  (await events(page)).map((e) => e.type).filter((type) => !only || only.includes(type));
/** The `event.persisted` of every `pageshow` the page saw. */
export const persisted = (page: Tab) => page.evaluate(() => (window as unknown as Win).persisted);
/**
 * Waits until the page's session ended `count` times (5 s at most: the driver's round trips are real
 * time), then checks on the page's own clock that the last end came within `ms` of its last `pageshow`.
 */
export async function endsWithin(page: Tab, ms: number, count = 1): Promise<void> {
  await page.waitForFunction((c) => (window as unknown as Win).events.filter((e) => e.type === 'expired').length >= c, count, { timeout: 5_000 });
  const [ended, shown] = await page.evaluate(() => [
    (window as unknown as Win).events.filter((e) => e.type === 'expired').at(-1)!.at,
    (window as unknown as { shownAt: number[] }).shownAt.at(-1)!,
  ]);
  if (ended - shown >= ms) throw new Error(`the session ended ${ended - shown} ms after the page was shown (at most ${ms})`);
}
/** Every state the page's app could read: right after `start()` ('start:…'), then at each snapshot change. */
export const states = (page: Tab) => page.evaluate(() => (window as unknown as Win).states);
/** What the page caught: `start()` throwing ('thrown: …') and the session's 'error' events ('during: …'). */
export const pageErrors = (page: Tab) => page.evaluate(() => (window as unknown as Win).errors);
export const call = (page: Tab, method: 'logout' | 'extend' | 'reportActivity') =>
  page.evaluate((m) => (window as unknown as Win).session[m](), method);
export const waitForState = (page: Tab, expected: string, timeout = 5_000) =>
  page.waitForFunction((s) => (window as unknown as Win).session.state === s, expected, { timeout });
/** Waits until the page logged an event of this type; returns it. */
export async function waitForEvent(page: Tab, type: string, timeout = 5_000): Promise<LoggedEvent> {
  await page.waitForFunction((t) => (window as unknown as Win).events.some((e) => e.type === t), type, { timeout });
  return (await events(page)).find((e) => e.type === type)!;
}
/** The shared record in the page's `localStorage` (parsed when it is JSON). */
export const record = (page: Tab, key: string) =>
  page.evaluate((k) => {
    const raw = localStorage.getItem(k);
    try {
      return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return raw;
    }
  }, key);

/** The requests (`fetch`) the page made to `path`, each with the page's time when it made it. */
export const requests = async (page: Tab, path: string) =>
  (await page.evaluate(() => (window as unknown as Win).requests)).filter((r) => r.path === path);

/**
 * Real mouse movement over the page, every `step` ms of the browser's clock (installed, paused) for
 * `ms` of it; `settle` runs after each step, e.g. to wait until the other tabs have heard of it.
 */
export async function moveFor(browser: Browser, page: Tab, ms: number, settle?: () => Promise<unknown>, step = 100): Promise<void> {
  for (let at = 0, x = 0; at < ms; at += step, x = (x + 7) % 300) {
    await page.mouse.move(10 + x, 10 + (x % 50));
    await browser.clock.runFor(step);
    await settle?.();
  }
}

/** Closes the tab as a user does (its `pagehide` runs) and resolves once it is gone. */
export const closeTab = (page: Tab) => page.close();

/** How many pages of the origin hold Web Lock `name`, and how many wait for it (in this key order: tests compare JSON). */
export async function lockCount(page: Tab, name: string): Promise<{ held: number; pending: number }> {
  const { held, pending } = await page.evaluate(async (n) => {
    const { held = [], pending = [] } = await navigator.locks.query();
    return { held: held.filter((lock) => lock.name === n).length, pending: pending.filter((lock) => lock.name === n).length };
  }, name);
  return { held, pending };
}

/**
 * Listens on BroadcastChannel `name` in the page, beside the session's own channel (what the other
 * tabs say, in the order they said it); returns the reader of what it heard.
 */
export async function tap(page: Tab, name: string): Promise<() => Promise<unknown[]>> {
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
export const leave = (page: Tab, base: string) => page.goto(`${base}/other.html`);

/** Goes back; resolves once the page's session runs again (restored from the cache, or reloaded). */
export async function goBack(page: Tab): Promise<void> {
  await page.goBack(); // a restore fires no `load`
  await ready(page);
}
