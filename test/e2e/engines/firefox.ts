// Firefox (Debian's firefox-esr) over WebDriver BiDi, through puppeteer-core. Each tab is a window
// of its own: a tab behind another is hidden, and hidden tabs' timers are throttled. Time is the
// prelude's fake clock (the test server puts it in every page), driven by the test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser as PpBrowser, type BrowserContext, type Page } from 'puppeteer-core';
import { clickSelector, poll, pollFunction, versionOf } from './common';
import { InjectedClock, closePrelude, openPrelude } from './prelude';
import type { Browser, BrowserOptions, Engine, Key, PageFunction, Tab } from './types';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The environment variable with the WebDriver BiDi endpoint of a Firefox started for the whole run (global-setup.ts). */
export const FIREFOX_WS = 'SESSIONWARDEN_FIREFOX_WS';

const launchFirefox = (userDataDir?: string) =>
  puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath, headless: true, userDataDir, protocolTimeout: 60_000 });

class FirefoxTab implements Tab {
  readonly engine = 'firefox' as const;
  private readonly heard: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (error) => this.heard.push(`page error: ${String(error)}`));
    page.on('console', (message) => ['error', 'warn'].includes(message.type()) && this.heard.push(`${message.type()}: ${message.text()}`));
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
    // Not awaited: a page restored from the back/forward cache fires no `load`, which this waits for.
    void this.page.goBack().catch(() => {});
  }
  async url() {
    return this.page.url();
  }
  evaluate<R, A>(fn: PageFunction<A, R> | string, arg?: A): Promise<R> {
    return (typeof fn === 'string' ? this.page.evaluate(fn) : this.page.evaluate(fn as never, arg as never)) as Promise<R>;
  }
  waitForFunction<A>(fn: PageFunction<A, unknown>, arg?: A, { timeout = 30_000 } = {}): Promise<void> {
    return pollFunction(this, fn, arg as A, timeout);
  }
  /**
   * Real input, tried again (after a round trip to the page) when Firefox's remote agent fails to
   * synthesize it (`NS_ERROR_FAILURE` in synthesizeMouseAtPoint: seen once in a long run, under load).
   */
  private async input(act: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await act();
      } catch (error) {
        if (attempt >= 3 || !/NS_ERROR_FAILURE/.test(String(error))) throw error;
        await this.evaluate('1').catch(() => {});
      }
    }
  }
  readonly mouse = {
    move: (x: number, y: number) => this.input(() => this.page.mouse.move(x, y)),
    wheel: (deltaX: number, deltaY: number) => this.input(() => this.page.mouse.wheel({ deltaX, deltaY })),
    click: (x: number, y: number) => this.input(() => this.page.mouse.click(x, y)),
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
    await this.page.close({ runBeforeUnload: true });
    await poll(async () => this.page.isClosed(), 10_000, 'the tab to close');
  }
  isClosed() {
    return this.page.isClosed();
  }
}

/**
 * The run's Firefox (connected to, when global-setup.ts started one) or one per test file; a fresh
 * browser context (empty storage) per test; a persistent profile gets a Firefox of its own.
 */
let shared: Promise<PpBrowser> | undefined;
const connectOrLaunch = () => {
  const endpoint = process.env[FIREFOX_WS];
  return endpoint ? puppeteer.connect({ browserWSEndpoint: endpoint, protocol: 'webDriverBiDi', protocolTimeout: 60_000 }) : launchFirefox();
};

class FirefoxBrowser implements Browser {
  readonly engine = 'firefox' as const;
  private all: FirefoxTab[] = [];
  private readonly prelude = openPrelude({ problems: false });
  readonly clock = new InjectedClock(this.prelude, () => this.tabs());
  constructor(private context: BrowserContext, private readonly start: () => Promise<BrowserContext>, private readonly options: BrowserOptions, private readonly dir?: string) {}
  async newTab() {
    const page = await this.context.newPage({ type: 'window' });
    if (this.options.viewport) await page.setViewport(this.options.viewport);
    const tab = new FirefoxTab(page);
    this.all.push(tab);
    return tab;
  }
  tabs() {
    return (this.all = this.all.filter((tab) => !tab.isClosed()));
  }
  async addInitScript(script: () => void) {
    const source = String(script);
    if (!this.prelude.scripts.includes(source)) this.prelude.scripts.push(source);
  }
  async quit() {
    if (!this.dir) throw new Error('quit: launch the browser with { persistent: true }');
    await this.context.browser().close();
    this.all = [];
    this.prelude.clockAt = undefined;
  }
  async reopen() {
    this.context = await this.start();
  }
  async close() {
    closePrelude();
    if (this.dir) {
      await this.context.browser().close().catch(() => {});
      rmSync(this.dir, { recursive: true, force: true });
    } else {
      await this.context.close().catch(() => {});
    }
  }
  async bfcacheMisses(): Promise<string[][]> {
    return [];
  }
}

export const firefoxEngine: Engine = {
  name: 'firefox',
  version: async () => versionOf(firefoxPath),
  async setUp() {},
  async tearDown() {
    const browser = await shared;
    shared = undefined;
    if (process.env[FIREFOX_WS]) await browser?.disconnect(); // the run's Firefox: the next file connects to it
    else await browser?.close();
  },
  async launch(options: BrowserOptions = {}) {
    if (options.persistent) {
      const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-e2e-firefox-'));
      const start = async () => (await launchFirefox(dir)).defaultBrowserContext();
      return new FirefoxBrowser(await start(), start, options, dir);
    }
    shared ??= connectOrLaunch();
    const browser = await shared;
    const start = () => browser.createBrowserContext();
    return new FirefoxBrowser(await start(), start, options);
  },
};
