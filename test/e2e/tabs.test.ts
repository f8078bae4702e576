import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { call, events, jwt, launch, openTab, pageUrl, serve, sleep, state, waitForState, type Hits } from './harness';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Awaited<ReturnType<typeof launch>>;
let context: BrowserContext;
let key = 0;

beforeAll(async () => {
  server = await serve();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  browser = await launch();
  context = browser.context;
  key++;
  for (const name of Object.keys(server.hits)) server.hits[name as keyof Hits] = 0;
});
afterEach(async () => {
  await browser.close();
});

/** Short timings; a fresh storage key per test keeps tests apart. */
const opts = (extra: Record<string, unknown> = {}) =>
  pageUrl(server.url, { idleTimeout: 4_000, warnBefore: 1_500, sampleInterval: 200, storageKey: `e2e${key}`, ...extra });

const moveFor = async (page: Page, ms: number) => {
  const until = Date.now() + ms;
  for (let x = 0; Date.now() < until; x = (x + 7) % 300) {
    await page.mouse.move(10 + x, 10 + (x % 50));
    await sleep(100);
  }
};

describe('one session across tabs', () => {
  it('activity only in tab A keeps idle tab B alive past idleTimeout', async () => {
    const a = await openTab(context, opts());
    const b = await openTab(context, opts());
    await moveFor(a, 6_000);
    expect(await state(b)).toBe('active');
    expect((await events(b)).filter((e) => e.type === 'warning' || e.type === 'expired')).toEqual([]);
  });

  it('logout in A ends B within 1 s', async () => {
    const a = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    const b = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    const before = Date.now();
    await call(a, 'logout');
    await waitForState(b, 'expired', 1_000);
    const expired = (await events(b)).find((e) => e.type === 'expired');
    expect(expired).toMatchObject({ reason: 'logout' });
    expect(expired!.at - before).toBeLessThan(1_000);
  });

  it('extend in A clears the warning in B', async () => {
    const a = await openTab(context, opts());
    const b = await openTab(context, opts());
    await waitForState(a, 'warning', 5_000);
    await waitForState(b, 'warning', 1_000);
    await call(a, 'extend');
    await waitForState(b, 'active', 1_000);
    expect((await events(b)).map((e) => e.type)).toEqual(['warning', 'extended']);
  });

  it('a reload keeps the session and its last activity', async () => {
    const a = await openTab(context, opts({ idleTimeout: 6_000, warnBefore: 1_000 }));
    await sleep(2_000);
    await a.reload();
    await a.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);
    expect(await state(a)).toBe('active');
    const remaining = await a.evaluate(() => (window as never as { session: { remaining(): number } }).session.remaining());
    expect(remaining).toBeLessThan(4_500); // not a fresh 6 s: loading a page is not activity
    expect(remaining).toBeGreaterThan(2_000);
  });

  it('a tab opened after the session ended starts ended', async () => {
    const a = await openTab(context, opts());
    await call(a, 'logout');
    const b = await openTab(context, opts());
    expect(await state(b)).toBe('expired');
    expect((await events(b)).find((e) => e.type === 'expired')).toMatchObject({ reason: 'logout' });
  });

  it('with 3 tabs open, only one tab calls the check URL', async () => {
    const o = opts({ idleTimeout: 60_000, warnBefore: 10_000, check: { url: '/check', interval: 1_000 } });
    const tabs = [await openTab(context, o), await openTab(context, o), await openTab(context, o)];
    server.hits.check = 0;
    await sleep(4_200);
    expect(server.hits.check).toBeGreaterThanOrEqual(3);
    expect(server.hits.check).toBeLessThanOrEqual(5);
    const checked = await Promise.all(tabs.map(async (t) => (await events(t)).filter((e) => e.type === 'checked').length));
    expect(checked.every((n) => n >= 3)).toBe(true); // every tab hears the outcome
  });

  it('two tabs due to refresh at the same moment call refresh once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({ iat: now, exp: now + 8 });
    const o = opts({ idleTimeout: 60_000, warnBefore: 1_000, refreshBefore: 5_000, token, refresh: true });
    const a = await openTab(context, o);
    const b = await openTab(context, o);
    // Both tabs are active; the leader refreshes at exp - 5 s; extend() in both during the race window too.
    await moveFor(a, 1_000);
    await a.waitForFunction(() => (window as never as { events: { type: string }[] }).events.some((e) => e.type === 'refreshed'), undefined, { timeout: 8_000 });
    await b.waitForFunction(() => (window as never as { events: { type: string }[] }).events.some((e) => e.type === 'refreshed'), undefined, { timeout: 2_000 });
    await sleep(500);
    expect(server.hits.refresh).toBe(1);
    const tokens = await Promise.all([a, b].map((t) => t.evaluate(() => (window as never as { session: { token: string } }).session.token)));
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('garbage on the channel and in storage does not break the session', async () => {
    const a = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    const b = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    await a.evaluate((name) => {
      const channel = new BroadcastChannel(name);
      channel.postMessage({ k: 'end', reason: 'nonsense' });
      channel.postMessage('garbage');
      channel.postMessage({ k: 'activity', at: 'soon' });
      localStorage.setItem(name, '{not json');
    }, `e2e${key}`);
    await sleep(300);
    expect(await state(b)).toBe('active');
    const errors = (await events(b)).filter((e) => e.type === 'error');
    expect(errors.length).toBe(1);
    await call(a, 'logout');
    await waitForState(b, 'expired', 1_000);
  });
});

describe('page lifecycle', () => {
  const closing = (extra: Record<string, unknown> = {}) =>
    opts({ idleTimeout: 60_000, warnBefore: 10_000, endOnClose: 'browser', closeGrace: 1_500, closeBeacon: '/beacon', ...extra });

  it('closing the last tab, then opening one after closeGrace, finds the session ended (closed)', async () => {
    const a = await openTab(context, closing());
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(2_000);
    const b = await openTab(context, closing());
    await waitForState(b, 'expired', 2_000);
    expect((await events(b)).find((e) => e.type === 'expired')).toMatchObject({ reason: 'closed' });
    expect(server.hits.beacon).toBe(1);
  });

  it('a page stopped and started at once (StrictMode effects) still sends the beacon when it is the last to close', async () => {
    const a = await openTab(context, closing({ restart: true }));
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(500);
    expect(server.hits.beacon).toBe(1);
  });

  it("endOnClose 'tab': each tab has its own session; a logout crosses to no other tab; a reload keeps it", async () => {
    const own = opts({ idleTimeout: 60_000, warnBefore: 10_000, endOnClose: 'tab', closeGrace: 1_500 });
    const a = await openTab(context, own);
    const b = await openTab(context, own);
    await a.reload();
    await a.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);
    expect(await state(a)).toBe('active');
    await call(a, 'logout');
    await sleep(500);
    expect(await state(a)).toBe('expired');
    expect(await state(b)).toBe('active');
  });

  it('a reload within closeGrace is not a close', async () => {
    const a = await openTab(context, closing());
    await a.reload();
    await a.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);
    await sleep(2_000);
    expect(await state(a)).toBe('active');
  });

  it('closing one of two tabs is not a close', async () => {
    const a = await openTab(context, closing());
    const b = await openTab(context, closing());
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(2_000);
    const c = await openTab(context, closing());
    await sleep(500);
    expect(await state(c)).toBe('active');
    expect(await state(b)).toBe('active');
    expect(server.hits.beacon).toBe(0);
    // Once the others have gone, the last one to close tells the server.
    await c.close({ runBeforeUnload: true });
    await sleep(300);
    expect(server.hits.beacon).toBe(0);
    await b.close({ runBeforeUnload: true });
    await sleep(500);
    expect(server.hits.beacon).toBe(1);
  });

  it('a page restored from the back/forward cache after a logout shows it ended', async () => {
    const a = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    await a.goto(`${server.url}/other.html`);
    const b = await openTab(context, opts({ idleTimeout: 60_000, warnBefore: 10_000 }));
    await call(b, 'logout');
    await a.goBack();
    await a.waitForFunction(() => (window as never as { session?: unknown }).session !== undefined);
    await waitForState(a, 'expired', 2_000);
    const persisted = await a.evaluate(() => (window as never as { persisted: boolean[] }).persisted);
    console.log(`back/forward: pageshow persisted = ${JSON.stringify(persisted)}`);
    expect((await events(a)).filter((e) => e.type === 'expired')).toHaveLength(1);
  });
});
