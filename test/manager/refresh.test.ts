import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError, SessionManager, type SessionOptions, tokenRefresh } from 'sessionwarden';
import { jwt as makeJwt } from '../jwt';

// Refresh: refreshBefore ahead of exp, only for an active user, one at a time, retried with
// backoff until the warning; extend() during a token warning.

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_000;

/** A token that expires `lifetime` ms from now (faked clock). */
const tokenFor = (lifetime: number, extra: Record<string, unknown> = {}) => makeJwt({ exp: Math.floor((Date.now() + lifetime) / 1000), ...extra });

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

const managers: SessionManager[] = [];
/** idleTimeout off, warnBefore 2 min, so refreshBefore defaults to 3 min. */
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, warnBefore: 2 * MIN, crossTab: false, activity: [], clockSkew: 0, ...options });
  managers.push(session);
  return session;
};
const record = (session: SessionManager) => {
  const log: { type: string; at: number; payload: any }[] = [];
  for (const type of ['warning', 'expired', 'extended', 'refreshed', 'error'] as const) {
    session.on(type, (payload) => log.push({ type, at: Date.now() - T0, payload }));
  }
  return log;
};
/** When (ms after T0) each call of a mock happened. */
const callTimes = () => {
  const times: number[] = [];
  return { times, mark: () => times.push(Date.now() - T0) };
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('refresh timing', () => {
  it('is called refreshBefore ahead of exp when the user was active since the token was set', async () => {
    const { times, mark } = callTimes();
    const refresh = vi.fn(async () => (mark(), tokenFor(10 * MIN)));
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const events = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([7 * MIN]);
    expect(events).toEqual([{ type: 'refreshed', at: 7 * MIN, payload: { expiresAt: T0 + 17 * MIN } }]);
    expect(session.remaining()).toBe(10 * MIN);
    expect(session.claims?.exp).toBe(Math.floor((T0 + 17 * MIN) / 1000));
    expect(session.state).toBe('active');
  });

  it('a custom refreshBefore is honoured', async () => {
    const { times, mark } = callTimes();
    const session = make({ token: tokenFor(30 * MIN), refresh: tokenRefresh(async () => (mark(), tokenFor(30 * MIN)), { before: 10 * MIN }) });
    session.start();
    session.reportActivity();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(times).toEqual([20 * MIN]);
  });

  it('an idle user is not refreshed: the session ends at exp', async () => {
    const refresh = vi.fn(async () => tokenFor(10 * MIN));
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const events = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(refresh).not.toHaveBeenCalled();
    expect(events.map((e) => [e.type, e.at, e.payload])).toEqual([
      ['warning', 8 * MIN, { reason: 'token', expiresAt: T0 + 10 * MIN }],
      ['expired', 10 * MIN, { reason: 'token' }],
    ]);
  });

  it('each refresh needs activity since the last one: active once, refreshed once, then the new token runs out', async () => {
    const { times, mark } = callTimes();
    const refresh = vi.fn(async () => (mark(), tokenFor(10 * MIN)));
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(MIN);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(6 * MIN); // refreshed at 7 min; then idle
    expect(times).toEqual([7 * MIN]);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(times).toEqual([7 * MIN]);
    expect(events.map((e) => [e.type, e.at])).toEqual([['refreshed', 7 * MIN], ['warning', 15 * MIN], ['expired', 17 * MIN]]);
    expect(events.at(-1)!.payload).toEqual({ reason: 'token' });
  });

  it('keeps refreshing while the user stays active', async () => {
    const { times, mark } = callTimes();
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(async () => (mark(), tokenFor(10 * MIN))), sampleInterval: 0 });
    session.start();
    for (let minute = 1; minute <= 30; minute++) {
      await vi.advanceTimersByTimeAsync(MIN);
      session.reportActivity();
    }
    expect(times).toEqual([7 * MIN, 14 * MIN, 21 * MIN, 28 * MIN]);
    expect(session.state).toBe('active');
  });

  it('activity that comes back after the refresh time (before the warning) refreshes at once', async () => {
    const { times, mark } = callTimes();
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(async () => (mark(), tokenFor(10 * MIN))), sampleInterval: 0 });
    session.start();
    await vi.advanceTimersByTimeAsync(7.5 * MIN);
    expect(times).toEqual([]);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toEqual([7.5 * MIN]);
  });

  it('is not called for a token without exp', async () => {
    const refresh = vi.fn(async () => makeJwt({}));
    const session = make({ token: makeJwt({ sub: 'u' }), refresh: tokenRefresh(refresh), sampleInterval: 0 });
    session.start();
    for (let i = 0; i < 60; i++) {
      session.reportActivity();
      await vi.advanceTimersByTimeAsync(MIN);
    }
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('single flight', () => {
  it('one refresh at a time in the tab: extend() during a pending refresh does not call it again', async () => {
    const pending = deferred<string>();
    const refresh = vi.fn(() => pending.promise);
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh, { timeout: 2 * MIN })});
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(MIN); // the slow refresh runs into the token warning
    expect(session.state).toBe('warning');
    session.extend();
    session.extend();
    session.extend();
    expect(refresh).toHaveBeenCalledTimes(1);
    pending.resolve(tokenFor(10 * MIN));
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(session.state).toBe('active');
    expect(events.filter((e) => e.type === 'refreshed')).toEqual([{ type: 'refreshed', at: 8 * MIN + 1, payload: { expiresAt: T0 + 18 * MIN } }]);
  });

  it('a second extend() after the first refresh settled may refresh again', async () => {
    const refresh = vi.fn(async () => tokenFor(3 * MIN));
    const session = make({ token: tokenFor(3 * MIN), refresh: tokenRefresh(refresh) });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN); // token warning at 1 min
    expect(session.state).toBe('warning');
    session.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(MIN); // the new token's warning
    expect(session.state).toBe('warning');
    session.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('refresh failures', () => {
  it('retries with backoff (5 s, 10 s, 20 s), emits each failure as error during refresh, never throws', async () => {
    const { times, mark } = callTimes();
    const failures = [new Error('down 1'), new Error('down 2'), new Error('down 3')];
    let call = 0;
    const refresh = vi.fn(async () => {
      mark();
      if (call < failures.length) throw failures[call++];
      return tokenFor(30 * MIN);
    });
    const session = make({ token: tokenFor(30 * MIN), refresh: tokenRefresh(refresh, { before: 10 * MIN }) });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(20 * MIN - 1);
    expect(times).toEqual([20 * MIN]);
    await vi.advanceTimersByTimeAsync(5 * SEC - 1);
    expect(times).toEqual([20 * MIN]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([20 * MIN, 20 * MIN + 5 * SEC]);
    await vi.advanceTimersByTimeAsync(10 * SEC);
    expect(times).toEqual([20 * MIN, 20 * MIN + 5 * SEC, 20 * MIN + 15 * SEC]);
    await vi.advanceTimersByTimeAsync(20 * SEC);
    expect(times).toEqual([20 * MIN, 20 * MIN + 5 * SEC, 20 * MIN + 15 * SEC, 20 * MIN + 35 * SEC]);
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['error', 20 * MIN],
      ['error', 20 * MIN + 5 * SEC],
      ['error', 20 * MIN + 15 * SEC],
      ['refreshed', 20 * MIN + 35 * SEC],
    ]);
    expect(events.slice(0, 3).map((e) => e.payload)).toEqual(failures.map((error) => ({ error, during: 'refresh' })));
    expect(events[3]!.payload).toEqual({ expiresAt: T0 + 50 * MIN + 35 * SEC });
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(refresh).toHaveBeenCalledTimes(4); // the backoff is over: nothing more
    expect(session.state).toBe('active');
  });

  it('stops retrying at the token warning; the session then ends at exp', async () => {
    const { times, mark } = callTimes();
    const refresh = vi.fn(async (): Promise<string> => {
      mark();
      throw new Error('refresh endpoint down');
    });
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) }); // refresh at 7:00, warning at 8:00
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    // 7:00, 7:05, 7:15, 7:35; the next (8:15) would be after the warning (8:00).
    expect(times).toEqual([7 * MIN, 7 * MIN + 5 * SEC, 7 * MIN + 15 * SEC, 7 * MIN + 35 * SEC]);
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['error', 7 * MIN],
      ['error', 7 * MIN + 5 * SEC],
      ['error', 7 * MIN + 15 * SEC],
      ['error', 7 * MIN + 35 * SEC],
      ['warning', 8 * MIN],
      ['expired', 10 * MIN],
    ]);
    expect(events.filter((e) => e.type === 'error').every((e) => e.payload.during === 'refresh')).toBe(true);
    expect(events.at(-1)!.payload).toEqual({ reason: 'token' });
  });

  it('a refresh that throws synchronously is a failure like any other', async () => {
    const boom = new Error('sync');
    const refresh = vi.fn(() => {
      throw boom;
    }) as unknown as () => Promise<string>;
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN);
    expect(errors).toEqual([{ error: boom, during: 'refresh' }]);
    expect(session.state).toBe('active');
  });

  it('a malformed token from refresh is an error during refresh; the old token stays', async () => {
    const old = tokenFor(10 * MIN);
    const refresh = vi.fn(async () => 'garbage');
    const session = make({ token: old, refresh: tokenRefresh(refresh) });
    const errors: { error: unknown; during: string }[] = [];
    session.on('error', (e) => errors.push(e));
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.during).toBe('refresh');
    expect(errors[0]!.error).toBeInstanceOf(InvalidTokenError);
    expect(session.token).toBe(old);
    expect(session.remaining()).toBe(3 * MIN - 1);
  });
});

describe('extend() during a token warning', () => {
  it('calls refresh, even for a user who was idle; the new token ends the warning', async () => {
    const { times, mark } = callTimes();
    const refresh = vi.fn(async () => (mark(), tokenFor(10 * MIN)));
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const events = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(8 * MIN + 30 * SEC);
    expect(refresh).not.toHaveBeenCalled(); // idle: not refreshed automatically
    expect(session.getSnapshot().warning).toBe('token');
    session.extend();
    expect(times).toEqual([8.5 * MIN]);
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
    expect(events.map((e) => e.type)).toEqual(['warning', 'extended', 'refreshed']);
    expect(events.find((e) => e.type === 'refreshed')!.payload).toEqual({ expiresAt: T0 + 18.5 * MIN });
    expect(events.find((e) => e.type === 'extended')!.payload).toEqual({ expiresAt: T0 + 18.5 * MIN });
  });

  it('a failed refresh from extend() keeps the warning and the old end', async () => {
    const refresh = vi.fn(async (): Promise<string> => {
      throw new Error('nope');
    });
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh) });
    const events = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(9 * MIN);
    session.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(session.state).toBe('warning');
    await vi.advanceTimersByTimeAsync(MIN);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(events.map((e) => [e.type, e.at])).toEqual([['warning', 8 * MIN], ['error', 9 * MIN], ['expired', 10 * MIN]]);
  });

  it('without refresh, the token warning stays after extend() and the session ends at exp', async () => {
    const session = make({ token: tokenFor(10 * MIN), idleTimeout: 30 * MIN });
    const events = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(9 * MIN);
    expect(session.getSnapshot().warning).toBe('token');
    const before = session.getSnapshot();
    session.extend();
    expect(session.state).toBe('warning');
    expect(session.getSnapshot().warning).toBe('token');
    expect(session.getSnapshot().expiresAt).toBe(before.expiresAt);
    expect(session.remaining()).toBe(MIN);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(events.map((e) => [e.type, e.at, e.payload])).toEqual([
      ['warning', 8 * MIN, { reason: 'token', expiresAt: T0 + 10 * MIN }],
      ['expired', 10 * MIN, { reason: 'token' }],
    ]);
  });

  it('extend() during an idle warning does not call refresh', async () => {
    const refresh = vi.fn(async () => tokenFor(60 * MIN));
    const session = make({ token: tokenFor(60 * MIN), idleTimeout: 10 * MIN, refresh: tokenRefresh(refresh) });
    session.start();
    await vi.advanceTimersByTimeAsync(8 * MIN);
    expect(session.getSnapshot().warning).toBe('idle');
    session.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).not.toHaveBeenCalled();
    expect(session.state).toBe('active');
  });
});

describe('refresh and the session lifecycle', () => {
  /** A started session with a 10-minute token, activity after it was set, and a refresh that settles when the test says. */
  const withPendingRefresh = () => {
    const pending = deferred<string>();
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(() => pending.promise) });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    return { pending, session, events };
  };

  it('a refresh that settles after the session ended is dropped', async () => {
    const { pending, session, events } = withPendingRefresh();
    await vi.advanceTimersByTimeAsync(7 * MIN);
    session.logout();
    pending.resolve(tokenFor(10 * MIN));
    await vi.advanceTimersByTimeAsync(0);
    expect(events.map((e) => e.type)).toEqual(['expired']);
    expect(session.state).toBe('expired');
  });

  it('a refresh that fails after expiry never throws and does not revive the session', async () => {
    const { pending, session, events } = withPendingRefresh();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(session.state).toBe('expired');
    pending.reject(new Error('late'));
    await vi.advanceTimersByTimeAsync(MIN);
    expect(events.filter((e) => e.type !== 'error').map((e) => e.type)).toEqual(['warning', 'expired']);
    expect(session.state).toBe('expired');
    expect(session.remaining()).toBe(0);
  });
});
