// docs/sign-in.md's React sample, run as written (the block is read from the guide, not copied) in
// real Chromium against a fake API: the sign-in page makes no request and ends nothing; sign in,
// sign out, sign in again within a second; then 20 minutes of use, with token refreshes and a check,
// and the new session lives on, with no 'expired' after the second sign-in. Time is Playwright's
// clock (the API issues tokens at the page's time); the network is waited for on a condition.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launch, pauseClock, type Browser } from './harness';
import { answered, bundle, serveApps, stampRequests, type AppServer } from './apps';

const T0 = Date.UTC(2030, 0, 7, 8);
const MIN = 60_000;
const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

/** The guide's React sample: the ```tsx block marked `sign-in-react`. */
const sample = () => {
  const block = /^```tsx sign-in-react\n([\s\S]*?)^```/m.exec(readFileSync(`${docs}sign-in.md`, 'utf8'));
  if (!block) throw new Error('docs/sign-in.md has no ```tsx sign-in-react block');
  return block[1]!;
};

let server: AppServer;
let browser: Browser | undefined;
type Win = { ends?: { reason: string; at: number }[]; sessions?: { state: string }[] };

beforeAll(async () => {
  const script = await bundle({ contents: sample(), resolveDir: docs, loader: 'tsx' }, fileURLToPath(new URL('apps/recorded-core.ts', import.meta.url)));
  const page = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>';
  server = await serveApps({ '/': ['text/html', page], '/main.js': ['text/javascript', script] }, T0);
});
afterAll(() => server?.close());
afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

const now = (page: Page) => page.evaluate(() => Date.now());
const ends = (page: Page) => page.evaluate(() => (window as unknown as Win).ends ?? []);
const states = (page: Page) => page.evaluate(() => ((window as unknown as Win).sessions ?? []).map((s) => s.state));
async function signIn(page: Page) {
  await page.getByLabel('Name').fill('ann');
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Signed in as ann').waitFor({ timeout: 10_000 });
}
/** `ms` of the page's time with the user at work (a real mouse move every 30 s), answers waited for. */
async function use(page: Page, ms: number) {
  for (let at = 0, x = 0; at < ms; at += 30_000, x = (x + 37) % 300) {
    await page.mouse.move(20 + x, 200 + (x % 40));
    await page.context().clock.runFor(30_000);
    await answered(page);
  }
}

describe('docs/sign-in.md, the React sample', () => {
  it('signs in, out, and in again within a second; the new session lives on through 20 minutes and refreshes', async () => {
    browser = await launch();
    await stampRequests(browser.context);
    await pauseClock(browser.context, T0);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

    // The sign-in page, left open for an hour: no request, no end, nothing started.
    await page.context().clock.runFor(60 * MIN);
    expect(server.api.calls).toEqual([]);
    expect(await ends(page)).toEqual([]);
    expect(await states(page)).toEqual(['stopped']);

    await signIn(page);
    expect(await states(page)).toEqual(['active']);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'You signed out.' }).waitFor();
    const signedOutAt = await now(page);
    expect(await ends(page)).toEqual([{ reason: 'logout', at: signedOutAt }]);
    await signIn(page); // again, at once
    expect((await now(page)) - signedOutAt).toBeLessThan(1_000);
    expect(await states(page)).toEqual(['active']); // the same manager, a new session
    const secondAt = await now(page);

    await use(page, 20 * MIN);
    expect(await page.getByText('Signed in as ann').isVisible()).toBe(true);
    expect(await states(page)).toEqual(['active']);
    expect(await ends(page)).toEqual([{ reason: 'logout', at: signedOutAt }]); // nothing after the second sign-in
    const after = server.api.calls.filter((call) => call.at >= secondAt);
    // Tokens live 5 minutes: at least one refresh every 5 minutes kept it, and the check said active.
    expect(after.filter((call) => call.path === '/api/refresh' && call.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(after.filter((call) => call.path === '/api/session').map((call) => call.status)).toContain(200);
    expect(after.filter((call) => call.status >= 400)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
