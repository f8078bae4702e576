// A working day in every engine (SPEC.md, "Real use: what a working day must not break"): refresh
// through several token lifetimes in two tabs with a slow and once hanging network, Back after the
// session ended (a proven back/forward cache restore), a page that scrolls itself, another user
// signing in. Time is the browser's clock wherever time is what a test is about.
import { beforeEach, describe, expect, it } from 'vitest';
import { call, endsWithin, events, forEachEngine, goBack, jwt, leave, pageUrl, persisted, state, suite, waitForState, type Tab } from './harness';

const SEC = 1000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0); // 08:00, the start of the working day

forEachEngine((engine) => {
  const t = suite('day', engine);
  /** The browser's clock in every page of the browser, paused at T0: time moves only when the test runs it. */
  const paused = () => t.browser.clock.install(T0);
  const url = (options: Record<string, unknown>) => pageUrl(t.server.url, { storageKey: t.key, ...options });
  const expiredOf = async (page: Tab) => (await events(page)).filter((e) => e.type === 'expired');
  const evaluate = <T>(page: Tab, script: string) => page.evaluate<T>(script);

  describe('refresh through a working day', () => {
    beforeEach(async () => {
      await t.launch();
      await paused();
    });

    it('an active user in two tabs is never signed out through three token lifetimes, with a slow refresh that once hangs', async () => {
      const { settings, answered } = t.server;
      settings.refreshLifetime = 300; // 5-minute tokens, as in the demo
      settings.refreshDelay = 300; // a slow network (real milliseconds)
      settings.refreshHangs = [2]; // the second call never answers
      const now = T0 / SEC;
      const options = { token: jwt({ sub: 'ann', iat: now, exp: now + 300 }), idleTimeout: 120 * SEC, warnBefore: 30 * SEC, refresh: true };
      const a = await t.open(url(options));
      const b = await t.open(url(options));
      // A refresh is under way while its lock is held or asked for (asked for in the timer's callback, before
      // runFor returns), or while a request the pages made has not reached the server yet. The one hanging
      // call is waited out by the clock, not here.
      const made = async () => {
        const count = (page: Tab) => evaluate<number>(page, 'window.requests.filter((r) => r.path === "/refresh").length');
        return (await count(a)) + (await count(b));
      };
      const settled = async () => {
        const calls = await made();
        if (calls !== t.server.hits.refresh) return false; // on its way
        if (settings.refreshHangs.includes(calls)) return true;
        return !(await a.evaluate(async (name) => {
          const { held = [], pending = [] } = await navigator.locks.query();
          return [...held, ...pending].some((lock) => lock.name === name);
        }, `${t.key}:refresh`));
      };
      // 15 minutes of demo time: the user works in tab A (real mouse input), tab B sits open beside it.
      for (let second = 0; second < 900; second += 20) {
        await a.mouse.move(20 + (second % 200), 40);
        await t.browser.clock.runFor(20 * SEC);
        // The clock must not outrun the (really) slow network: wait for a refresh under way to be answered.
        await expect.poll(settled, { timeout: 5_000 }).toBe(true);
      }
      for (const page of [a, b]) {
        expect(await expiredOf(page)).toEqual([]);
        expect(await state(page)).toBe('active');
      }
      // Refreshes at 3:40, 7:20 (hangs: abandoned at 7:35, retried at 7:40), 11:20, 15:00: one answered per token.
      // (Due 90 s before each exp; the first user activity after that time starts it, and the test's user
      // moves the mouse every 20 s.)
      expect(t.server.hits.refresh).toBe(5);
      expect(answered).toEqual([1, 3, 4, 5]);
      const errors = [...(await events(a)), ...(await events(b))].filter((e) => e.type === 'error');
      expect(errors).toEqual([expect.objectContaining({ during: 'refresh' })]);
      // Both tabs use the newest token.
      const tokenOf = (page: Tab) => evaluate<string>(page, 'window.session.token');
      expect(await tokenOf(a)).toBe(await tokenOf(b));
      expect(await evaluate(a, 'window.session.claims.n')).toBe(5);
    });

    it('an idle user is not refreshed: signed out at the idle end, after the warning', async () => {
      t.server.settings.refreshLifetime = 300;
      const now = T0 / SEC;
      const a = await t.open(url({ token: jwt({ sub: 'ann', iat: now, exp: now + 300 }), idleTimeout: 60 * SEC, warnBefore: 20 * SEC, refresh: true }));
      await t.browser.clock.runFor(40 * SEC);
      await waitForState(a, 'warning');
      await t.browser.clock.runFor(20 * SEC);
      await waitForState(a, 'expired');
      expect((await expiredOf(a)).map((e) => [e.reason, e.at - T0])).toEqual([['idle', 60 * SEC]]);
      expect(t.server.hits.refresh).toBe(0);
    });
  });

  describe('only the user\'s own input is activity', () => {
    beforeEach(async () => {
      await t.launch();
      await paused();
    });

    it('a page that scrolls itself (a log following new lines) and dispatches pointer events goes idle on time', async () => {
      const a = await t.open(url({ idleTimeout: 60 * SEC, warnBefore: 20 * SEC }));
      await evaluate(a, `(() => {
        const log = Object.assign(document.createElement('div'), { id: 'log' });
        log.style.cssText = 'height: 100px; overflow: auto';
        for (let i = 0; i < 20; i++) log.append(Object.assign(document.createElement('p'), { textContent: 'line ' + i }));
        document.body.append(log);
        window.scrolls = 0;
        log.addEventListener('scroll', () => window.scrolls++);
        setInterval(() => {
          log.append(Object.assign(document.createElement('p'), { textContent: 'line ' + Date.now() }));
          log.scrollTop = log.scrollHeight; // follows new lines, as a chat or log view does
          document.dispatchEvent(new PointerEvent('pointermove', { bubbles: true })); // and a script's event
        }, 1000);
      })()`);
      let scrolls = 0;
      for (let second = 0; second < 50; second += 2) {
        await t.browser.clock.runFor(2 * SEC);
        // The browser fires each scroll event when it renders: wait for it, so it could count.
        await expect.poll(() => evaluate<number>(a, 'window.scrolls'), { timeout: 5_000 }).toBeGreaterThan(scrolls);
        scrolls = await evaluate<number>(a, 'window.scrolls');
      }
      expect(await state(a)).toBe('warning'); // 40 s: warned, though the page scrolled and dispatched all along
      await t.browser.clock.runFor(10 * SEC);
      await waitForState(a, 'expired');
      expect((await expiredOf(a)).map((e) => [e.reason, e.at - T0])).toEqual([['idle', 60 * SEC]]);
    });

    it('the user\'s real input (mouse, wheel, keys) keeps the session', async () => {
      const a = await t.open(url({ idleTimeout: 60 * SEC, warnBefore: 20 * SEC }));
      for (let second = 0; second < 180; second += 15) {
        if (second % 45 === 0) await a.mouse.move(10 + second, 20);
        else if (second % 45 === 15) await a.mouse.wheel(0, 40);
        else await a.press('ArrowDown');
        await t.browser.clock.runFor(15 * SEC);
      }
      expect(await state(a)).toBe('active');
      expect(await expiredOf(a)).toEqual([]);
    });
  });

  describe('Back after the session ended (the back/forward cache)', () => {
    beforeEach(async () => {
      await t.launch({ bfcache: true });
    });
    const away = (page: Tab) => leave(page, t.server.url);
    const back = goBack;
    const leads = (page: Tab) =>
      page.waitForFunction(async (name) => ((await navigator.locks.query()).held ?? []).some((lock) => lock.name === name), `${t.key}:leader`);
    /** The page heard 'expired' a second time, within a second of the restore (on its own clock). */
    const twice = (page: Tab) => endsWithin(page, 1_000, 2);

    it('after a sign-out here, Back restores the page from the cache and it hears expired again, with the same reason', async () => {
      const a = await t.open(url({}));
      const misses = await t.browser.bfcacheMisses(a);
      await call(a, 'logout');
      await away(a); // what the app's 'expired' handler does
      await back(a);
      expect(await persisted(a), `not restored: ${JSON.stringify(misses)}`).toEqual([false, true]);
      await twice(a); // within a second of the restore
      expect((await expiredOf(a)).map((e) => e.reason)).toEqual(['logout', 'logout']);
      expect(await state(a)).toBe('expired');
      expect(await evaluate(a, 'window.session.roles.length')).toBe(0);
    });

    it('a page cached while another tab signs out is not evicted by the news, and ends on restore', async () => {
      const a = await t.open(url({}));
      await leads(a); // as any page a user has looked at for a moment
      const misses = await t.browser.bfcacheMisses(a);
      await away(a);
      const b = await t.open(url({}));
      await call(b, 'logout');
      await call(b, 'reportActivity');
      await back(a);
      expect(await persisted(a), `not restored: ${JSON.stringify(misses)}`).toEqual([false, true]);
      expect(misses.flat()).toEqual([]);
      await endsWithin(a, 1_000);
      expect((await expiredOf(a)).map((e) => e.reason)).toEqual(['logout']);
    });
  });

  describe('one user per session', () => {
    beforeEach(async () => {
      await t.launch();
    });
    const token = (sub: string, roles: string[]) => {
      const now = Math.floor(Date.now() / SEC);
      return jwt({ sub, iat: now, exp: now + 3600, roles });
    };

    it('a tab started with another user\'s token ends the first user\'s tabs (logout) and never gives them its token', async () => {
      const ann = token('ann', ['editor']);
      const a1 = await t.open(url({ token: ann }));
      const a2 = await t.open(url({ token: ann }));
      const b = await t.open(url({ token: token('bob', ['admin']) }));
      for (const page of [a1, a2]) {
        await waitForState(page, 'expired', 2_000);
        expect((await expiredOf(page)).map((e) => e.reason)).toEqual(['logout']);
        expect(await evaluate(page, 'window.session.token')).toBe(ann);
        expect(await evaluate(page, 'window.session.roles')).toEqual([]);
      }
      expect(await state(b)).toBe('active');
      expect(await expiredOf(b)).toEqual([]);
      // A new tab of bob's continues bob's session.
      const b2 = await t.open(url({ token: token('bob', ['admin']) }));
      expect(await state(b2)).toBe('active');
      expect(await expiredOf(b)).toEqual([]);
    });

    it('setToken() with another user\'s token: a fresh session in that tab, logout in the others', async () => {
      const ann = token('ann', ['editor']);
      const a1 = await t.open(url({ token: ann }));
      const a2 = await t.open(url({ token: ann }));
      const bob = token('bob', ['admin']);
      await a2.evaluate((next) => (window as never as { session: { setToken(t: string): void } }).session.setToken(next), bob);
      await waitForState(a1, 'expired', 2_000);
      expect((await expiredOf(a1)).map((e) => e.reason)).toEqual(['logout']);
      expect(await evaluate(a1, 'window.session.claims.sub')).toBe('ann');
      expect(await state(a2)).toBe('active');
      expect(await expiredOf(a2)).toEqual([]);
      expect(await evaluate(a2, 'window.session.roles')).toEqual(['admin']);
    });
  });
});
