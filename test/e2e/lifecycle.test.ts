// The page lifecycle in real Chromium: closing tabs and the browser, reloads, the back/forward cache.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  bfcacheMisses, call, events, launch, pageUrl, persisted, ready, sleep, state, waitForState, suite,
} from './harness';

const t = suite('life');

const opts = (extra: Record<string, unknown> = {}) =>
  pageUrl(t.server.url, { idleTimeout: 60_000, warnBefore: 10_000, sampleInterval: 200, storageKey: t.key, ...extra });
const closing = (extra: Record<string, unknown> = {}) =>
  opts({ endOnClose: 'browser', closeGrace: 1_500, closeBeacon: '/beacon', ...extra });
const open = t.open;
const expiredOf = async (page: Page) => (await events(page)).filter((e) => e.type === 'expired');

describe("endOnClose: 'browser'", () => {
  beforeEach(async () => {
    t.browser = await launch();
  });

  it('closing the last tab, then opening one after closeGrace, finds the session ended (closed)', async () => {
    const a = await open(closing());
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(2_000); // > closeGrace
    const b = await open(closing());
    await waitForState(b, 'expired', 2_000);
    expect(await expiredOf(b)).toEqual([expect.objectContaining({ reason: 'closed' })]);
    expect(t.server.hits.beacon).toBe(1);
  });

  it('closing the last tab, then opening one within closeGrace, continues the session', async () => {
    const a = await open(closing());
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(500); // < closeGrace
    const b = await open(closing());
    await sleep(2_000);
    expect(await state(b)).toBe('active');
  });

  it('quitting the browser, then starting it again after closeGrace, finds the session ended (closed)', async () => {
    await open(closing());
    await open(closing());
    await sleep(300);
    // A user quitting Chrome: every page gets `pagehide`, then the browser exits. (Playwright's own
    // close kills the pages without `pagehide`, like a crash; a session whose last page vanished
    // without `pagehide` is not detected as closed: a known limit, see the endOnClose docs.)
    for (const page of t.browser.context.pages()) await page.close({ runBeforeUnload: true });
    await t.browser.quit();
    await sleep(2_000);
    await t.browser.reopen();
    const c = await open(closing());
    await waitForState(c, 'expired', 2_000);
    expect(await expiredOf(c)).toEqual([expect.objectContaining({ reason: 'closed' })]);
  });

  it('a page stopped and started at once (StrictMode effects) still sends the beacon when it is the last to close', async () => {
    const a = await open(closing({ restart: true }));
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(500);
    expect(t.server.hits.beacon).toBe(1);
  });

  it('a reload within closeGrace is not a close', async () => {
    const a = await open(closing());
    await sleep(300);
    await a.reload();
    await ready(a);
    await sleep(2_000); // past closeGrace after the reload
    expect(await state(a)).toBe('active');
    const b = await open(closing()); // and a new tab agrees
    expect(await state(b)).toBe('active');
    expect(await events(a)).toEqual([]);
  });

  it('closing one of two tabs is not a close; the last one to close sends the beacon', async () => {
    const a = await open(closing());
    const b = await open(closing());
    await sleep(300);
    await a.close({ runBeforeUnload: true });
    await sleep(2_000);
    const c = await open(closing());
    await sleep(500);
    expect(await state(c)).toBe('active');
    expect(await state(b)).toBe('active');
    expect(t.server.hits.beacon).toBe(0);
    await c.close({ runBeforeUnload: true });
    await sleep(300);
    expect(t.server.hits.beacon).toBe(0);
    await b.close({ runBeforeUnload: true });
    await sleep(500);
    expect(t.server.hits.beacon).toBe(1);
  });
});

describe("endOnClose: 'browser' with a check to answer the beacon", () => {
  beforeEach(async () => {
    t.browser = await launch();
  });
  const answering = () => closing({ check: { url: '/check', interval: 60_000, onFocus: false } });

  it('quitting the browser with two tabs open still sends the close beacon (each closing page sends it)', async () => {
    const a = await open(answering());
    const b = await open(answering());
    await sleep(300);
    // Closing in the same instant: each page still counts the other as open.
    await Promise.all([a.close({ runBeforeUnload: true }), b.close({ runBeforeUnload: true })]);
    await sleep(500);
    expect(t.server.hits.beacon).toBe(2);
  });

  it("closing one of two tabs: its beacon is answered by the other tab's check, after it and within closeGrace", async () => {
    const a = await open(answering());
    const b = await open(answering());
    await sleep(300);
    t.server.reset();
    await a.close({ runBeforeUnload: true });
    await sleep(2_000); // > closeGrace (1.5 s)
    const paths = t.server.calls.map((c) => c.path);
    expect(paths).toEqual(['/beacon', '/check']);
    const [beacon, check] = t.server.calls;
    expect(check!.at - beacon!.at).toBeLessThan(1_500);
    expect(await state(b)).toBe('active');
  });
});

describe("endOnClose: 'tab'", () => {
  beforeEach(async () => {
    t.browser = await launch();
  });

  it('each tab has its own session; a logout crosses to no other tab; a reload keeps it', async () => {
    const own = opts({ endOnClose: 'tab', closeGrace: 1_500 });
    const a = await open(own);
    const b = await open(own);
    await a.reload();
    await ready(a);
    expect(await state(a)).toBe('active');
    await call(a, 'logout');
    await sleep(500);
    expect(await state(a)).toBe('expired');
    expect(await state(b)).toBe('active');
  });
});

describe('the back/forward cache', () => {
  beforeEach(async () => {
    t.browser = await launch({ bfcache: true });
  });

  /** Navigates away to another page of the origin (without the library). */
  const away = (page: Page) => page.goto(`${t.server.url}/other.html`);
  /** Goes back; resolves once the page's session runs again (restored or reloaded). */
  const back = async (page: Page) => {
    await page.goBack({ waitUntil: 'commit' }); // a restore fires no `load`
    await ready(page);
  };

  it('a page gone back to after a logout in another tab shows the session ended', async () => {
    const a = await open(opts());
    const misses = await bfcacheMisses(t.browser.context, a);
    await away(a);
    const b = await open(opts());
    await call(b, 'logout');
    await back(a);
    await waitForState(a, 'expired', 1_000);
    expect(await expiredOf(a)).toEqual([expect.objectContaining({ reason: 'logout' })]);
    // Chrome evicts a cached page that receives a BroadcastChannel message (the logout): it reloads.
    const restored = (await persisted(a)).at(-1);
    console.log(`back after a logout elsewhere: ${restored ? 'restored from the back/forward cache' : `reloaded (${misses.flat().join(', ')})`}`);
  });

  it('a page restored from the back/forward cache after its session ran out ends at once', async () => {
    const a = await open(opts({ idleTimeout: 3_000, warnBefore: 1_000 }));
    const misses = await bfcacheMisses(t.browser.context, a);
    await away(a);
    await sleep(3_500); // the session runs out while the page is in the cache
    const shown = Date.now();
    await back(a);
    expect(await persisted(a), `not restored: ${JSON.stringify(misses)}`).toEqual([false, true]);
    await waitForState(a, 'expired', 1_000);
    const expired = await expiredOf(a);
    expect(expired).toEqual([expect.objectContaining({ reason: 'idle' })]);
    expect(expired[0]!.at - shown).toBeLessThan(1_000);
  });

  it('a page in the cache holds no lock: another tab leads meanwhile, and it is not evicted for it', async () => {
    const a = await open(opts());
    const misses = await bfcacheMisses(t.browser.context, a);
    await away(a);
    const b = await open(opts());
    const leaderLock = (page: Page) =>
      page.evaluate(async (name) => {
        const { held = [], pending = [] } = await navigator.locks.query();
        return { held: held.filter((l) => l.name === name).length, pending: pending.filter((l) => l.name === name).length };
      }, `${t.key}:leader`);
    await sleep(200);
    expect(await leaderLock(b)).toEqual({ held: 1, pending: 0 }); // B leads: A's lock went with it into the cache
    await back(a);
    expect(await persisted(a), `not restored: ${JSON.stringify(misses)}`).toEqual([false, true]);
    expect(misses.flat()).not.toContain('WebLocksContention');
    await sleep(200);
    expect(await leaderLock(b)).toEqual({ held: 1, pending: 1 }); // A asks again, behind B
    expect(await state(a)).toBe('active');
  });
});
