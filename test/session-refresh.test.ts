import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions, tokenRefresh } from '../src';
import { jwt, nowSec } from './jwt';

const MIN = 60_000;
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, warnBefore: 2 * MIN, crossTab: false, activity: [], clockSkew: 0, ...options });
  managers.push(session);
  return session;
};
const token = (lifetimeSec = 600) => jwt({ exp: nowSec() + lifetimeSec });

beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('refresh', () => {
  it('refreshes refreshBefore ahead of exp when the user was active since the last refresh', async () => {
    const refresh = vi.fn(async () => token());
    const session = make({ token: token(), refresh: tokenRefresh(refresh) }); // refreshBefore = warnBefore + 1 min = 3 min
    const refreshed = vi.fn();
    const warning = vi.fn();
    session.on('refreshed', refreshed);
    session.on('warning', warning);
    session.start();
    vi.advanceTimersByTime(1 * MIN);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN - 1 * MIN - 1); // exp − refreshBefore (3 min)
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refreshed).toHaveBeenCalledWith({ expiresAt: Date.now() + 10 * MIN });
    expect(warning).not.toHaveBeenCalled();
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('does not keep an idle user signed in: no activity, no refresh, the session ends at exp', async () => {
    const refresh = vi.fn(async () => token());
    const session = make({ token: token(), refresh: tokenRefresh(refresh) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(refresh).not.toHaveBeenCalled();
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('refreshes when activity comes back after the refresh time, before the warning', async () => {
    const refresh = vi.fn(async () => token());
    const session = make({ token: token(), refresh: tokenRefresh(refresh), sampleInterval: 0 });
    session.start();
    await vi.advanceTimersByTimeAsync(7.5 * MIN); // past the refresh time, user idle
    expect(refresh).not.toHaveBeenCalled();
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('is single-flight within the tab', async () => {
    let resolve!: (t: string) => void;
    const refresh = vi.fn(() => new Promise<string>((r) => (resolve = r)));
    const session = make({ token: token(), refresh: tokenRefresh(refresh) });
    session.start();
    await vi.advanceTimersByTimeAsync(8 * MIN); // idle: into the token warning
    expect(session.state).toBe('warning');
    session.extend();
    session.extend();
    expect(refresh).toHaveBeenCalledTimes(1);
    resolve(token());
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toBe('active');
  });

  it('retries a failing refresh with backoff (5 s doubling), reporting each failure, never throwing', async () => {
    const refresh = vi.fn()
      .mockRejectedValueOnce(new Error('offline 1'))
      .mockRejectedValueOnce(new Error('offline 2'))
      .mockRejectedValueOnce(new Error('offline 3'))
      .mockImplementation(async () => token());
    const session = make({ token: token(), refresh: tokenRefresh(refresh) });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    session.start();
    vi.advanceTimersByTime(1_000);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN - 1_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10_000 - 1);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(refresh).toHaveBeenCalledTimes(4);
    expect(errors).toEqual([1, 2, 3].map((n) => ({ error: new Error(`offline ${n}`), during: 'refresh' })));
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('stops retrying at the warning; the session then ends at exp', async () => {
    const refresh = vi.fn(async () => {
      throw new Error('down');
    });
    const session = make({ token: token(), refresh: tokenRefresh(refresh) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.on('error', () => {});
    session.start();
    vi.advanceTimersByTime(1_000);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(8 * MIN);
    const calls = refresh.mock.calls.length;
    expect(calls).toBeGreaterThan(1);
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(refresh).toHaveBeenCalledTimes(calls);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('extend() during a token warning calls refresh; without refresh the token warning stays', async () => {
    const refresh = vi.fn(async () => token());
    const withRefresh = make({ token: token(), refresh: tokenRefresh(refresh), storageKey: 'a' });
    withRefresh.start();
    await vi.advanceTimersByTimeAsync(8 * MIN); // idle: no automatic refresh; token warning
    expect(withRefresh.getSnapshot().warning).toBe('token');
    withRefresh.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(withRefresh.state).toBe('active');

    const without = make({ token: token(), storageKey: 'b' });
    without.start();
    await vi.advanceTimersByTimeAsync(8 * MIN);
    without.extend();
    expect(without.getSnapshot()).toMatchObject({ state: 'warning', warning: 'token' });
  });
});
