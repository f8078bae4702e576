// WebKit (WebKitGTK, Safari's engine) over WebDriver: WebKitWebDriver driving the MiniBrowser that
// libwebkit2gtk-4.1 installs, on an X display of our own (Xvfb; MiniBrowser has no headless mode).
// The screen is large so that the pointer stays outside every window: a window that opens under it
// would get a real `pointermove`, which is user activity. Time is the prelude's fake clock, and the
// prelude logs the page's errors and warnings (classic WebDriver cannot hear the console).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { clickSelector, poll, pollFunction, versionOf } from './common';
import { InjectedClock, closePrelude, openPrelude } from './prelude';
import type { Browser, BrowserOptions, Engine, Key, PageFunction, Tab } from './types';
import { WebDriverSession } from './webdriver';

const MULTIARCH = ['x86_64-linux-gnu', 'aarch64-linux-gnu'];
export const miniBrowserPath = process.env.MINIBROWSER_PATH
  ?? MULTIARCH.map((arch) => `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`).find((path) => existsSync(path))
  ?? `/usr/lib/${MULTIARCH[0]}/webkit2gtk-4.1/MiniBrowser`;
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';

/** WebDriver's codes of the keys a test presses. */
const KEYS: Record<Key, string> = { Escape: '\uE00C', ArrowDown: '\uE015', Tab: '\uE004', Enter: '\uE007' };
const pointer = (actions: unknown[]) => ({ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions });

class WebKitTab implements Tab {
  readonly engine = 'webkit' as const;
  closed = false;
  constructor(private readonly session: WebDriverSession, readonly handle: string) {}
  private run<T>(commands: () => Promise<T>) {
    return this.session.inWindow(this.handle, commands);
  }
  async problems() {
    const read = () => (window as unknown as { __problems?: string[] }).__problems ?? null;
    return (await this.evaluate<string[] | null, void>(read, undefined)) ?? [];
  }
  async goto(url: string) {
    await this.run(() => this.session.command('POST', '/url', { url }));
  }
  async reload() {
    await this.run(() => this.session.command('POST', '/refresh'));
  }
  async goBack() {
    await this.run(() => this.session.command('POST', '/back'));
  }
  url() {
    return this.run(() => this.session.command<string>('GET', '/url'));
  }
  evaluate<R, A>(fn: PageFunction<A, R> | string, arg?: A): Promise<R> {
    const source = typeof fn === 'string' ? `() => (${fn})` : String(fn);
    return this.session.execute<R>(this.handle, source, arg ?? null);
  }
  waitForFunction<A>(fn: PageFunction<A, unknown>, arg?: A, { timeout = 30_000 } = {}): Promise<void> {
    return pollFunction(this, fn, arg as A, timeout);
  }
  readonly mouse = {
    move: (x: number, y: number) => this.session.actions(this.handle, [pointer([{ type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport', duration: 0 }])]),
    wheel: (deltaX: number, deltaY: number) => this.session.actions(this.handle, [
      { type: 'wheel', id: 'wheel', actions: [{ type: 'scroll', x: 10, y: 10, deltaX, deltaY, origin: 'viewport', duration: 0 }] },
    ]),
    click: (x: number, y: number) => this.session.actions(this.handle, [pointer([
      { type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport', duration: 0 },
      { type: 'pointerDown', button: 0 },
      { type: 'pointerUp', button: 0 },
    ])]),
  };
  press(key: Key) {
    const value = KEYS[key];
    return this.session.actions(this.handle, [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }]);
  }
  type(text: string) {
    const actions = [...text].flatMap((value) => [{ type: 'keyDown', value }, { type: 'keyUp', value }]);
    return this.session.actions(this.handle, [{ type: 'key', id: 'keyboard', actions }]);
  }
  click(selector: string) {
    return clickSelector(this, selector);
  }
  async close() {
    await this.session.closeWindow(this.handle);
    this.closed = true;
  }
  isClosed() {
    return this.closed;
  }
}

class WebKitBrowser implements Browser {
  readonly engine = 'webkit' as const;
  private all: WebKitTab[] = [];
  private readonly prelude = openPrelude({ problems: true });
  readonly clock = new InjectedClock(this.prelude, () => this.tabs());
  constructor(private session: WebDriverSession, private readonly options: BrowserOptions, private readonly driver: ChildProcess) {}
  async newTab() {
    const tab = new WebKitTab(this.session, await this.session.newWindow());
    const { viewport } = this.options;
    if (viewport) await this.session.inWindow(tab.handle, () => this.session.command('POST', '/window/rect', { ...viewport, x: 0, y: 0 }));
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
    throw new Error('quit: MiniBrowser under automation keeps no profile across a restart');
  }
  async reopen() {
    throw new Error('reopen: MiniBrowser under automation keeps no profile across a restart');
  }
  async close() {
    closePrelude();
    await this.session.delete().catch(() => {});
    this.driver.kill();
  }
  async bfcacheMisses(): Promise<string[][]> {
    return [];
  }
}

/** The X display a test file's WebKit browsers share. */
let display: { xvfb: ChildProcess; display: string } | undefined;

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  }).on('error', reject);
});

async function startDisplay(): Promise<NonNullable<typeof display>> {
  // A display number nobody holds (X servers leave a lock file).
  let number = 90 + Math.floor(Math.random() * 400);
  while (existsSync(`/tmp/.X${number}-lock`)) number++;
  const xvfb = spawn('Xvfb', [`:${number}`, '-screen', '0', '2400x1800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await poll(async () => existsSync(`/tmp/.X11-unix/X${number}`), 10_000, 'Xvfb to start');
  return { xvfb, display: `:${number}` };
}

/** A WebKitWebDriver of its own for each browser: the driver holds one session at a time. */
async function startDriver(on: string): Promise<{ driver: ChildProcess; url: string }> {
  const port = await freePort();
  const driver = spawn(webkitDriverPath, [`--port=${port}`], { env: { ...process.env, DISPLAY: on }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await poll(async () => (await fetch(`${url}/status`)).ok, 10_000, 'WebKitWebDriver to start');
  return { driver, url };
}

export const webkitEngine: Engine = {
  name: 'webkit',
  // MiniBrowser tells its version only on a display.
  version: async () => versionOf(miniBrowserPath, '--version', { ...process.env, DISPLAY: display?.display ?? process.env.DISPLAY }),
  async setUp() {
    display ??= await startDisplay();
  },
  async tearDown() {
    const started = display;
    display = undefined;
    started?.xvfb.kill();
  },
  async launch(options: BrowserOptions = {}) {
    if (options.persistent) throw new Error('WebKit: MiniBrowser under automation keeps no profile across a restart');
    if (!display) throw new Error('WebKit: set the engine up first');
    const { driver, url } = await startDriver(display.display);
    const session = await WebDriverSession.create(url, {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowserPath, args: ['--automation'] },
      timeouts: { script: 60_000, pageLoad: 30_000 },
    });
    return new WebKitBrowser(session, options, driver);
  },
};
