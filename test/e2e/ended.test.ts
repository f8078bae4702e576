// What a page reads when it opens on a session that has already ended, and what a page that is
// denied storage, BroadcastChannel or Web Locks does, in every engine. SPEC.md: a session that has
// ended is never 'active', not for a frame, in a tab opened after it; storage, BroadcastChannel and
// Web Locks that throw degrade like missing ones, never an exception out of `start()`.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  call, closeTab, events, forEachEngine, framedUrl, pageErrors, pageUrl, state, states, suite, waitForState, type Tab,
} from './harness';
import { FIREFOX_CLOSED_LOST } from './reasons';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const CLOSE_GRACE = 1_500;

forEachEngine((engine) => {
  const t = suite('ended', engine);
  beforeEach(async () => {
    await t.launch();
    await t.browser.clock.install(T0);
  });
  const opts = (extra: Record<string, unknown> = {}) =>
    pageUrl(t.server.url, { idleTimeout: 60_000, warnBefore: 10_000, sampleInterval: 200, storageKey: t.key, ...extra });
  const closing = () => opts({ endOnClose: 'browser', closeGrace: CLOSE_GRACE });
  const expiredOf = async (page: Tab) => (await events(page)).filter((e) => e.type === 'expired');
  /** Every state the new page's app could read, from the first after `start()`: never 'active'. */
  const neverActive = async (page: Tab, reason: string) => {
    await waitForState(page, 'expired', 2_000);
    const read = await states(page);
    // Right after start(): the end, or 'starting' while the library asks the browser (closeDetection's wait).
    expect(['start:expired', 'start:starting'], `states read: ${read.join(', ')}`).toContain(read.find((s) => s.startsWith('start:')));
    expect(read.filter((s) => s.endsWith('active')), `states read: ${read.join(', ')}`).toEqual([]);
    expect(await expiredOf(page)).toEqual([expect.objectContaining({ reason })]);
  };

  describe('a tab opened on a session that has ended reads it ended from the first state after start()', () => {
    it(engine.skipIn({ firefox: FIREFOX_CLOSED_LOST }, "after the browser closed (closeDetection('browser'))"), async () => {
      const a = await t.open(closing());
      await t.browser.clock.runFor(500);
      await closeTab(a);
      await t.browser.clock.runFor(CLOSE_GRACE + 500); // no page open for longer than closeGrace
      const b = await t.open(closing());
      await neverActive(b, 'closed');
    });

    it('after a logout', async () => {
      const a = await t.open(opts());
      await call(a, 'logout');
      const b = await t.open(opts());
      await neverActive(b, 'logout');
    });

    it('after an idle end', async () => {
      const a = await t.open(opts({ idleTimeout: 4_000, warnBefore: 1_000 }));
      await t.browser.clock.runFor(4_000);
      await waitForState(a, 'expired');
      await closeTab(a);
      const b = await t.open(opts({ idleTimeout: 4_000, warnBefore: 1_000 }));
      await neverActive(b, 'idle');
    });
  });

  describe('storage, BroadcastChannel and Web Locks that throw degrade to a working single-tab session', () => {
    /** The page started (no exception out of `start()`), runs, warns and ends on time. */
    const works = async (page: Tab) => {
      expect((await pageErrors(page)).filter((e) => e.startsWith('thrown')), 'start() threw').toEqual([]);
      expect(await state(page)).toBe('active');
      await t.browser.clock.runFor(50_000);
      await waitForState(page, 'warning');
      await t.browser.clock.runFor(10_000);
      await waitForState(page, 'expired');
    };

    it('the BroadcastChannel constructor and navigator.locks.request() throw at once', async () => {
      const page = await t.open(opts({ deny: ['channel', 'locks'] }));
      await works(page);
      expect((await pageErrors(page)).length, 'one error event at most').toBeLessThanOrEqual(1);
    });

    it('localStorage and sessionStorage throw (as in a private mode)', async () => {
      const page = await t.open(opts({ deny: ['storage'] }));
      await works(page);
      expect((await pageErrors(page)).length, 'one error event at most').toBeLessThanOrEqual(1);
    });

    it('all three throw at once', async () => {
      const page = await t.open(opts({ deny: ['channel', 'locks', 'storage'] }));
      await works(page);
    });

    it('in a sandboxed frame (an opaque origin: the engine\'s own localStorage throws, lock requests reject) the session starts and reads its state', async () => {
      const page = await t.browser.newTab();
      await page.goto(framedUrl(t.server.url, { idleTimeout: 60_000, warnBefore: 10_000, storageKey: t.key }));
      type Framed = { states: string[]; errors: string[] };
      await page.waitForFunction(() => ((window as unknown as { framed?: Framed[] }).framed ?? []).some((report) => report.states.length > 0), undefined, { timeout: 10_000 });
      const reports = await page.evaluate(() => (window as unknown as { framed: Framed[] }).framed);
      const last = reports.at(-1)!;
      expect(last.errors.filter((e) => e.startsWith('thrown')), 'start() threw in the frame').toEqual([]);
      expect(last.states).toContain('start:active');
    });
  });
});
