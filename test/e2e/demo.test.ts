// The demo meets every requirement it was made for, in every engine, at the demo's real timings
// (idle 60 s, warning 20 s before, close grace 10 s): time is not waited for but driven, in the
// browser by its clock and on the server through createApp's `now`, kept in step.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../examples/server/app';
import type { Store } from '../../examples/server/store';
import { forEachEngine, type Browser, type Tab } from './harness';
import { buildDemo } from './demo-build';
import { click, count as countIn, hasTestId, testId, waitFor, waitForText } from './dom';
import { PRELUDE_PATH, preludeScript, withPrelude } from './engines/prelude';
import { poll } from './engines/common';
import { FIREFOX_BEACON, FIREFOX_STREAM_BFCACHE, NO_RESTART } from './reasons';

/** Where screenshots go: an ignored folder; `npm run screenshots` points it at docs/images. */
const SHOTS = process.env.SCREENSHOTS ?? '.tmp/screenshots';
const MIN = 60_000;
/** A Monday, 8:00 UTC: the working day starts here. */
const T0 = Date.UTC(2030, 0, 7, 8);

/**
 * The server's clock. It moves with the browser's: the test advances both (see `pass`), and every
 * request of a page says what time it is there (`x-test-clock`, set by PAGE_SCRIPT), so a request
 * made in the middle of a `runFor` is served at that moment, as it would be in real life.
 */
const clock = { now: T0 };
/** The API calls the server answered, in order: what the tests count. */
const calls: { path: string; method: string; status: number; at: number }[] = [];
/** The tokens the server issued at sign-in, in order. */
const logins: string[] = [];
let server: ServerType;
/** A fresh app (sessions, sign-in counters, posts) for every test, behind the one server. */
let app: ReturnType<typeof createApp>['app'];
let store: Store;
let base = '';
/** The refresh cookies the server set, as sent (`Set-Cookie`), oldest first. */
const cookies: string[] = [];

/**
 * In every page, before the app: stamp each request with the page's (fake) time, and count the
 * requests still open, so that the test lets time pass only when no answer is on its way (a real
 * network answers in milliseconds, not in the minutes a `runFor` skips).
 */
const PAGE_SCRIPT = () => {
  const w = window as unknown as { __open: number };
  w.__open = 0;
  const track = <T,>(promise: Promise<T>) => {
    w.__open++;
    return promise.finally(() => w.__open--);
  };
  const fetch0 = window.fetch;
  window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const headers = new Headers(init?.headers);
    headers.set('x-test-clock', String(Date.now()));
    return track(fetch0.call(this, input, { ...init, headers }));
  };
  for (const read of ['json', 'text'] as const) {
    const original = Response.prototype[read];
    Response.prototype[read] = function (this: Response) {
      return track(original.call(this));
    } as never;
  }
  if (navigator.locks) {
    const query = navigator.locks.query.bind(navigator.locks);
    navigator.locks.query = () => track(query());
  }
};

beforeAll(async () => {
  await buildDemo();
  server = serve({
    fetch: async (request, env) => {
      const path = new URL(request.url).pathname;
      // The engine's prelude (a fake clock where Playwright's is not available), from the app's own origin.
      if (path === PRELUDE_PATH) return new Response(preludeScript(), { headers: { 'content-type': 'text/javascript', 'cache-control': 'no-store' } });
      const at = Number(request.headers.get('x-test-clock'));
      if (at > clock.now) clock.now = at;
      let response = await app.fetch(request, env);
      // A close beacon counts only if it carries a refresh cookie issued in this test: the previous test's
      // browser, closed in its afterEach, may send its own beacon late (Firefox and WebKit do, at times).
      const cookie = request.headers.get('cookie') ?? '';
      const stale = path === '/api/close' && !cookies.some((issued) => cookie.includes(issued.split(';')[0]!));
      if (path.startsWith('/api/') && !stale) calls.push({ path, method: request.method, status: response.status, at: clock.now });
      if (path === '/api/login' && response.ok) logins.push(((await response.clone().json()) as { token: string }).token);
      cookies.push(...response.headers.getSetCookie().filter((c) => /^(__Host-)?sw_refresh=[^;]/.test(c))); // issued, not cleared
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        const headers = new Headers(response.headers);
        headers.delete('content-length'); // the page grew by the prelude's tag
        response = new Response(withPrelude(await response.text()), { status: response.status, headers });
      }
      return response;
    },
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

forEachEngine((engine) => {
  let browser: Browser;
  /** Content-Security-Policy violations the pages reported: the app runs under its policy. */
  const cspViolations = async () =>
    (await Promise.all(browser.tabs().map((tab) => tab.problems().catch(() => [])))).flat().filter((problem) => /Content.Security.Policy/i.test(problem));

  /** A browser whose clock starts at the server's time and stands still until the test moves it. */
  async function launch(options: { bfcache?: boolean; persistent?: boolean } = {}): Promise<Browser> {
    browser = await engine.engine.launch({ ...options, viewport: { width: 900, height: 700 } });
    await browser.addInitScript(PAGE_SCRIPT);
    clock.now += 1_000;
    await browser.clock.install(clock.now);
    return browser;
  }
  /** The user starts the browser again, on the same profile. */
  async function reopen(): Promise<void> {
    await browser.reopen();
    await browser.addInitScript(PAGE_SCRIPT);
    clock.now += 1_000;
    await browser.clock.install(clock.now);
  }

  /**
   * Lets `ms` pass in the browser (every timer in between fires) and on the server, then waits for the
   * answers on their way. Returns how many pages show the warning dialog then.
   */
  async function pass(ms: number): Promise<number> {
    const to = clock.now + ms;
    await browser.clock.runFor(ms);
    clock.now = Math.max(clock.now, to);
    return settle();
  }
  /** The time passes while the browser is closed: the server's clock alone. */
  const passClosed = (ms: number) => void (clock.now += ms);
  /** Waits until no page has a request or a Web Locks query open; returns how many pages show the warning dialog. */
  async function settle(): Promise<number> {
    const pages = await Promise.all(browser.tabs().map(async (page) => {
      const read = () => page.evaluate(() => ({
        busy: (window as unknown as { __open?: number }).__open! > 0,
        warning: document.querySelector('session-warning-dialog')?.shadowRoot?.querySelector('dialog')?.open ?? false,
      }));
      // Polled from here on the real clock (the page's stands still: nothing in the page may do the polling).
      for (const deadline = Date.now() + 10_000; ;) {
        let now;
        try {
          now = await read();
        } catch {
          return false; // the page navigated away meanwhile: nothing of it is open
        }
        if (!now.busy) return now.warning;
        if (Date.now() > deadline) throw new Error(`a request of ${await page.url()} has had no answer for 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }));
    return pages.filter(Boolean).length;
  }

  beforeEach(() => {
    // WebKit keeps no `Secure` cookie on http://127.0.0.1 (docs/server.md, "Local development over
    // http"): there the demo runs as `DEV_COOKIE=1` would start it.
    ({ app, store } = createApp({ staticDir: 'examples/app/dist', now: () => clock.now, devCookie: engine.name === 'webkit' }));
    cookies.length = 0;
    calls.length = 0;
    logins.length = 0;
  });
  afterEach(async () => {
    const violations = browser ? await cspViolations() : [];
    await browser?.close();
    browser = undefined as never;
    expect(violations).toEqual([]); // the app runs under its Content-Security-Policy
  });

  /** The API calls to `path` so far, by status. */
  const count = (path: string, status?: number) => calls.filter((c) => c.path === path && (status === undefined || c.status === status)).length;
  /** A picture for the docs, where the engine's driver takes one (Chromium: see `npm run screenshots`). */
  const shot = (page: Tab, name: string) => page.screenshot?.(`${SHOTS}/${name}.png`);

  /** Signs in with a demo user's button ("Remember me" ticked if asked); returns the page and the token the server issued. */
  async function signIn(username: string, { page, remember = false, at = `${base}/` }: { page?: Tab; remember?: boolean; at?: string } = {}): Promise<{ page: Tab; token: string }> {
    page ??= await browser.newTab();
    await page.goto(at);
    if (remember) await click(page, { selector: 'input[type=checkbox]', text: /Remember me/ });
    const before = logins.length;
    await click(page, { selector: 'button', text: new RegExp(`^${username}`) });
    await poll(async () => logins.length > before, 5_000, `${username}'s sign-in`);
    await testId(page, 'who');
    await waitForText(page, 'Welcome to the demo');
    return { page, token: logins.at(-1)! };
  }
  /** Closes every page (each gets pagehide, as when the user quits), waits for the close beacon unless told none is due, and quits the browser. */
  async function quit({ beacon = true } = {}): Promise<void> {
    const beacons = count('/api/close');
    await Promise.all(browser.tabs().map((page) => page.close()));
    if (beacon) await expect.poll(() => count('/api/close')).toBeGreaterThan(beacons);
    await browser.quit();
  }
  /** Signs in from another device (not this browser); returns the token. */
  async function signInElsewhere(username: string): Promise<string> {
    const headers = { origin: base, 'content-type': 'application/json' };
    const response = await fetch(`${base}/api/login`, { method: 'POST', headers, body: JSON.stringify({ username, password: 'demo' }) });
    return ((await response.json()) as { token: string }).token;
  }
  /** Opens the dashboard in a new tab (its token comes from the refresh cookie). */
  async function openDashboard(): Promise<Tab> {
    const page = await browser.newTab();
    await page.goto(`${base}/dashboard`);
    return page;
  }
  const sidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
  const check = (token: string) => fetch(`${base}/api/session`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  const dialogOpen = (page: Tab) =>
    page.evaluate(() => document.querySelector('session-warning-dialog')?.shadowRoot?.querySelector('dialog')?.open ?? false);
  const signedOut = (page: Tab) => testId(page, 'signed-out');
  const onDashboard = async (page: Tab) => new URL(await page.url()).pathname === '/dashboard';
  /** Real mouse movement (trusted input, as from a user). */
  const wiggle = (page: Tab, n: number) => page.mouse.move(40 + (n * 37) % 400, 60 + (n * 23) % 300);
  /** A button by its text. */
  const button = (text: string | RegExp) => ({ selector: 'button', text });

  describe('the demo', () => {
    it(engine.skipIn({ firefox: FIREFOX_BEACON, webkit: NO_RESTART }, '1. ends the session when the user quits the browser (all tabs at once)'), async () => {
      await launch({ persistent: true });
      const { page, token } = await signIn('editor');
      const second = await openDashboard();
      await testId(second, 'who');
      // Quitting: every page gets pagehide in the same instant, then the browser exits (once the
      // beacon is out: sent while the browser process is going away, it may be lost, and then only
      // the server's idle window ends the session).
      await quit();
      expect(count('/api/close', 204)).toBeGreaterThan(0); // the beacon got through (CSRF rules and all)
      passClosed(11_000); // > closeGrace
      await reopen();
      const next = await openDashboard();
      expect(await signedOut(next)).toBe('Your session ended when the browser was closed.');
      expect(await check(token)).toBe(401); // deleted on the server: beacon + grace
      expect(page.isClosed()).toBe(true);
    });

    it(engine.skipIn({ firefox: FIREFOX_BEACON }, '2. ends the session when the user closes the tab (the last tab of the app; the browser stays open)'), async () => {
      await launch();
      await browser.newTab(); // another tab, on about:blank
      const { page, token } = await signIn('viewer');
      const session = store.get(sidOf(token))!;
      await page.close();
      await expect.poll(() => count('/api/close', 204)).toBe(1);
      await pass(9_000);
      expect(store.sweep()).toBe(0); // within the grace: it could have been a reload
      expect(session.closingAt).toBeDefined();
      await pass(2_000);
      expect(await check(token)).toBe(401); // the close beacon ended it on the server after the grace
      const next = await openDashboard();
      expect(await signedOut(next)).toBe('Your session ended when the browser was closed.');
    });

    it('3, 4. warns at 40 s of inactivity and signs out at 60 s, saying why', async () => {
      await launch();
      const { page, token } = await signIn('viewer');
      await pass(39_000);
      expect(await dialogOpen(page)).toBe(false);
      await pass(1_000);
      expect(await dialogOpen(page)).toBe(true);
      expect(await page.evaluate(() => document.querySelector('session-warning-dialog')!.shadowRoot!.querySelector('[part=countdown]')!.textContent)).toBe('0:20');
      await shot(page, 'warning-dialog');
      await pass(19_000);
      expect(await onDashboard(page)).toBe(true);
      await pass(1_000);
      expect(await signedOut(page)).toBe('You were signed out after 1 minute of inactivity.');
      await shot(page, 'signed-out');
      expect(await check(token)).toBe(401); // logged out on the server too
    });

    it('5. "Stay signed in" keeps the session: it outlives its old deadline, and ends 60 s after the extend', async () => {
      await launch();
      const { page, token } = await signIn('editor');
      await pass(40_000);
      expect(await dialogOpen(page)).toBe(true);
      await page.click('session-warning-dialog >>> [part=extend]'); // "Stay signed in"
      await page.waitForFunction(() => !document.querySelector('session-warning-dialog')!.shadowRoot!.querySelector('dialog')!.open, undefined, { timeout: 2_000 });
      await pass(25_000); // 65 s after sign-in: past the old end at 60 s
      expect(await onDashboard(page)).toBe(true);
      expect(await testId(page, 'session-state')).toContain('Session active');
      expect(await check(token)).toBe(200);
      await pass(34_000); // 99 s: the new end is 60 s after the extend at 40 s
      expect(await onDashboard(page)).toBe(true);
      await pass(1_000);
      expect(await signedOut(page)).toBe('You were signed out after 1 minute of inactivity.');
    });

    // 8 hours in Chromium; in Firefox and WebKit, whose drivers take more round trips a step, the first 2
    // (hours 3 to 8 repeat them: the same refreshes, edits and checks), to keep the suite's time.
    const HOURS = engine.name === 'chromium' ? 8 : 2;
    it(`6. a working day: an editor active for ${HOURS} hours in two tabs is never signed out, and every refresh succeeds`, async () => {
      await launch();
      const { page: first, token } = await signIn('editor');
      const second = await openDashboard();
      await testId(second, 'who');
      const tabs = [first, second];
      const sid = sidOf(token);
      let warnings = 0;
      // Every 30 s the user moves the mouse (in both tabs: that one tab's activity keeps the other
      // alive is the library's own test, and here its message could race a 30 s jump); every hour,
      // in one tab or the other, the user edits a post.
      for (let step = 1; step <= HOURS * 120; step++) {
        for (const tab of tabs) await wiggle(tab, step);
        if (step % 120 === 0) {
          const editor = tabs[(step / 120) % 2]!;
          const edits = calls.filter((c) => c.method === 'PUT').length;
          await click(editor, button('Edit'));
          await poll(async () => calls.filter((c) => c.method === 'PUT').length > edits, 5_000, 'the edit');
          expect(calls.filter((c) => c.method === 'PUT').at(-1)!.status).toBe(200);
        }
        warnings += await pass(30_000);
      }
      expect(await Promise.all(tabs.map(onDashboard))).toEqual([true, true]);
      expect(warnings).toBe(0);
      // A 5-minute token, refreshed before it runs out, all day long (about one refresh per 4 minutes).
      expect(count('/api/refresh', 200)).toBeGreaterThanOrEqual(HOURS * 60 / 5);
      expect(calls.filter((c) => c.path === '/api/refresh' && c.status !== 200)).toEqual([]);
      expect(count('/api/posts/1', 200) + count('/api/posts/2', 200) + count('/api/posts/3', 200)).toBe(HOURS);
      expect(count('/api/login')).toBe(1);
      expect(count('/api/logout')).toBe(0);
      expect(clock.now - T0).toBeGreaterThanOrEqual(HOURS * 60 * MIN);
      expect(store.get(sid)?.username).toBe('editor'); // the same server session all day
      // The end of the day: signing out in one tab signs out both.
      await click(first, button('Sign out'));
      await pass(1_000);
      expect(await signedOut(first)).toBe('You signed out.');
      expect(await signedOut(second)).toBe('You signed out.');
      expect(store.get(sid)).toBeUndefined();
    }, 180_000);

    it('7. three roles, each allowed tasks the others are not; the server enforces them (403)', async () => {
      await launch();
      const viewer = await signIn('viewer');
      expect(await countIn(viewer.page, button('Edit'))).toBe(0);
      expect(await countIn(viewer.page, button('Delete'))).toBe(0);
      expect(await hasTestId(viewer.page, 'admin')).toBe(false);
      await shot(viewer.page, 'dashboard-viewer');
      const call = (token: string, method: string, path: string) => fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' }).then((r) => r.status);
      expect(await call(viewer.token, 'DELETE', '/api/posts/1')).toBe(403);
      expect(await call(viewer.token, 'GET', '/api/users')).toBe(403);
      expect(await call(viewer.token, 'PUT', '/api/posts/1')).toBe(403);

      const editor = await signIn('editor', { page: await browser.newTab() });
      expect(await countIn(editor.page, button('Edit'))).toBeGreaterThan(0);
      expect(await countIn(editor.page, button('Delete'))).toBe(0);
      await shot(editor.page, 'dashboard-editor');
      expect(await call(editor.token, 'PUT', '/api/posts/1')).toBe(200);
      expect(await call(editor.token, 'DELETE', '/api/posts/1')).toBe(403);

      const admin = await signIn('admin', { page: await browser.newTab() });
      for (const username of ['editor', 'viewer']) await signInElsewhere(username); // other devices, for the users list
      await click(admin.page, button('Show users'));
      await waitFor(admin.page, button('Revoke sessions'));
      await shot(admin.page, 'dashboard-admin');
      expect(await call(admin.token, 'GET', '/api/users')).toBe(200);
      expect(await call('tampered.' + admin.token.split('.').slice(1).join('.'), 'GET', '/api/users')).toBe(401);
    });

    it('shows the login page, with "Remember me" unticked', async () => {
      await launch();
      const page = await browser.newTab();
      await page.goto(`${base}/`);
      await waitFor(page, button(/^admin/));
      await shot(page, 'login');
      expect(await countIn(page, button(/^(admin|editor|viewer)/))).toBe(3);
      expect(await page.evaluate(() => document.querySelector<HTMLInputElement>('input[type=checkbox]')!.checked)).toBe(false);
    });
  });

  describe('the demo, as a reviewer tried it', () => {
    it('signing in as another user in a second tab signs the first tab out, and leaves the new user signed in', async () => {
      await launch();
      const { page: first, token: editorToken } = await signIn('editor');
      const { page: second, token: adminToken } = await signIn('admin', { page: await browser.newTab() });
      expect(await signedOut(first)).toBe('You signed out.');
      expect(await check(editorToken)).toBe(401);
      expect(await onDashboard(second)).toBe(true);
      expect(await testId(second, 'who')).toContain('Ada Admin');
      expect(await check(adminToken)).toBe(200); // the first tab's 'expired' handler ended its own session only
      // And the admin keeps working through the next refreshes (the refresh cookie is intact).
      for (let step = 0; step < 20; step++) {
        await wiggle(second, step);
        await pass(30_000);
      }
      expect(await onDashboard(second)).toBe(true);
      expect(count('/api/refresh', 200)).toBeGreaterThan(0);
      expect(calls.filter((c) => c.path === '/api/refresh' && c.status !== 200)).toEqual([]);
    });

    it(engine.skipIn({ firefox: FIREFOX_STREAM_BFCACHE }, 'Back to a dashboard whose session ended (here or in another tab) leaves it at once; with a live session it comes back after a check'), async () => {
      await launch({ bfcache: true });
      await browser.addInitScript(() => addEventListener('pageshow', (event) => {
        const shows = JSON.parse(sessionStorage.getItem('test:pageshow') ?? '[]') as unknown[];
        sessionStorage.setItem('test:pageshow', JSON.stringify([...shows, { path: location.pathname, persisted: event.persisted }]));
      }));
      const { page } = await signIn('viewer');
      const restored = async () => (await page.evaluate(() => JSON.parse(sessionStorage.getItem('test:pageshow') ?? '[]') as { path: string; persisted: boolean }[]))
        .filter((show) => show.path === '/dashboard' && show.persisted).length;
      const away = () => page.goto(`${base}/assets/elsewhere.txt`).catch(() => {});
      // A live session: away and back, restored from the cache, checked with the server, shown.
      await away();
      const checks = count('/api/session');
      await page.goBack();
      await waitForText(page, 'Welcome to the demo');
      expect(await onDashboard(page)).toBe(true);
      expect(await restored()).toBe(1);
      expect(count('/api/session')).toBeGreaterThan(checks);
      // Signed out here: the dashboard's history entry was replaced, so Back finds the sign-in page.
      await click(page, button('Sign out'));
      expect(await signedOut(page)).toBe('You signed out.');
      await page.goBack();
      await waitFor(page, button(/^viewer/), 1_000);
      expect(await hasTestId(page, 'who')).toBe(false);
      // Signed out in another tab while this one was away: Back restores the dashboard from the cache, and it leaves at once.
      await signIn('editor', { page });
      await away();
      const other = await openDashboard();
      await click(other, button('Sign out'));
      expect(await signedOut(other)).toBe('You signed out.');
      // The restored page leaves at once (which may supersede the back navigation before it commits).
      await page.goBack();
      const home = async () => {
        const url = new URL(await page.url());
        return url.pathname === '/' && url.searchParams.has('signedOut');
      };
      await expect.poll(home, { timeout: 1_000, interval: 50 }).toBe(true);
      expect(await restored()).toBe(2);
      expect(await signedOut(page)).toMatch(/^You signed out\.$|ended by an administrator or on another device/);
    });
  });

  describe('"Remember me"', () => {
    it(engine.skipIn({ webkit: NO_RESTART }, 'ticked, the session survives quitting and reopening the browser; inactivity still ends it'), async () => {
      await launch({ persistent: true });
      const { token } = await signIn('editor', { remember: true });
      const sid = sidOf(token);
      await pass(10_000);
      await quit({ beacon: false });
      passClosed(30_000); // a restart, well within the 60 s of inactivity
      await reopen();
      const page = await openDashboard();
      await waitForText(page, 'Welcome to the demo');
      expect(count('/api/close')).toBe(0); // no close beacon for a remembered session
      expect(await testId(page, 'who')).toContain('Ed Editor');
      expect(store.get(sid)?.username).toBe('editor'); // the same session, through the persistent refresh cookie
      expect(count('/api/refresh', 200)).toBe(1);
      // Away longer than the inactivity limit: signed out, remembered or not.
      await quit({ beacon: false });
      passClosed(61_000);
      await reopen();
      expect(await signedOut(await openDashboard())).toBe('You were signed out after 1 minute of inactivity.');
    });

    it(engine.skipIn({ webkit: NO_RESTART }, 'ticked, revocation still ends it: an admin revokes while the browser is closed'), async () => {
      await launch({ persistent: true });
      await signIn('viewer', { remember: true });
      await quit({ beacon: false });
      const admin = await signInElsewhere('admin');
      const revoke = await fetch(`${base}/api/admin/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"username":"viewer"}' });
      expect(await revoke.json()).toEqual({ revoked: 1 });
      await reopen();
      const page = await openDashboard();
      await poll(async () => new URL(await page.url()).pathname === '/', 5_000, 'the sign-in page');
      await waitFor(page, button(/^viewer/)); // back at sign-in
      // The revoked cookie got no token: refused by the refresh, or first by the event stream (which then
      // ends the session and aborts the refresh): the two race, and either is right.
      expect(count('/api/refresh', 200)).toBe(0);
      expect(count('/api/refresh', 401) + count('/api/events', 401)).toBeGreaterThanOrEqual(1);
    });

    it(engine.skipIn({ firefox: FIREFOX_BEACON, webkit: NO_RESTART }, 'unticked (the default), the same restart ends the session'), async () => {
      await launch({ persistent: true });
      const { token } = await signIn('editor');
      await quit();
      passClosed(30_000);
      await reopen();
      expect(await signedOut(await openDashboard())).toBe('Your session ended when the browser was closed.');
      expect(await check(token)).toBe(401);
    });
  });

  describe('the demo, as issue 21\'s reviewer tried it', () => {
    it('a link cannot set the timings: the production build ignores ?idle= and ?warn= (60 s, warned 20 s before)', async () => {
      await launch();
      const { page, token } = await signIn('editor', { at: `${base}/?idle=2000&warn=1000&grace=1000` });
      await page.goto(`${base}/dashboard?idle=2000&warn=1000&grace=1000`);
      await testId(page, 'who');
      await waitForText(page, 'Ends after 60 s without activity (warning 20 s before)');
      expect(await pass(5_000)).toBe(0); // no warning, no sign-out: what ?idle=2000&warn=1000 would have done
      expect(await onDashboard(page)).toBe(true);
      expect(await check(token)).toBe(200);
    });

    it('the refresh cookie (__Host-, Secure, HttpOnly, SameSite=Strict; in WebKit the devCookie, sw_refresh without Secure) is kept on http://127.0.0.1 and http://localhost: a new tab gets its token from it', async () => {
      const [name, secure] = engine.name === 'webkit' ? ['sw_refresh', false] : ['__Host-sw_refresh', true];
      for (const origin of [base, base.replace('127.0.0.1', 'localhost')]) {
        await launch();
        await signIn('viewer', { at: `${origin}/` });
        const issued = cookies.at(-1)!;
        expect(issued.split('=')[0], origin).toBe(name);
        for (const attribute of [/; Path=\/(;|$)/, /; HttpOnly(;|$)/i, /; SameSite=Strict(;|$)/i]) expect(issued, origin).toMatch(attribute);
        expect(/; Secure(;|$)/i.test(issued), origin).toBe(secure);
        const tab = await browser.newTab();
        await tab.goto(`${origin}/dashboard`);
        await waitForText(tab, 'Welcome to the demo');
        expect(count('/api/refresh', 200), origin).toBeGreaterThan(0);
        expect(await tab.evaluate(() => document.cookie), origin).not.toContain('sw_refresh'); // HttpOnly: no script reads it
        await browser.close();
        browser = undefined as never;
        calls.length = 0;
      }
    });
  });
});
