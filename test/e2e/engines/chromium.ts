// Chromium through Playwright (playwright-core, Debian's /usr/bin/chromium): its context clock, its
// init scripts, and the DevTools protocol for why a page missed the back/forward cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser as PwBrowser, type BrowserContext, type Page } from 'playwright-core';
import { clickSelector, versionOf } from './common';
import type { Browser, BrowserOptions, Engine, Key, PageFunction, Tab } from './types';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

class ChromiumTab implements Tab {
  readonly engine = 'chromium' as const;
  private readonly heard: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.heard.push(`page error: ${String(error)}`));
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && this.heard.push(`${message.type()}: ${message.text()}`));
    page.on('requestfailed', (request) => this.heard.push(`request failed: ${request.url()}`));
  }
  async problems() {
    return [...this.heard];
  }
  async goto(url: string) {
    await this.page.goto(url);
  }
  async reload() {
    await this.page.reload();
  }
  async goBack() {
    // A restore fires no `load`; a page that leaves at once may abort the navigation before it commits.
    await this.page.goBack({ waitUntil: 'commit' }).catch(() => {});
  }
  async url() {
    return this.page.url();
  }
  evaluate<R, A>(fn: PageFunction<A, R> | string, arg?: A): Promise<R> {
    return typeof fn === 'string' ? this.page.evaluate<R>(fn) : this.page.evaluate(fn as never, arg as never);
  }
  async waitForFunction<A>(fn: PageFunction<A, unknown>, arg?: A, { timeout = 30_000 } = {}) {
    await this.page.waitForFunction(fn as never, arg as never, { timeout });
  }
  readonly mouse = {
    move: (x: number, y: number) => this.page.mouse.move(x, y),
    wheel: (dx: number, dy: number) => this.page.mouse.wheel(dx, dy),
    click: (x: number, y: number) => this.page.mouse.click(x, y),
  };
  press(key: Key) {
    return this.page.keyboard.press(key);
  }
  type(text: string) {
    return this.page.keyboard.type(text);
  }
  click(selector: string) {
    return clickSelector(this, selector);
  }
  async close() {
    await Promise.all([this.page.waitForEvent('close'), this.page.close({ runBeforeUnload: true })]);
  }
  isClosed() {
    return this.page.isClosed();
  }
  async screenshot(path: string) {
    await this.page.screenshot({ path });
  }
}

/** One Chromium per test file (two: with and without the back/forward cache); a fresh context per test. */
const shared = new Map<boolean, Promise<PwBrowser>>();

class ChromiumBrowser implements Browser {
  readonly engine = 'chromium' as const;
  private readonly all: ChromiumTab[] = [];
  private readonly wrapped = new WeakMap<Page, ChromiumTab>();
  private dir: string | undefined;
  constructor(public context: BrowserContext, private readonly options: BrowserOptions, private readonly start: () => Promise<BrowserContext>, dir?: string) {
    this.dir = dir;
    this.watch();
  }
  /** Pages the context opens (window.open, a restart) are tabs too. */
  private watch() {
    for (const page of this.context.pages()) this.tab(page);
    this.context.on('page', (page) => this.tab(page));
  }
  private tab(page: Page): ChromiumTab {
    let tab = this.wrapped.get(page);
    if (!tab) {
      tab = new ChromiumTab(page);
      this.wrapped.set(page, tab);
      this.all.push(tab);
    }
    return tab;
  }
  async newTab() {
    return this.tab(await this.context.newPage());
  }
  tabs() {
    return this.all.filter((tab) => !tab.isClosed());
  }
  readonly clock = {
    install: async (at: number) => {
      await this.context.clock.install({ time: at - 1_000 });
      await this.context.clock.pauseAt(at);
    },
    runFor: (ms: number) => this.context.clock.runFor(ms),
    setSystemTime: (at: number) => this.context.clock.setSystemTime(at),
  };
  async addInitScript(script: () => void) {
    await this.context.addInitScript(script);
  }
  async quit() {
    if (!this.options.persistent) throw new Error('quit: launch the browser with { persistent: true }');
    await this.context.close();
  }
  async reopen() {
    this.context = await this.start();
    this.watch();
  }
  async close() {
    await this.context.close().catch(() => {});
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
  async bfcacheMisses(tab: Tab): Promise<string[][]> {
    const misses: string[][] = [];
    const cdp = await this.context.newCDPSession((tab as ChromiumTab).page);
    await cdp.send('Page.enable');
    cdp.on('Page.backForwardCacheNotUsed', (event) => misses.push(event.notRestoredExplanations.map((e) => e.reason)));
    return misses;
  }
}

export const chromiumEngine: Engine = {
  name: 'chromium',
  version: async () => versionOf(executablePath),
  async setUp() {},
  async tearDown() {
    const browsers = [...shared.values()];
    shared.clear();
    for (const browser of browsers) await (await browser).close();
  },
  async launch(options: BrowserOptions = {}) {
    const { bfcache = false, persistent = false, viewport } = options;
    // Playwright turns the back/forward cache off by default: `bfcache` turns it back on.
    const launchOptions = { executablePath, headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: bfcache ? ['--disable-back-forward-cache'] : undefined };
    if (persistent) {
      const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-e2e-'));
      const start = () => chromium.launchPersistentContext(dir, { ...launchOptions, viewport });
      return new ChromiumBrowser(await start(), options, start, dir);
    }
    if (!shared.has(bfcache)) shared.set(bfcache, chromium.launch(launchOptions));
    const browser = await shared.get(bfcache)!;
    const start = () => browser.newContext({ viewport });
    return new ChromiumBrowser(await start(), options, start);
  },
};
