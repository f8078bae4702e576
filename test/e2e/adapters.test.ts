// SPEC "The first hour": an end found at start reaches the app, in React, Vue and Angular apps in
// every engine. Each app's components subscribe to 'expired' after the adapter started the session;
// each component's handler runs exactly once for an expired token restored from storage, and for a
// browser that was closed (closeDetection('browser')). Time is the browser's clock, paused; what is
// real (the browser quitting, the Web Locks query at start) is waited for on a condition.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeTab, forEachEngine, jwt, lockCount, type Browser, type Tab } from './harness';
import { APP_PAGE, bundle, serveApps, type AppServer } from './apps';
import { FIREFOX_CLOSED_LOST, NO_RESTART } from './reasons';

const T0 = Date.UTC(2030, 0, 7, 8);
const MIN = 60_000;
const GRACE = 1_500;
const FRAMEWORKS = ['react', 'vue', 'angular'] as const;
const ENTRIES = { react: 'test/e2e/apps/react-app.tsx', vue: 'test/e2e/apps/vue-app.ts', angular: 'test/e2e/apps/angular-app.ts' };

let server: AppServer;
let n = 0;

beforeAll(async () => {
  const files: Record<string, [string, string]> = {};
  for (const name of FRAMEWORKS) {
    files[`/${name}.js`] = ['text/javascript', await bundle(ENTRIES[name])];
    files[`/${name}`] = ['text/html', APP_PAGE(`/${name}.js`)];
  }
  server = await serveApps(files, T0);
});
afterAll(() => server?.close());

type Win = { calls: string[]; session?: { state: string } };
const url = (name: string, app: Record<string, unknown>) => `${server.url}/${name}?app=${encodeURIComponent(JSON.stringify(app))}`;
const calls = (page: Tab) => page.evaluate(() => (window as unknown as Win).calls);
const stateOf = (page: Tab) => page.evaluate(() => (window as unknown as Win).session?.state);
/** Waits until the app's components heard `count` ends (or the deadline passes). */
const heard = (page: Tab, count: number) =>
  page.waitForFunction((c) => (window as unknown as Win).calls.length >= c, count, { timeout: 10_000 }).catch(() => {});
/** A token the server issued `ago` ms before T0, for 15 minutes. */
const token = (ago: number) => jwt({ sub: 'ann', roles: ['editor'], iat: Math.floor((T0 - ago) / 1000), exp: Math.floor((T0 - ago) / 1000) + 15 * 60 });

forEachEngine((engine) => {
  let browser: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  describe.each(FRAMEWORKS)('%s: an end found at start reaches each component’s handler exactly once', (name) => {
    it('a token restored from storage that expired 5 minutes ago', async () => {
      browser = await engine.engine.launch();
      await browser.clock.install(T0);
      const page = await browser.newTab();
      await page.goto(url(name, { token: token(20 * MIN), storageKey: `a${++n}` }));
      await heard(page, 2);
      await browser.clock.runFor(MIN); // more time, more renders: no second call
      expect(await calls(page)).toEqual(['layout:token', 'page:token']);
      expect(await stateOf(page)).toBe('expired');
      expect((await page.problems()).filter((problem) => problem.startsWith('page error'))).toEqual([]);
    });

    it(engine.skipIn({ firefox: FIREFOX_CLOSED_LOST, webkit: NO_RESTART }, 'a browser that was closed (closeDetection(\'browser\')), started again after the grace; the app renders once it loaded what it needs'), async () => {
      browser = await engine.engine.launch({ persistent: true });
      await browser.clock.install(T0);
      const app = { token: token(0), storageKey: `c${++n}`, closeGrace: GRACE, delay: 100 };
      const first = await browser.newTab();
      await first.goto(url(name, app));
      await first.waitForFunction(() => (window as unknown as Win).session !== undefined);
      await browser.clock.runFor(app.delay);
      await expect.poll(async () => (await lockCount(first, `${app.storageKey}:open`)).held, { timeout: 5_000 }).toBe(1);
      expect(await stateOf(first)).toBe('active');
      expect(await calls(first)).toEqual([]);
      // A user quitting the browser: the page gets `pagehide`, then the browser exits.
      await closeTab(first);
      await browser.quit();
      await browser.reopen();
      await browser.clock.install(T0 + 2 * GRACE);
      const page = await browser.newTab();
      await page.goto(url(name, app));
      // Whether another page is open is the browser's answer (a Web Locks query): wait for the end.
      // React's provider starts the session when it mounts, the others before their components exist.
      if (name !== 'react') await page.waitForFunction(() => (window as unknown as Win).session?.state === 'expired', null, { timeout: 10_000 });
      await browser.clock.runFor(app.delay); // the app renders
      await heard(page, 2);
      await browser.clock.runFor(MIN);
      expect(await calls(page)).toEqual(['layout:closed', 'page:closed']);
      expect(await stateOf(page)).toBe('expired');
    });
  });
});
