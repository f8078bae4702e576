// One session across tabs, in every engine: real tabs, BroadcastChannel, Web Locks, localStorage.
// Time is the browser's clock, paused (all tabs share it): it moves only when a test runs it. What
// crosses tabs or the network is real: the tests wait for it on conditions, never for a while.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  call, closeTab, events, eventTypes, forEachEngine, jwt, lockCount, moveFor, pageUrl, ready, record, remaining,
  requests, state, suite, tap, waitForEvent, waitForState, type Tab,
} from './harness';

const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);

forEachEngine((engine) => {
  const t = suite('e2e', engine);
  beforeEach(async () => {
    await t.launch();
  });

  /** Short timings (idle 4 s, warning 1.5 s before); a fresh storage key per test keeps tests apart. */
  const opts = (extra: Record<string, unknown> = {}) =>
    pageUrl(t.server.url, { idleTimeout: 4_000, warnBefore: 1_500, sampleInterval: 200, storageKey: t.key, ...extra });
  /** Long timings, for tests about something else than inactivity. */
  const calm = (extra: Record<string, unknown> = {}) => opts({ idleTimeout: 60_000, warnBefore: 10_000, ...extra });
  const open = t.open;
  const errorsOf = async (page: Tab) => (await events(page)).filter((e) => e.type === 'error');
  /** The browser's clock, paused at T0. */
  const paused = () => t.browser.clock.install(T0);
  const runFor = (ms: number) => t.browser.clock.runFor(ms);
  const evaluate = <T>(page: Tab, script: string) => page.evaluate<T>(script);

  /**
   * Every tab has heard the newest activity shared (the shared record's): its end is that activity
   * plus `idleTimeout`, or its session is over (then the test's assertions say what went wrong).
   */
  const heard = (pages: Tab[], idleTimeout: number) => async () => {
    const shared = ((await record(pages[0]!, t.key)) as { lastActivity: number }).lastActivity;
    for (const page of pages) {
      const [end, over] = await evaluate<[number, boolean]>(page, '[Date.now() + window.session.remaining(), window.session.state === "expired"]');
      if (!over && end < shared + idleTimeout) return false;
    }
    return true;
  };
  const settled = (condition: () => Promise<boolean>, message: string) => expect.poll(condition, { timeout: 5_000, message }).toBe(true);

  /** The checks these tabs made (their `fetch` log) and the outcomes each heard ('checked'). */
  const checkLog = (tabs: Tab[]) =>
    Promise.all(tabs.map(async (tab) => ({ made: (await requests(tab, '/check')).length, heard: (await eventTypes(tab, ['checked'])).length })));
  /**
   * Runs the clock `ms` in steps; after each, waits until every check made was answered and every
   * tab heard its outcome: the clock never outruns the (real) network.
   */
  async function runChecked(tabs: Tab[], ms: number, step = 100): Promise<void> {
    const base = await checkLog(tabs);
    for (let at = 0; at < ms; at += step) {
      await runFor(Math.min(step, ms - at));
      await settled(async () => {
        const log = await checkLog(tabs);
        const made = log.reduce((sum, tab, i) => sum + tab.made - base[i]!.made, 0);
        return log.every((tab, i) => tab.heard - base[i]!.heard === made);
      }, 'every check answered and its outcome heard in every tab');
    }
  }
  /** No tab refreshes or waits to: every refresh under way was answered. */
  const refreshDone = async (page: Tab) => {
    const { held, pending } = await lockCount(page, `${t.key}:refresh`);
    return held + pending === 0;
  };

  describe('one session across tabs', () => {
    it('activity only in tab A keeps idle tab B alive past idleTimeout', async () => {
      await paused();
      const a = await open(opts());
      const b = await open(opts());
      await moveFor(t.browser, a, 6_500, () => settled(heard([a, b], 4_000), 'B heard A\'s activity'), 250); // > idleTimeout (4 s), real mouse events in A only
      expect(await state(b)).toBe('active');
      expect(await eventTypes(b, ['warning', 'expired'])).toEqual([]);
      expect(await eventTypes(a, ['warning', 'expired'])).toEqual([]);
      expect(await remaining(b)).toBeGreaterThan(3_000); // B's end moved with A's activity
    });

    it('logout in A ends B (and C) within 1 s', async () => {
      // Real time: how fast the logout crosses (no clock: nothing here waits on a timer).
      const a = await open(calm());
      const b = await open(calm());
      const c = await open(calm());
      const before = Date.now();
      await call(a, 'logout');
      await Promise.all([waitForState(b, 'expired', 1_000), waitForState(c, 'expired', 1_000)]);
      for (const page of [b, c]) {
        const expired = (await events(page)).filter((e) => e.type === 'expired');
        expect(expired).toHaveLength(1);
        expect(expired[0]).toMatchObject({ reason: 'logout' });
        expect(expired[0]!.at - before).toBeLessThan(1_000);
      }
      expect(await record(a, t.key)).toMatchObject({ ended: 'logout' });
    });

    it('extend in A clears the warning in B', async () => {
      await paused();
      const a = await open(opts());
      const b = await open(opts());
      await runFor(2_500); // the warning, 1.5 s before the idle end (4 s)
      await Promise.all([waitForState(a, 'warning'), waitForState(b, 'warning')]);
      await call(a, 'extend');
      await waitForState(b, 'active', 1_000);
      expect(await eventTypes(b)).toEqual(['warning', 'extended']);
      expect(await eventTypes(a)).toEqual(['warning', 'extended']);
      const [ea, eb] = [(await events(a))[1]!, (await events(b))[1]!];
      expect(Math.abs(ea.expiresAt! - eb.expiresAt!)).toBeLessThan(50); // the same new end in both
      expect(await remaining(b)).toBeGreaterThan(3_000);
    });

    it('a reload keeps the session: same last activity, still active, no expiry', async () => {
      await paused();
      const a = await open(opts({ idleTimeout: 6_000, warnBefore: 1_000 }));
      const b = await open(opts({ idleTimeout: 6_000, warnBefore: 1_000 }));
      const before = await record(a, t.key);
      expect(before).toMatchObject({ v: 1, lastActivity: expect.any(Number) });
      await runFor(2_000);
      await a.reload(); // the new page's clock is the context's: 2 s after the start
      await ready(a);
      expect(await state(a)).toBe('active');
      expect(await eventTypes(a)).toEqual([]);
      // Not a new session: loading a page is not activity, so the last activity did not move.
      expect((await record(a, t.key))!).toMatchObject({ lastActivity: (before as { lastActivity: number }).lastActivity });
      const left = await remaining(a);
      expect(left).toBeLessThan(4_500); // not a fresh 6 s
      expect(left).toBeGreaterThan(2_000);
      expect(Math.abs(left - (await remaining(b)))).toBeLessThan(300); // the same end as the other tab
    });

    it('a tab opened after the session ended starts ended', async () => {
      const a = await open(opts());
      await call(a, 'logout');
      const b = await open(opts());
      expect(await state(b)).toBe('expired');
      expect((await events(b)).filter((e) => e.type === 'expired')).toEqual([expect.objectContaining({ reason: 'logout' })]);
    });
  });

  describe('activity shared on the leading edge of each sampleInterval', () => {
    // What a tab saw later in the window is shared once, through the one timer, before another tab
    // could warn on the older time: no flash of the dialog, one 'warning' per warning.
    it('an idle tab does not warn while another tab has unshared activity (sampleInterval trailing edge)', async () => {
      await paused();
      const o = opts({ sampleInterval: 1_000 });
      const a = await open(o);
      const b = await open(o);
      const inStep = () => settled(heard([a, b], 4_000), 'B heard A\'s activity');
      await runFor(1_100);
      await moveFor(t.browser, a, 900, inStep); // shared at its start only
      // B, knowing only 1.1 s, would warn at 3.6 s; A, at 1.9 s + 2.5 s. Step by step, so that what A
      // shares (through its timer) reaches B before B's timer could fire on the older time.
      for (let ms = 0; ms < 2_600 && (await state(a)) !== 'warning'; ms += 100) {
        await runFor(100);
        await inStep();
      }
      await waitForState(a, 'warning');
      expect(await eventTypes(b)).toEqual(['warning']);
    });
  });

  describe('one tab works for all', () => {
    it('with 3 tabs open, only one tab calls the check URL; when it closes, another takes over', async () => {
      await paused();
      const o = calm({ check: { url: '/check', interval: 1_000 } });
      const tabs = [await open(o), await open(o), await open(o)];
      const checks = async (tab: Tab) => (await requests(tab, '/check')).length;
      await runChecked(tabs, 3_300);
      const counts = await Promise.all(tabs.map(checks));
      const callers = tabs.filter((_, i) => counts[i]);
      expect(callers).toHaveLength(1);
      const leader = callers[0]!;
      expect(await checks(leader)).toBeGreaterThanOrEqual(2);
      expect(await checks(leader)).toBeLessThanOrEqual(4);
      for (const tab of tabs) {
        // Every tab hears every outcome.
        expect((await eventTypes(tab, ['checked'])).length).toBeGreaterThanOrEqual(2);
      }

      await closeTab(leader);
      const rest = tabs.filter((tab) => tab !== leader);
      // The leader's lock goes to one of the others (the third still waits for it).
      await settled(async () => JSON.stringify(await lockCount(rest[0]!, `${t.key}:leader`)) === '{"held":1,"pending":1}', 'another tab leads');
      const before = await Promise.all(rest.map(checks));
      await runChecked(rest, 2_600);
      const made = (await Promise.all(rest.map(checks))).map((n, i) => n - before[i]!);
      expect(rest.filter((_, i) => made[i])).toHaveLength(1);
      expect(Math.max(...made)).toBeGreaterThanOrEqual(2);
    });

    it('two tabs due to refresh at the same moment call refresh once', async () => {
      await paused();
      const now = T0 / 1000;
      const token = jwt({ iat: now, exp: now + 8 });
      const o = calm({ warnBefore: 1_000, refreshBefore: 5_000, token, refresh: true });
      const a = await open(o);
      const b = await open(o);
      t.server.settings.refreshDelay = 300;
      // B's end is the token's, whatever it heard: what B's page heard on the session's channel says it.
      const heardByB = await tap(b, t.key);
      const inStep = () => settled(async () => {
        const shared = ((await record(a, t.key)) as { lastActivity: number }).lastActivity;
        return ((await heardByB()) as { k: string; at: number }[]).some((m) => m.k === 'activity' && m.at >= shared);
      }, 'B heard A\'s activity');
      await moveFor(t.browser, a, 1_000, inStep); // activity since the token was set: the refresh is due at exp - 5 s
      await runFor(2_000);
      await Promise.all([waitForEvent(a, 'refreshed'), waitForEvent(b, 'refreshed')]);
      // No refresh is under way nor waited for any more: a second call would have reached the server.
      await settled(() => refreshDone(a), 'no refresh under way');
      expect(t.server.hits.refresh).toBe(1);
      const tokens = await Promise.all([a, b].map((t) => t.evaluate(() => (window as never as { session: { token: string } }).session.token)));
      expect(tokens[0]).toBe(tokens[1]);
      expect(tokens[0]).not.toBe(token);
    });

    it('two tabs extending a token warning at the same moment call refresh once', async () => {
      await paused();
      const now = T0 / 1000;
      const token = jwt({ iat: now, exp: now + 5 });
      // The token warning comes 3 s before exp; no refresh comes before it: the user was idle since the token was set.
      const o = calm({ warnBefore: 3_000, refreshBefore: 3_000, token, refresh: true });
      const a = await open(o);
      const b = await open(o);
      await runFor(2_000);
      const [wa, wb] = await Promise.all([waitForEvent(a, 'warning'), waitForEvent(b, 'warning')]);
      expect([wa.reason, wb.reason]).toEqual(['token', 'token']);
      t.server.settings.refreshDelay = 400;
      await Promise.all([call(a, 'extend'), call(b, 'extend')]);
      await Promise.all([waitForEvent(a, 'refreshed', 3_000), waitForEvent(b, 'refreshed', 3_000)]);
      await Promise.all([waitForState(a, 'active', 1_000), waitForState(b, 'active', 1_000)]);
      await settled(() => refreshDone(a), 'no refresh under way');
      expect(t.server.hits.refresh).toBe(1);
      expect(await eventTypes(b, ['expired'])).toEqual([]);
    });
  });

  describe('garbage does not break the session', () => {
    it('garbage on the BroadcastChannel: one error event, the session keeps working', async () => {
      await paused();
      const a = await open(calm());
      const b = await open(calm());
      await runFor(1_000);
      await a.evaluate((name) => {
        const channel = new BroadcastChannel(name);
        for (const garbage of [{ k: 'end', reason: 'nonsense' }, 'garbage', { k: 'activity', at: 'soon' }, null, { k: 'token', token: 5, skew: 0 }, { k: 'extend', at: 'x' }]) {
          channel.postMessage(garbage);
        }
        // Then a well-formed message: once B heard it, it has heard all the garbage (one sender: in order).
        channel.postMessage({ k: 'activity', at: Date.now() });
        channel.close();
      }, t.key);
      await settled(async () => (await remaining(b)) === 60_000, 'B heard the message after the garbage');
      expect(await state(b)).toBe('active');
      expect(await errorsOf(b)).toEqual([expect.objectContaining({ during: 'channel' })]);
      // Still one session: activity and logout still cross.
      await runFor(500);
      const before = await remaining(b);
      await moveFor(t.browser, a, 400);
      await settled(async () => (await remaining(b)) > before, 'A\'s activity moved B\'s end');
      await call(a, 'logout');
      await waitForState(b, 'expired', 1_000);
      expect(await errorsOf(b)).toHaveLength(1);
    });

    it('garbage in localStorage: one error event, the record heals, a new tab continues the session', async () => {
      await paused();
      const o = calm({ check: { url: '/check', interval: 1_000 } });
      const a = await open(o);
      const b = await open(o);
      await moveFor(t.browser, a, 300, () => settled(heard([a, b], 60_000), 'B heard A\'s activity'));
      const lastActivity = ((await record(a, t.key)) as { lastActivity: number }).lastActivity;
      await a.evaluate((k) => localStorage.setItem(k, '{not json'), t.key);
      // The leader's next check writes `provedAt` on top of the garbage (a pagehide writes `goneAt` alike)
      // and must keep the last activity: a record with none reads as "idle since 1970".
      const checks = (await eventTypes(a, ['checked'])).length;
      for (let ms = 0; ms < 4_000 && (await eventTypes(a, ['checked'])).length <= checks + 1; ms += 100) await runChecked([a, b], 100);
      expect((await eventTypes(a, ['checked'])).length).toBeGreaterThan(checks + 1);
      const healed = await record(a, t.key);
      expect(healed).toMatchObject({ v: 1 });
      expect((healed as { lastActivity: number }).lastActivity).toBeGreaterThanOrEqual(lastActivity); // not 0: not idle for ages
      // A new tab (or a reload) continues the session, it is not "idle since 1970".
      const c = await open(o);
      expect(await state(c)).toBe('active');
      expect(await remaining(c)).toBeGreaterThan(50_000);
      for (const page of [a, b]) {
        expect(await state(page)).toBe('active');
        expect((await errorsOf(page)).length).toBeLessThanOrEqual(1);
      }
      expect([...(await errorsOf(a)), ...(await errorsOf(b))].length).toBeGreaterThanOrEqual(1);
      await call(c, 'logout');
      await Promise.all([waitForState(a, 'expired', 1_000), waitForState(b, 'expired', 1_000)]);
    });
  });
});
