// What a browser test sees of a browser, the same in every engine: tabs it can script and give
// real (trusted) input to, a clock shared by all its tabs, and a close that runs `pagehide`.

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** Keys a test presses (each driver names them its own way). */
export type Key = 'Escape' | 'ArrowDown' | 'Tab' | 'Enter';

/** A function run in the page: it must not use anything from the test's scope but its argument. */
export type PageFunction<A, R> = (arg: A) => R | Promise<R>;

export interface Tab {
  readonly engine: EngineName;
  /** Loads `url` and waits for its `load` event. */
  goto(url: string): Promise<void>;
  /** Reloads and waits for the `load` event. */
  reload(): Promise<void>;
  /**
   * Starts going back in history and returns at once: a page restored from the back/forward cache
   * fires no `load`. The test then waits on a condition of the page it expects.
   */
  goBack(): Promise<void>;
  url(): Promise<string>;
  /** Runs `fn(arg)` in the page (awaiting a promise it returns); a string is an expression. */
  evaluate<R>(fn: PageFunction<void, R> | string): Promise<R>;
  evaluate<R, A>(fn: PageFunction<A, R>, arg: A): Promise<R>;
  /** Waits until `fn(arg)` is truthy in the page (errors while a page is navigating count as false). */
  waitForFunction<A>(fn: PageFunction<A, unknown>, arg?: A, options?: { timeout?: number }): Promise<void>;
  /** Real mouse input in the page's viewport (CSS pixels). */
  mouse: {
    move(x: number, y: number): Promise<void>;
    wheel(deltaX: number, deltaY: number): Promise<void>;
    click(x: number, y: number): Promise<void>;
  };
  press(key: Key): Promise<void>;
  /** Types `text` with real key presses into the focused element. */
  type(text: string): Promise<void>;
  /**
   * A real click at the centre of the element `selector` finds; `a >>> b` looks for `b` in the
   * open shadow root of `a`. Fails if there is none or it is hidden.
   */
  click(selector: string): Promise<void>;
  /** Closes the tab as a user does (its `pagehide` runs) and resolves once it is gone. */
  close(): Promise<void>;
  isClosed(): boolean;
  /** Page errors, console errors and warnings (and failed requests where the driver tells them). */
  problems(): Promise<string[]>;
  /** A PNG of the viewport, where the engine's driver can take one (Chromium). */
  screenshot?(path: string): Promise<void>;
}

export interface BrowserOptions {
  /** Keep the back/forward cache on (only Chromium's driver turns it off by default). */
  bfcache?: boolean;
  /** A profile that outlives `quit()`, for `reopen()`. */
  persistent?: boolean;
  viewport?: { width: number; height: number };
}

/**
 * The browser's clock, shared by all its tabs as Playwright's context clock is: installed paused,
 * it moves only when the test moves it, every open tab together; a tab opened later starts at its time.
 */
export interface Clock {
  /** Installs the clock paused at `at` (epoch ms); before the tabs that use it are opened. */
  install(at: number): Promise<void>;
  /** Runs every open tab's timers for `ms`, the tabs together. */
  runFor(ms: number): Promise<void>;
  /** Sets the wall clock of every open tab (and of tabs opened later) without running timers. */
  setSystemTime(at: number): Promise<void>;
}

export interface Browser {
  readonly engine: EngineName;
  /** A new tab on `about:blank`, in a window of its own (so it is visible and its timers run). */
  newTab(): Promise<Tab>;
  /** The open tabs, oldest first. */
  tabs(): Tab[];
  readonly clock: Clock;
  /** Runs `script` in every page loaded from now on, before the page's own scripts. */
  addInitScript(script: () => void): Promise<void>;
  /** Quits the browser as a user does (after closing its tabs), keeping the profile (`persistent`). */
  quit(): Promise<void>;
  /** Starts the browser again on the same profile. The clock must be installed again. */
  reopen(): Promise<void>;
  /** Quits and deletes the profile. */
  close(): Promise<void>;
  /**
   * Why the engine did not restore `tab` from the back/forward cache, one list of reasons per
   * navigation that missed it; only Chromium tells (elsewhere the list stays empty).
   */
  bfcacheMisses(tab: Tab): Promise<string[][]>;
}

/** One engine: how to launch it, and what it cannot do (as reasons for the tests it must skip). */
export interface Engine {
  readonly name: EngineName;
  /** The engine's version, as its binary reports it. */
  version(): Promise<string>;
  /** Starts what the engine's browsers share (a display, a driver), once per test file. */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  launch(options?: BrowserOptions): Promise<Browser>;
}
