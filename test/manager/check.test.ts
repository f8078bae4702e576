import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, requestActivity, type CheckResult, type SessionOptions, serverCheck } from 'sessionwarden';
import { jwt as makeJwt } from '../jwt';

// The server revocation check: check.request and check.url, outcomes, backoff, timeout, abort,
// skipping while the app's own requests prove the session, onFocus, and the clock offset.

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_000;


const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, crossTab: false, activity: [], ...options });
  managers.push(session);
  return session;
};
/** 'checked' results and 'expired' reasons, in order, with the time (ms after T0). */
const record = (session: SessionManager) => {
  const log: [string, string, number][] = [];
  session.on('checked', ({ result }) => log.push(['checked', result, Date.now() - T0]));
  session.on('expired', ({ reason }) => log.push(['expired', reason, Date.now() - T0]));
  return log;
};
const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
/** A fetch that never answers but honours its signal, like the real one. */
const hangingFetch = (_url: unknown, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
  });
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

let fetchMock: ReturnType<typeof vi.fn<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>>;
let originalFetch: typeof fetch;
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  originalFetch = globalThis.fetch;
  fetchMock = vi.fn(async () => json(200, { active: true }));
  globalThis.fetch = fetchMock as unknown as typeof fetch;
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  globalThis.fetch = originalFetch;
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  vi.useRealTimers();
});

describe('check.request', () => {
  it('runs every 15 minutes by default, with an AbortSignal, and emits checked', async () => {
    const signals: AbortSignal[] = [];
    const request = vi.fn(async (signal: AbortSignal): Promise<CheckResult> => (signals.push(signal), true));
    const session = make({ check: serverCheck({ request }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN - 1);
    expect(request).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(log).toEqual([['checked', 'active', 15 * MIN], ['checked', 'active', 30 * MIN], ['checked', 'active', 45 * MIN]]);
    expect(signals).toHaveLength(3);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
  });

  it.each<[string, CheckResult]>([
    ['true', true],
    ['{ active: true }', { active: true }],
    ['{ active: true, serverTime }', { active: true, serverTime: T0 }],
  ])('%s is active', async (_name, answer) => {
    const session = make({ check: serverCheck({ request: async () => answer, interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'active', MIN]]);
    expect(session.state).toBe('active');
  });

  it.each<[string, CheckResult]>([
    ['false', false],
    ['{ active: false }', { active: false }],
  ])("%s is revoked: the session ends with reason 'revoked'", async (_name, answer) => {
    const request = vi.fn(async () => answer);
    const session = make({ check: serverCheck({ request, interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'revoked', MIN], ['expired', 'revoked', MIN]]);
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('revoked');
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(request).toHaveBeenCalledTimes(1); // no check after the end
  });

  it.each<[string, () => Promise<unknown>]>([
    ['a rejection', async () => Promise.reject(new Error('offline'))],
    ['undefined', async () => undefined],
    ['a string', async () => 'yes'],
    ['an object without active', async () => ({ ok: true })],
    ['active as a string', async () => ({ active: 'false' })],
  ])('%s is unknown, never a logout', async (_name, request) => {
    const session = make({ check: serverCheck({ request: request as () => Promise<CheckResult>, interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'unknown', MIN]]);
    expect(session.state).toBe('active');
  });

  it('unknown answers are retried with backoff from 30 s, doubling, capped at the interval', async () => {
    const request = vi.fn(async (): Promise<CheckResult> => {
      throw new Error('503');
    });
    const session = make({ check: serverCheck({ request, interval: 5 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(60 * MIN);
    const times = log.map(([, , at]) => at);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    expect(times[0]).toBe(5 * MIN);
    expect(gaps.slice(0, 6)).toEqual([30 * SEC, 60 * SEC, 120 * SEC, 240 * SEC, 5 * MIN, 5 * MIN]);
    expect(log.every(([type, result]) => type === 'checked' && result === 'unknown')).toBe(true);
    expect(session.state).toBe('active');
  });

  it('an active answer after unknown ones ends the backoff: the next check is an interval later', async () => {
    const request = vi.fn<() => Promise<CheckResult>>().mockRejectedValueOnce(new Error('x')).mockRejectedValueOnce(new Error('y')).mockResolvedValue(true);
    const session = make({ check: serverCheck({ request, interval: 10 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN + 90 * SEC + 10 * MIN);
    expect(log).toEqual([
      ['checked', 'unknown', 10 * MIN],
      ['checked', 'unknown', 10 * MIN + 30 * SEC],
      ['checked', 'active', 10 * MIN + 90 * SEC],
      ['checked', 'active', 20 * MIN + 90 * SEC],
    ]);
  });

  it('a request that hangs times out after 10 s as unknown, its signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const request = vi.fn((s: AbortSignal) => ((signal = s), new Promise<CheckResult>(() => {})));
    const session = make({ check: serverCheck({ request, interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN + 10 * SEC - 1);
    expect(log).toEqual([]);
    expect(signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal!.aborted).toBe(true);
    expect(log).toEqual([['checked', 'unknown', MIN + 10 * SEC]]);
    // …and is retried 30 s later, not stuck.
    await vi.advanceTimersByTimeAsync(30 * SEC);
    expect(request).toHaveBeenCalledTimes(2);
    expect(session.state).toBe('active');
  });

  it('stop() aborts a check in flight; its late answer is dropped', async () => {
    let signal: AbortSignal | undefined;
    let answer!: (value: CheckResult) => void;
    const session = make({ check: serverCheck({ request: (s) => ((signal = s), new Promise((resolve) => (answer = resolve))), interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(signal!.aborted).toBe(false);
    session.stop();
    expect(signal!.aborted).toBe(true);
    answer(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([]);
    expect(session.state).toBe('stopped');
  });

  it('uses expiresAt from the answer as the end of a cookie session', async () => {
    const session = make({ clockSkew: 0, warnBefore: MIN, check: serverCheck({ request: async () => ({ active: true, expiresAt: T0 + 20 * MIN }), interval: 5 * MIN }) });
    const log = record(session);
    session.start();
    expect(session.remaining()).toBe(Infinity);
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(session.remaining()).toBe(15 * MIN);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(log.at(-1)).toEqual(['expired', 'token', 20 * MIN]);
  });
});

describe('check.url', () => {
  it('GETs the URL with the bearer token and no-store; 2xx is active', async () => {
    const token = makeJwt({ sub: 'u1', exp: Math.floor(T0 / 1000) + 86_400 });
    const session = make({ token, clockSkew: 0, check: serverCheck({ url: '/api/session', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/session');
    expect(init?.method ?? 'GET').toBe('GET');
    expect(init?.headers).toEqual({ Authorization: `Bearer ${token}` });
    expect(init?.cache).toBe('no-store');
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(log).toEqual([['checked', 'active', MIN]]);
  });

  it('sends no Authorization header without a token (a cookie session)', async () => {
    const session = make({ check: serverCheck({ url: '/api/session', interval: MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(fetchMock.mock.calls[0]![1]?.headers).toEqual({});
    expect(fetchMock.mock.calls[0]![1]?.credentials).toBe('same-origin');
  });

  it.each([200, 201, 204, 299])('%i is active', async (status) => {
    fetchMock.mockResolvedValue(json(status, { active: true }));
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'active', MIN]]);
  });

  it('a 200 with a body that is not JSON is still active', async () => {
    fetchMock.mockResolvedValue(new Response('OK', { status: 200 }));
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'active', MIN]]);
  });

  it('a 200 whose body says active: false is revoked', async () => {
    fetchMock.mockResolvedValue(json(200, { active: false }));
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'revoked', MIN], ['expired', 'revoked', MIN]]);
  });

  it.each([401, 403])("%i is revoked: the session ends with reason 'revoked'", async (status) => {
    fetchMock.mockResolvedValue(json(status));
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([['checked', 'revoked', MIN], ['expired', 'revoked', MIN]]);
    expect(session.getSnapshot().reason).toBe('revoked');
  });

  it.each([500, 502, 503, 504, 404, 429, 302])('%i is unknown, never a logout', async (status) => {
    fetchMock.mockResolvedValue(new Response(null, { status }));
    const session = make({ check: serverCheck({ url: '/s', interval: 10 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN + 30 * SEC);
    expect(log).toEqual([['checked', 'unknown', 10 * MIN], ['checked', 'unknown', 10 * MIN + 30 * SEC]]);
    expect(session.state).toBe('active');
  });

  it('a network error is unknown, never a logout', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const session = make({ check: serverCheck({ url: '/s', interval: 10 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(log).toEqual([['checked', 'unknown', 10 * MIN]]);
    expect(session.state).toBe('active');
  });

  it('a request that takes longer than 10 s is aborted and unknown', async () => {
    fetchMock.mockImplementation(hangingFetch);
    const session = make({ check: serverCheck({ url: '/s', interval: 10 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN + 10 * SEC - 1);
    expect(log).toEqual([]);
    const signal = fetchMock.mock.calls[0]![1]!.signal!;
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal.aborted).toBe(true);
    expect(log).toEqual([['checked', 'unknown', 10 * MIN + 10 * SEC]]);
  });

  it('a server that ignores the abort still times out after 10 s', async () => {
    fetchMock.mockImplementation(() => new Promise(() => {}));
    const session = make({ check: serverCheck({ url: '/s', interval: 10 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN + 10 * SEC);
    expect(log).toEqual([['checked', 'unknown', 10 * MIN + 10 * SEC]]);
  });

  it('answers 500, then times out, then 401: unknown, unknown, revoked, with the right delays', async () => {
    fetchMock
      .mockResolvedValueOnce(json(500))
      .mockImplementationOnce(hangingFetch)
      .mockResolvedValueOnce(json(401));
    const session = make({ check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    const calledAt: number[] = [];
    session.start();
    const tick = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      while (calledAt.length < fetchMock.mock.calls.length) calledAt.push(Date.now() - T0);
    };
    await tick(15 * MIN - 1);
    expect(fetchMock).not.toHaveBeenCalled();
    await tick(1); // 15:00 → 500
    expect(log).toEqual([['checked', 'unknown', 15 * MIN]]);
    await tick(30 * SEC - 1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await tick(1); // 15:30 → hangs
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await tick(10 * SEC - 1);
    expect(log).toHaveLength(1);
    await tick(1); // 15:40 → timed out
    expect(log).toEqual([['checked', 'unknown', 15 * MIN], ['checked', 'unknown', 15 * MIN + 40 * SEC]]);
    expect(session.state).toBe('active');
    await tick(60 * SEC - 1); // the backoff doubled to 60 s, counted from the timeout
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await tick(1); // 16:40 → 401
    expect(calledAt).toEqual([15 * MIN, 15 * MIN + 30 * SEC, 16 * MIN + 40 * SEC]);
    expect(log).toEqual([
      ['checked', 'unknown', 15 * MIN],
      ['checked', 'unknown', 15 * MIN + 40 * SEC],
      ['checked', 'revoked', 16 * MIN + 40 * SEC],
      ['expired', 'revoked', 16 * MIN + 40 * SEC],
    ]);
  });

  it('stop() aborts the check request in flight', async () => {
    fetchMock.mockImplementation(hangingFetch);
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    const signal = fetchMock.mock.calls[0]![1]!.signal!;
    expect(signal.aborted).toBe(false);
    session.stop();
    expect(signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(log).toEqual([]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('destroy() aborts it too, and start() after stop() checks again on schedule', async () => {
    fetchMock.mockImplementation(hangingFetch);
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    session.stop();
    fetchMock.mockImplementation(async () => json(200));
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([['checked', 'active', MIN]]); // overdue: at once
    session.destroy();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });
});

describe('skipping while the app proves the session alive', () => {
  it('a 2xx app request through requestActivity() postpones the check by an interval', async () => {
    const session = make({ activity: [requestActivity()], check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    await fetch('/api/data');
    await vi.advanceTimersByTimeAsync(5 * MIN); // 15:00: skipped
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/data']);
    await vi.advanceTimersByTimeAsync(10 * MIN - 1);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1); // 25:00: due
    expect(log).toEqual([['checked', 'active', 25 * MIN]]);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/data', '/api/session']);
  });

  it('an app request every 10 minutes means no check at all', async () => {
    const session = make({ activity: [requestActivity()], check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(10 * MIN);
      await fetch('/api/data');
    }
    expect(log).toEqual([]);
    expect(fetchMock.mock.calls.every(([url]) => url === '/api/data')).toBe(true);
  });

  it('a failed app request (5xx, 403) proves nothing: the check still runs', async () => {
    const session = make({ activity: [requestActivity()], check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    fetchMock.mockResolvedValueOnce(json(500)).mockResolvedValueOnce(json(403));
    await fetch('/api/data');
    await fetch('/api/other');
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(log).toEqual([['checked', 'active', 15 * MIN]]);
  });

  it('an app 2xx ends a check backoff: the next check is an interval after it', async () => {
    fetchMock.mockImplementation(async (url) => (url === '/api/session' ? json(503) : json(200)));
    const session = make({ activity: [requestActivity()], check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN + 10 * SEC);
    expect(log).toEqual([['checked', 'unknown', 15 * MIN]]);
    await fetch('/api/data');
    await vi.advanceTimersByTimeAsync(15 * MIN - 10 * SEC - 1);
    expect(log).toHaveLength(1); // the 30 s retry was not needed
    await vi.advanceTimersByTimeAsync(10 * SEC + 1);
    expect(log).toEqual([['checked', 'unknown', 15 * MIN], ['checked', 'unknown', 30 * MIN + 10 * SEC]]);
  });
});

describe("the check's own requests are not activity", () => {
  it('check.url with requestActivity() installed: checks do not keep an idle user signed in', async () => {
    const session = make({ idleTimeout: 20 * MIN, warnBefore: 2 * MIN, activity: [requestActivity()], check: serverCheck({ url: '/api/session', interval: 5 * MIN }) });
    const log = record(session);
    const activity = vi.fn();
    session.on('activity', activity);
    session.start();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(fetchMock).toHaveBeenCalledTimes(3); // 5, 10, 15 min
    expect(activity).not.toHaveBeenCalled();
    expect(log.at(-1)).toEqual(['expired', 'idle', 20 * MIN]);
  });


  /** A session whose check.request calls fetch with the check's signal, and whose activity includes the app's requests. */
  const withFetchingCheck = () =>
    make({
      idleTimeout: 20 * MIN,
      warnBefore: 2 * MIN,
      activity: [requestActivity()],
      check: serverCheck({ request: async (signal) => (await fetch('/api/me', { signal })).ok, interval: 5 * MIN }),
    });
  it('check.request that calls fetch with the given signal: not activity either', async () => {
    const session = withFetchingCheck();
    const log = record(session);
    const activity = vi.fn();
    session.on('activity', activity);
    session.start();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(activity).not.toHaveBeenCalled();
    expect(log.at(-1)).toEqual(['expired', 'idle', 20 * MIN]);
  });

  it('…while the app’s own requests made meanwhile still count', async () => {
    const session = withFetchingCheck();
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(12 * MIN);
    await fetch('/api/data');
    await vi.advanceTimersByTimeAsync(20 * MIN - 1);
    expect(session.state).not.toBe('expired');
    await vi.advanceTimersByTimeAsync(1);
    expect(log.at(-1)).toEqual(['expired', 'idle', 32 * MIN]);
  });
});

describe('onFocus', () => {
  it('when the page becomes visible after being hidden (asleep) longer than the interval, the check runs at once', async () => {
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    setVisibility('hidden');
    vi.setSystemTime(T0 + 5 * MIN + 20 * MIN); // asleep 20 min: no timer ran
    expect(fetchMock).not.toHaveBeenCalled();
    setVisibility('visible');
    expect(fetchMock).toHaveBeenCalledTimes(1); // at once, before any timer
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([['checked', 'active', 25 * MIN]]);
  });

  it('window focus after a long absence checks at once too', async () => {
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    vi.setSystemTime(T0 + 16 * MIN);
    window.dispatchEvent(new Event('focus'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('becoming visible within the interval does not check', async () => {
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    setVisibility('hidden');
    vi.setSystemTime(T0 + 14 * MIN);
    setVisibility('visible');
    window.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('during a backoff, coming back after longer than the interval checks at once', async () => {
    fetchMock.mockResolvedValueOnce(json(503)).mockResolvedValue(json(200));
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN); // unknown: retry due at 15:30
    await vi.advanceTimersByTimeAsync(10 * SEC);
    window.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([['checked', 'unknown', 15 * MIN], ['checked', 'active', 15 * MIN + 10 * SEC]]);
  });

  it('a revoked answer on wake ends the session at once', async () => {
    fetchMock.mockResolvedValue(json(401));
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    setVisibility('hidden');
    vi.setSystemTime(T0 + HOUR_MS());
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([['checked', 'revoked', HOUR_MS()], ['expired', 'revoked', HOUR_MS()]]);
  });
});
const HOUR_MS = () => 60 * MIN;

describe('the clock offset from the check', () => {
  const exp = Math.floor(T0 / 1000) + 60 * 60; // 1 h on the server clock

  it('serverTime refines the offset: the token end moves accordingly', async () => {
    // The server is 5 minutes ahead of this clock (the token has no iat to tell).
    const session = make({ token: makeJwt({ exp }), check: serverCheck({ request: async () => ({ active: true, serverTime: Date.now() + 5 * MIN }), interval: 15 * MIN }) });
    session.start();
    expect(session.remaining()).toBe(60 * MIN);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(session.remaining()).toBe(40 * MIN); // 45 min − 5 min
    const expired = vi.fn();
    session.on('expired', expired);
    await vi.advanceTimersByTimeAsync(40 * MIN - 1);
    expect(expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('serverTime in a check.url JSON body is used, taken at the middle of the request', async () => {
    fetchMock.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 2 * SEC)); // a 2-second round trip
      return json(200, { active: true, serverTime: Date.now() - 1 * SEC - 10 * MIN }); // server 10 min behind, stamped mid-way
    });
    const session = make({ token: makeJwt({ exp }), check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN + 2 * SEC);
    expect(session.remaining()).toBe(60 * MIN - 15 * MIN - 2 * SEC + 10 * MIN);
  });

  it('a clockSkew number is not changed by serverTime', async () => {
    const session = make({ token: makeJwt({ exp }), clockSkew: 0, check: serverCheck({ request: async () => ({ active: true, serverTime: Date.now() + 5 * MIN }), interval: 15 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(session.remaining()).toBe(45 * MIN);
  });

  it('the Date header refines it too, to the second', async () => {
    // 5 min 0.3 s ahead; the header only says 5 min 0 s (a second's resolution).
    fetchMock.mockImplementation(async () => new Response(null, { status: 204, headers: { date: new Date(Date.now() + 5 * MIN + 300).toUTCString() } }));
    const session = make({ token: makeJwt({ exp }), check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    // Somewhere in [5 min, 5 min + 1 s): the middle is taken.
    expect(session.remaining()).toBe(45 * MIN - 5 * MIN - 500);
  });

  it('a Date header keeps a finer offset that agrees with it', async () => {
    const ahead = 5 * MIN + 300;
    fetchMock
      .mockImplementationOnce(async () => json(200, { serverTime: Date.now() + ahead }))
      .mockImplementation(async () => new Response(null, { status: 204, headers: { date: new Date(Date.now() + ahead).toUTCString() } }));
    const session = make({ token: makeJwt({ exp }), check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(session.remaining()).toBe(45 * MIN - ahead);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(session.remaining()).toBe(30 * MIN - ahead); // unchanged by the coarser header
  });

  it('a Date header that disagrees with the known offset replaces it', async () => {
    const token = makeJwt({ iat: Math.floor(T0 / 1000), exp }); // iat: no offset
    fetchMock.mockImplementation(async () => new Response(null, { status: 200, headers: { date: new Date(Date.now() - 2 * MIN).toUTCString() } }));
    const session = make({ token, check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    expect(session.remaining()).toBe(60 * MIN);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(session.remaining()).toBe(45 * MIN + 2 * MIN - 500);
  });

  it('a serverTime that puts the token in the past ends the session at once', async () => {
    const session = make({ token: makeJwt({ exp }), check: serverCheck({ request: async () => ({ active: true, serverTime: Date.now() + 2 * 60 * MIN }), interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(log).toEqual([['checked', 'active', 15 * MIN], ['expired', 'token', 15 * MIN]]);
  });
});
