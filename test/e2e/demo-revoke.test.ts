// The demo's admin clicks "Revoke sessions": the user is signed out in every tab at once, through the
// server's event stream (GET /api/events), not at the next check. Every engine, the built app, the
// demo server on its real clock: a revocation is about real time, so it is measured, not driven.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../examples/server/app';
import { forEachEngine, type Browser, type Tab } from './harness';
import { buildDemo } from './demo-build';
import { click, testId, waitForText } from './dom';
import { PRELUDE_PATH, preludeScript, withPrelude } from './engines/prelude';

let server: ServerType;
let demo: ReturnType<typeof createApp>;
/** The demo as WebKit runs it: WebKit keeps no `Secure` cookie on http://127.0.0.1 (docs/server.md, "Local development over http"), so it gets the `devCookie` that `DEV_COOKIE=1` turns on. */
let devDemo: ReturnType<typeof createApp>;
/** The demo the engine under test talks to. */
let current: ReturnType<typeof createApp>;
let base = '';
const browsers: Browser[] = [];

beforeAll(async () => {
  await buildDemo();
  demo = createApp({ staticDir: 'examples/app/dist' });
  devDemo = createApp({ staticDir: 'examples/app/dist', devCookie: true });
  server = serve({
    fetch: async (request, env) => {
      // The engine's prelude (its page log where the driver hears no console), from the app's own origin.
      if (new URL(request.url).pathname === PRELUDE_PATH) return new Response(preludeScript(), { headers: { 'content-type': 'text/javascript', 'cache-control': 'no-store' } });
      const response = await current.app.fetch(request, env);
      if (!response.headers.get('content-type')?.startsWith('text/html')) return response;
      const headers = new Headers(response.headers);
      headers.delete('content-length'); // the page grows by the prelude's tag
      return new Response(withPrelude(await response.text()), { status: response.status, headers });
    },
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  demo.events.close();
  devDemo.events.close();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

forEachEngine((engine) => {
  beforeAll(() => void (current = engine.name === 'webkit' ? devDemo : demo));
  afterEach(async () => {
    for (const browser of browsers.splice(0)) await browser.close();
  });

  /** A browser whose tabs note (in their sessionStorage, which outlives the page) when they left the dashboard. */
  async function user(): Promise<Browser> {
    const browser = await engine.engine.launch();
    browsers.push(browser);
    await browser.addInitScript(() =>
      addEventListener('pagehide', () => location.pathname === '/dashboard' && sessionStorage.setItem('test:left', String(performance.timeOrigin + performance.now()))),
    );
    return browser;
  }
  async function signIn(browser: Browser, username: string): Promise<Tab> {
    const page = await browser.newTab();
    await page.goto(`${base}/`);
    await click(page, { selector: 'button', text: new RegExp(`^${username}`) });
    await waitForText(page, 'Welcome to the demo');
    return page;
  }
  /** Waits until the server holds `count` event streams (real connections: a condition, not a clock). */
  async function streams(count: number): Promise<void> {
    for (let i = 0; current.events.size() !== count; i++) {
      if (i > 500) throw new Error(`expected ${count} event streams, the server holds ${current.events.size()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  describe('the demo: "Revoke sessions"', () => {
    it("signs the user out in every tab at once, through the one stream the user's tabs share", async () => {
      const editor = await user();
      const tabs = [await signIn(editor, 'editor')];
      for (let i = 0; i < 2; i++) {
        const tab = await editor.newTab();
        await tab.goto(`${base}/dashboard`);
        await waitForText(tab, 'Welcome to the demo');
        tabs.push(tab);
      }
      await streams(1); // one for the three tabs: the leading tab's

      const admin = await signIn(await user(), 'admin');
      await click(admin, { selector: 'button', text: 'Show users' });
      const revoke = { selector: 'button', text: 'Revoke sessions', within: { selector: 'tr', text: /Ed Editor/ } };
      await waitForText(admin, 'Ed Editor');
      const clickedAt = Date.now();
      await click(admin, revoke);

      for (const tab of tabs) {
        expect(await testId(tab, 'signed-out')).toBe('Your session was ended by an administrator or on another device.');
        const left = Number(await tab.evaluate(() => sessionStorage.getItem('test:left')));
        expect(left - clickedAt, 'from the click to this tab leaving the dashboard (ms)').toBeLessThan(1_000);
      }
      await streams(1); // the admin's own
      await waitForText(admin, 'Sessions of editor revoked.');
    });
  });
});
