// A small client of the W3C WebDriver protocol (HTTP and JSON), enough to drive WebKitGTK's
// WebKitWebDriver: sessions, windows, navigation, scripts and input actions. One command at a time
// per session, each in the window it is for: WebDriver talks to one window at a time.

/** An error the driver answered (`error` is WebDriver's code, e.g. 'no such window'). */
export class WebDriverError extends Error {
  constructor(readonly error: string, message: string) {
    super(`WebDriver ${error}: ${message}`);
  }
}

export interface Capabilities {
  [name: string]: unknown;
}

export class WebDriverSession {
  private queue: Promise<unknown> = Promise.resolve();
  private current: string | undefined;
  /**
   * The window the session started with, never closed: WebDriver ends a session whose last window
   * closes, and opens a new window only from an open one.
   */
  private keeper = '';
  private constructor(private readonly base: string, readonly id: string) {}

  static async create(driverUrl: string, capabilities: Capabilities): Promise<WebDriverSession> {
    const value = await send<{ sessionId: string }>(driverUrl, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    const session = new WebDriverSession(driverUrl, value.sessionId);
    session.keeper = session.current = await session.command<string>('GET', '/window');
    return session;
  }

  /** Runs `commands` alone, in window `handle` (switching to it first when another is current). */
  inWindow<T>(handle: string | undefined, commands: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (handle && handle !== this.current) {
        await this.command('POST', '/window', { handle });
        this.current = handle;
      }
      return commands();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** One command of this session (call it inside `inWindow`). */
  command<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return send<T>(this.base, method, `/session/${this.id}${path}`, method === 'POST' ? body ?? {} : body);
  }

  /** Opens a new window; its handle. */
  newWindow(): Promise<string> {
    return this.inWindow(this.keeper, async () => (await this.command<{ handle: string }>('POST', '/window/new', { type: 'window' })).handle);
  }

  /** Closes window `handle` (no window is current afterwards). */
  closeWindow(handle: string): Promise<void> {
    return this.inWindow(handle, async () => {
      await this.command('DELETE', '/window');
      this.current = undefined;
    });
  }

  /**
   * Runs `source`, a function's text, with `arg` in the window; resolves with what it returns
   * (awaited), as JSON: in the page's own key order (the driver's serialization reorders keys), as
   * Playwright's and puppeteer's evaluate give it. An exception in the page rejects with its message.
   */
  execute<T>(handle: string, source: string, arg: unknown): Promise<T> {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${source})(arguments[0])).then(
        (value) => done({ json: value === undefined ? null : JSON.stringify(value) }),
        (error) => done({ error: String(error && error.stack || error) }));`;
    return this.inWindow(handle, async () => {
      const result = await this.command<{ json: string | null; error?: string }>('POST', '/execute/async', { script, args: [arg] });
      if (result.error !== undefined) throw new WebDriverError('javascript error', result.error);
      return (result.json === null ? undefined : JSON.parse(result.json)) as T;
    });
  }

  /** Performs input actions in the window, then releases every key and button. */
  actions(handle: string, actions: unknown[]): Promise<void> {
    return this.inWindow(handle, async () => {
      await this.command('POST', '/actions', { actions });
      await this.command('DELETE', '/actions');
    });
  }

  delete(): Promise<void> {
    return this.inWindow(undefined, async () => {
      await send(this.base, 'DELETE', `/session/${this.id}`);
    });
  }
}

async function send<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = (await response.json()) as { value: T & { error?: string; message?: string } };
  if (!response.ok) throw new WebDriverError(value.error ?? String(response.status), value.message ?? '');
  return value;
}
