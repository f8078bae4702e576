// One session across tabs, in real Chromium: real tabs, BroadcastChannel, Web Locks, localStorage.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  call, countRequests, events, eventTypes, jwt, launch, moveFor, pageUrl, ready, record, remaining, sleep, state, suite,
  waitForEvent, waitForState,
} from './harness';

const t = suite('e2e');
beforeEach(async () => {
  t.browser = await launch();
});

/** Short timings (idle 4 s, warning 1.5 s before); a fresh storage key per test keeps tests apart. */
const opts = (extra: Record<string, unknown> = {}) =>
  pageUrl(t.server.url, { idleTimeout: 4_000, warnBefore: 1_500, sampleInterval: 200, storageKey: t.key, ...extra });
/** Long timings, for tests about something else than inactivity. */
const calm = (extra: Record<string, unknown> = {}) => opts({ idleTimeout: 60_000, warnBefore: 10_000, ...extra });
const open = t.open;
const errorsOf = async (page: Page) => (await events(page)).filter((e) => e.type === 'error');

describe('one session across tabs', () => {
  it('activity only in tab A keeps idle tab B alive past idleTimeout', async () => {
    const a = await open(opts());
    const b = await open(opts());
    await moveFor(a, 6_500); // > idleTimeout (4 s), real mouse events in A only
    expect(await state(b)).toBe('active');
    expect(await eventTypes(b, ['warning', 'expired'])).toEqual([]);
    expect(await eventTypes(a, ['warning', 'expired'])).toEqual([]);
    expect(await remaining(b)).toBeGreaterThan(3_000); // B's end moved with A's activity
  });

  it('logout in A ends B (and C) within 1 s', async () => {
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
    const a = await open(opts());
    const b = await open(opts());
    await Promise.all([waitForState(a, 'warning', 5_000), waitForState(b, 'warning', 5_000)]);
    await call(a, 'extend');
    await waitForState(b, 'active', 1_000);
    expect(await eventTypes(b)).toEqual(['warning', 'extended']);
    expect(await eventTypes(a)).toEqual(['warning', 'extended']);
    const [ea, eb] = [(await events(a))[1]!, (await events(b))[1]!];
    expect(Math.abs(ea.expiresAt! - eb.expiresAt!)).toBeLessThan(50); // the same new end in both
    expect(await remaining(b)).toBeGreaterThan(3_000);
  });

  it('a reload keeps the session: same last activity, still active, no expiry', async () => {
    const a = await open(opts({ idleTimeout: 6_000, warnBefore: 1_000 }));
    const b = await open(opts({ idleTimeout: 6_000, warnBefore: 1_000 }));
    const before = await record(a, t.key);
    expect(before).toMatchObject({ v: 1, lastActivity: expect.any(Number) });
    await sleep(2_000);
    await a.reload();
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
    const o = opts({ sampleInterval: 1_000 });
    const a = await open(o);
    const b = await open(o);
    await sleep(1_100);
    await moveFor(a, 900); // shared at its start only
    await waitForState(a, 'warning', 4_000);
    expect(await eventTypes(b)).toEqual(['warning']);
  });
});

describe('one tab works for all', () => {
  it('with 3 tabs open, only one tab calls the check URL; when it closes, another takes over', async () => {
    const o = calm({ check: { url: '/check', interval: 1_000 } });
    const tabs = [await open(o), await open(o), await open(o)];
    const counts = countRequests(t.browser.context, '/check');
    await sleep(3_300);
    const callers = tabs.filter((t) => counts.get(t));
    expect(callers).toHaveLength(1);
    const leader = callers[0]!;
    expect(counts.get(leader)).toBeGreaterThanOrEqual(2);
    expect(counts.get(leader)).toBeLessThanOrEqual(4);
    for (const tab of tabs) {
      // Every tab hears every outcome.
      expect((await eventTypes(tab, ['checked'])).length).toBeGreaterThanOrEqual(2);
    }

    await leader.close({ runBeforeUnload: true });
    counts.clear();
    await sleep(2_600);
    const next = tabs.filter((t) => t !== leader && counts.get(t));
    expect(next).toHaveLength(1);
    expect(counts.get(next[0]!)).toBeGreaterThanOrEqual(2);
  });

  it('two tabs due to refresh at the same moment call refresh once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({ iat: now, exp: now + 8 });
    const o = calm({ warnBefore: 1_000, refreshBefore: 5_000, token, refresh: true });
    const a = await open(o);
    const b = await open(o);
    t.server.settings.refreshDelay = 300;
    await moveFor(a, 1_000); // activity since the token was set: the refresh is due at exp - 5 s
    await Promise.all([waitForEvent(a, 'refreshed', 8_000), waitForEvent(b, 'refreshed', 8_000)]);
    await sleep(500);
    expect(t.server.hits.refresh).toBe(1);
    const tokens = await Promise.all([a, b].map((t) => t.evaluate(() => (window as never as { session: { token: string } }).session.token)));
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[0]).not.toBe(token);
  });

  it('two tabs extending a token warning at the same moment call refresh once', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({ iat: now, exp: now + 5 });
    // The token warning comes 3 s before exp; no refresh is due before it (refreshBefore < warnBefore).
    const o = calm({ warnBefore: 3_000, refreshBefore: 500, token, refresh: true });
    const a = await open(o);
    const b = await open(o);
    const [wa, wb] = await Promise.all([waitForEvent(a, 'warning', 4_000), waitForEvent(b, 'warning', 4_000)]);
    expect([wa.reason, wb.reason]).toEqual(['token', 'token']);
    t.server.settings.refreshDelay = 400;
    await Promise.all([call(a, 'extend'), call(b, 'extend')]);
    await Promise.all([waitForEvent(a, 'refreshed', 3_000), waitForEvent(b, 'refreshed', 3_000)]);
    await Promise.all([waitForState(a, 'active', 1_000), waitForState(b, 'active', 1_000)]);
    await sleep(500);
    expect(t.server.hits.refresh).toBe(1);
    expect(await eventTypes(b, ['expired'])).toEqual([]);
  });
});

describe('garbage does not break the session', () => {
  it('garbage on the BroadcastChannel: one error event, the session keeps working', async () => {
    const a = await open(calm());
    const b = await open(calm());
    await a.evaluate((name) => {
      const channel = new BroadcastChannel(name);
      for (const garbage of [{ k: 'end', reason: 'nonsense' }, 'garbage', { k: 'activity', at: 'soon' }, null, { k: 'token', token: 5, skew: 0 }, { k: 'extend', at: 'x' }]) {
        channel.postMessage(garbage);
      }
      channel.close();
    }, t.key);
    await sleep(300);
    expect(await state(b)).toBe('active');
    expect(await errorsOf(b)).toEqual([expect.objectContaining({ during: 'channel' })]);
    // Still one session: activity and logout still cross.
    const before = await remaining(b);
    await sleep(500);
    await moveFor(a, 400);
    await sleep(200);
    expect(await remaining(b)).toBeGreaterThan(before);
    await call(a, 'logout');
    await waitForState(b, 'expired', 1_000);
    expect(await errorsOf(b)).toHaveLength(1);
  });

  it('garbage in localStorage: one error event, the record heals, a new tab continues the session', async () => {
    const o = calm({ check: { url: '/check', interval: 1_000 } });
    const a = await open(o);
    const b = await open(o);
    await moveFor(a, 300);
    const lastActivity = ((await record(a, t.key)) as { lastActivity: number }).lastActivity;
    await a.evaluate((k) => localStorage.setItem(k, '{not json'), t.key);
    // The leader's next check writes `provedAt` on top of the garbage (a pagehide writes `goneAt` alike)
    // and must keep the last activity: a record with none reads as "idle since 1970".
    const checks = (await eventTypes(a, ['checked'])).length;
    await a.waitForFunction((c) => (window as never as { events: { type: string }[] }).events.filter((e) => e.type === 'checked').length > c + 1, checks, { timeout: 4_000 });
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
