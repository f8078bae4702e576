// docs/sign-in.md's React sample, run as written (the block is read from the guide, not copied) in
// every engine against a fake API: the sign-in page makes no request and ends nothing; sign in,
// sign out, sign in again within a second; then 20 minutes of use, with token refreshes and a check,
// and the new session lives on, with no 'expired' after the second sign-in. Time is the browser's
// clock (the API issues tokens at the page's time); the network is waited for on a condition.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forEachEngine, type Browser, type Tab } from './harness';
import { answered, bundle, serveApps, stampRequests, type AppServer } from './apps';
import { click, count, waitFor, waitForText } from './dom';

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
type Win = { ends?: { reason: string; at: number }[]; sessions?: { state: string }[] };

beforeAll(async () => {
  const script = await bundle({ contents: sample(), resolveDir: docs, loader: 'tsx' }, fileURLToPath(new URL('apps/recorded-core.ts', import.meta.url)));
  const page = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>';
  server = await serveApps({ '/': ['text/html', page], '/main.js': ['text/javascript', script] }, T0);
});
afterAll(() => server?.close());

const now = (page: Tab) => page.evaluate(() => Date.now());
const ends = (page: Tab) => page.evaluate(() => (window as unknown as Win).ends ?? []);
const states = (page: Tab) => page.evaluate(() => ((window as unknown as Win).sessions ?? []).map((s) => s.state));
/** Types into the input that the label `name` names, as a user does: a real click into it, then real keys. */
async function fill(page: Tab, name: string, text: string) {
  await click(page, { selector: 'input', text: new RegExp(`^${name}`) });
  await page.type(text);
}
async function signIn(page: Tab) {
  await fill(page, 'Name', 'ann');
  await fill(page, 'Password', 'secret');
  await click(page, { selector: 'button', text: 'Sign in' });
  await waitForText(page, 'Signed in as ann', 10_000);
}

forEachEngine((engine) => {
  let browser: Browser | undefined;
  beforeEach(() => {
    // One server for the file: each engine's test starts on a fresh API.
    Object.assign(server.api, { now: T0, calls: [], live: new Set() });
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });
  /** `ms` of the page's time with the user at work (a real mouse move every 30 s), answers waited for. */
  async function use(page: Tab, ms: number) {
    for (let at = 0, x = 0; at < ms; at += 30_000, x = (x + 37) % 300) {
      await page.mouse.move(20 + x, 200 + (x % 40));
      await browser!.clock.runFor(30_000);
      await answered(page);
    }
  }

  describe('docs/sign-in.md, the React sample', () => {
    it('signs in, out, and in again within a second; the new session lives on through 20 minutes and refreshes', async () => {
      browser = await engine.engine.launch();
      await stampRequests(browser);
      await browser.clock.install(T0);
      const page = await browser.newTab();
      await page.goto(server.url);
      await waitFor(page, { selector: 'button', text: 'Sign in' });

      // The sign-in page, left open for an hour: no request, no end, nothing started.
      await browser.clock.runFor(60 * MIN);
      expect(server.api.calls).toEqual([]);
      expect(await ends(page)).toEqual([]);
      expect(await states(page)).toEqual(['stopped']);

      await signIn(page);
      expect(await states(page)).toEqual(['active']);
      await click(page, { selector: 'button', text: 'Sign out' });
      await waitFor(page, { selector: '[role=status]', text: /You signed out\./ });
      const signedOutAt = await now(page);
      expect(await ends(page)).toEqual([{ reason: 'logout', at: signedOutAt }]);
      await signIn(page); // again, at once
      expect((await now(page)) - signedOutAt).toBeLessThan(1_000);
      expect(await states(page)).toEqual(['active']); // the same manager, a new session
      const secondAt = await now(page);

      await use(page, 20 * MIN);
      expect(await count(page, { selector: 'body *', text: /^Signed in as ann/ })).toBeGreaterThan(0);
      expect(await states(page)).toEqual(['active']);
      expect(await ends(page)).toEqual([{ reason: 'logout', at: signedOutAt }]); // nothing after the second sign-in
      const after = server.api.calls.filter((call) => call.at >= secondAt);
      // Tokens live 5 minutes: at least one refresh every 5 minutes kept it, and the check said active.
      expect(after.filter((call) => call.path === '/api/refresh' && call.status === 200).length).toBeGreaterThanOrEqual(4);
      expect(after.filter((call) => call.path === '/api/session').map((call) => call.status)).toContain(200);
      expect(after.filter((call) => call.status >= 400)).toEqual([]);
      expect((await page.problems()).filter((problem) => problem.startsWith('page error'))).toEqual([]);
    });
  });
});
