// The demo's admin clicks "Revoke sessions": the user is signed out in every tab at once, through the
// server's event stream (GET /api/events), not at the next check. Real Chromium, the built app, the
// demo server on its real clock: a revocation is about real time, so it is measured, not driven.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { createApp } from '../../examples/server/app';
import { launch, type Browser } from './harness';
import { buildDemo } from './demo-build';

let server: ServerType;
let demo: ReturnType<typeof createApp>;
let base = '';
const browsers: Browser[] = [];

beforeAll(async () => {
  await buildDemo();
  demo = createApp({ staticDir: 'examples/app/dist' });
  server = serve({ fetch: (request, env) => demo.app.fetch(request, env), port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(() => {
  demo.events.close();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(async () => {
  for (const browser of browsers.splice(0)) await browser.close();
});

/** A browser whose tabs note (in their sessionStorage, which outlives the page) when they left the dashboard. */
async function user(): Promise<Browser> {
  const browser = await launch();
  browsers.push(browser);
  await browser.context.addInitScript(() =>
    addEventListener('pagehide', () => location.pathname === '/dashboard' && sessionStorage.setItem('test:left', String(performance.timeOrigin + performance.now()))),
  );
  return browser;
}
async function signIn(browser: Browser, username: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: new RegExp(`^${username}`) }).click();
  await page.getByText('Welcome to the demo').waitFor();
  return page;
}
/** Waits until the server holds `count` event streams (real connections: a condition, not a clock). */
async function streams(count: number): Promise<void> {
  for (let i = 0; demo.events.size() !== count; i++) {
    if (i > 500) throw new Error(`expected ${count} event streams, the server holds ${demo.events.size()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the demo: "Revoke sessions"', () => {
  it("signs the user out in every tab at once, through the one stream the user's tabs share", async () => {
    const editor = await user();
    const tabs = [await signIn(editor, 'editor')];
    for (let i = 0; i < 2; i++) {
      const tab = await editor.context.newPage();
      await tab.goto(`${base}/dashboard`);
      await tab.getByText('Welcome to the demo').waitFor();
      tabs.push(tab);
    }
    await streams(1); // one for the three tabs: the leading tab's

    const admin = await signIn(await user(), 'admin');
    await admin.getByRole('button', { name: 'Show users' }).click();
    const revoke = admin.getByRole('row', { name: /Ed Editor/ }).getByRole('button', { name: 'Revoke sessions' });
    await revoke.waitFor();
    const clickedAt = Date.now();
    await revoke.click();

    for (const tab of tabs) {
      await tab.getByTestId('signed-out').waitFor({ timeout: 5_000 });
      expect(await tab.getByTestId('signed-out').textContent()).toBe('Your session was ended by an administrator or on another device.');
      const left = Number(await tab.evaluate(() => sessionStorage.getItem('test:left')));
      expect(left - clickedAt, 'from the click to this tab leaving the dashboard (ms)').toBeLessThan(1_000);
    }
    await streams(1); // the admin's own
    await admin.getByText('Sessions of editor revoked.').waitFor();
  });
});
