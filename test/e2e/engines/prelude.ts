// What the test servers put in every page, before the page's own scripts, for the engines whose
// drivers have no init scripts (Firefox over WebDriver BiDi here, WebKit over WebDriver): a fake
// clock (@sinonjs/fake-timers' browser build), the test's init scripts, and, where the driver
// cannot hear the console, a log of the page's errors and warnings.
//
// A page asks for it as `<script src="/__prelude.js">` at the top of its <head>: a classic script
// from the page's own origin, so it runs before any module, under a `script-src 'self'` policy too.
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildSync } from 'esbuild';
import { poll } from './common';
import type { Clock, Tab } from './types';

export const PRELUDE_PATH = '/__prelude.js';

/** What the active browser wants in its pages; none while no injecting browser is open (Chromium). */
interface Prelude {
  /** The time a page loaded now starts at, while the clock is installed. */
  clockAt: number | undefined;
  scripts: string[];
  /** Collect the page's errors and console warnings in `window.__problems`. */
  problems: boolean;
}
let active: Prelude | undefined;
let users = 0;

/** The prelude of an injecting browser; browsers open at once (of one engine) share it. */
export function openPrelude(options: { problems: boolean }): Prelude {
  users++;
  active ??= { clockAt: undefined, scripts: [], problems: options.problems };
  return active;
}
/** A browser that opened the prelude closed; it ends with the last of them. */
export function closePrelude(): void {
  if (--users <= 0) {
    users = 0;
    active = undefined;
  }
}

let fakeTimers: string | undefined;
/** @sinonjs/fake-timers bundled for the browser (it ships CommonJS only), as `FakeTimers`. */
function fakeTimersBundle(): string {
  const entry = createRequire(import.meta.url).resolve('@sinonjs/fake-timers');
  fakeTimers ??= buildSync({
    entryPoints: [entry], bundle: true, format: 'iife', globalName: 'FakeTimers', platform: 'browser',
    external: ['timers', 'timers/promises', 'perf_hooks', 'util'], write: false, target: 'es2020', logLevel: 'silent',
  }).outputFiles[0]!.text;
  return fakeTimers;
}

// What the page's clock fakes: what Playwright's clock fakes (Date, timers, frames, idle callbacks,
// performance), so a test reads the same in every engine.
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'performance'];

const PROBLEMS = `(() => {
  const problems = (window.__problems = []);
  addEventListener('error', (e) => problems.push('page error: ' + e.message + (e.error && e.error.stack ? '\\n' + e.error.stack : '')));
  addEventListener('unhandledrejection', (e) => problems.push('unhandled rejection: ' + String(e.reason && e.reason.stack || e.reason)));
  addEventListener('securitypolicyviolation', (e) => problems.push('Content-Security-Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = function (...args) {
      problems.push(level + ': ' + args.map(String).join(' '));
      return original.apply(this, args);
    };
  }
})();`;

/** The prelude's JavaScript now (empty without an injecting browser). */
export function preludeScript(): string {
  if (!active) return '';
  const parts: string[] = [];
  if (active.problems) parts.push(PROBLEMS);
  if (active.clockAt !== undefined) {
    parts.push(fakeTimersBundle());
    parts.push(`window.__clock = FakeTimers.withGlobal(window).install({ now: ${active.clockAt}, toFake: ${JSON.stringify(FAKED)}, ignoreMissingTimers: true });`);
  }
  parts.push(...active.scripts.map((script) => `(${script})();`));
  return parts.join('\n');
}

/** `html` with the prelude's script tag first in its <head> (or right after the doctype). */
export function withPrelude(html: string): string {
  if (!active) return html;
  const tag = `<script src="${PRELUDE_PATH}"></script>`;
  // After the charset's <meta> where there is one (it must come first), else first in <head>.
  const head = /<meta charset[^>]*>/i.exec(html) ?? /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  return doctype ? doctype[0] + tag + html.slice(doctype[0].length) : tag + html;
}

/** Answers `GET /__prelude.js` (true), or leaves the request to the server (false). */
export function servePrelude(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.url?.startsWith(PRELUDE_PATH)) return false;
  res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
  res.end(preludeScript());
  return true;
}

/**
 * The clock of a browser whose pages get the prelude: installed, every page loaded from then on
 * starts paused at the browser's time; `runFor` runs every open page's timers for the same span,
 * all pages at once (as Playwright's context clock does), and moves the time of pages to come.
 */
export class InjectedClock implements Clock {
  constructor(private readonly prelude: Prelude, private readonly tabs: () => Tab[]) {}

  async install(at: number): Promise<void> {
    this.prelude.clockAt = at;
  }

  async runFor(ms: number): Promise<void> {
    const at = this.prelude.clockAt;
    if (at === undefined) throw new Error('runFor: install the clock first');
    this.prelude.clockAt = at + ms;
    // Start every page's run, then wait until each has finished: the pages run together, not one
    // after another. (Waited for by polling: WebKit's driver gives up on a script it holds open
    // across the page's focus moving, as a closing dialog moves it.)
    const tabs = this.tabs();
    type Run = { done: boolean; error: string | null };
    await Promise.all(tabs.map((tab) => tab.evaluate((span) => {
      const w = window as unknown as { __clock?: { tickAsync(ms: number): Promise<unknown> }; __run?: Run };
      const run: Run = (w.__run = { done: !w.__clock, error: null });
      w.__clock?.tickAsync(span).then(() => (run.done = true), (error: unknown) => {
        run.error = String(error instanceof Error ? error.stack : error);
        run.done = true;
      });
    }, ms)));
    const errors: (string | null)[] = [];
    await Promise.all(tabs.map((tab) => poll(async () => {
      const run = await tab.evaluate(() => (window as unknown as { __run?: Run }).__run ?? null);
      if (run?.done) errors.push(run.error);
      return !run || run.done;
    }, 60_000, `the page's clock to run ${ms} ms`)));
    const error = errors.find((e) => e !== null);
    if (error) throw new Error(`a timer threw in the page: ${error}`);
  }

  async setSystemTime(at: number): Promise<void> {
    this.prelude.clockAt = at;
    await Promise.all(this.tabs().map((tab) => tab.evaluate((time) => {
      (window as unknown as { __clock?: { setSystemTime(t: number): void } }).__clock?.setSystemTime(time);
    }, at)));
  }
}
