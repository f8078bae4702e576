import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, requestActivity, type CheckResult, type SessionOptions, serverCheck } from '../../src';
import { CHECK_TIMEOUT } from '../../src/check/check';
import { jwt, nowSec } from '../jwt';

const MIN = 60_000;
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, crossTab: false, activity: [], ...options });
  managers.push(session);
  return session;
};
const results = (session: SessionManager) => {
  const seen: string[] = [];
  session.on('checked', ({ result }) => seen.push(result));
  return seen;
};
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
const response = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

let fetchMock: ReturnType<typeof vi.fn>;
beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('check.request', () => {
  it('checks every 15 minutes by default', async () => {
    const request = vi.fn(async (_signal: AbortSignal): Promise<CheckResult> => true);
    const session = make({ check: serverCheck({ request }) });
    const seen = results(session);
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN - 1);
    expect(request).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(1);
    expect(request.mock.calls[0]![0]).toBeInstanceOf(AbortSignal);
    await vi.advanceTimersByTimeAsync(45 * MIN);
    expect(request).toHaveBeenCalledTimes(4);
    expect(seen).toEqual(['active', 'active', 'active', 'active']);
  });

  it('ends the session with reason revoked on false or { active: false }', async () => {
    for (const answer of [false, { active: false }] as CheckResult[]) {
      const session = make({ check: serverCheck({ request: async () => answer, interval: MIN }) });
      const expired = vi.fn();
      session.on('expired', expired);
      session.start();
      await vi.advanceTimersByTimeAsync(MIN);
      expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
    }
  });

  it('treats a thrown error or an odd answer as unknown, never a logout', async () => {
    const request = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce({ nonsense: 1 }).mockResolvedValue(true);
    const session = make({ check: serverCheck({ request, interval: 10 * MIN }) });
    const seen = results(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN + 30_000 + 60_000);
    expect(seen).toEqual(['unknown', 'unknown', 'active']);
    expect(session.state).toBe('active');
  });

  it('uses expiresAt from the answer as the session end for a cookie session', async () => {
    const session = make({ clockSkew: 0, warnBefore: 0, check: serverCheck({ request: async () => ({ active: true, expiresAt: Date.now() + 20 * MIN }), interval: 5 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(session.remaining()).toBe(20 * MIN); // was Infinity before the answer
  });

  it('aborts a check in flight on stop()', async () => {
    let signal!: AbortSignal;
    const session = make({ check: serverCheck({ request: (s) => ((signal = s), new Promise(() => {})), interval: MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(signal.aborted).toBe(false);
    session.stop();
    expect(signal.aborted).toBe(true);
  });
});

describe('check.url', () => {
  it('sends GET with the bearer token, no store; 2xx is active', async () => {
    const token = jwt({ exp: nowSec() + 86_400 });
    fetchMock.mockResolvedValue(response(200, { active: true }));
    const session = make({ token, check: serverCheck({ url: '/api/session', interval: MIN }) });
    const seen = results(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/session');
    expect(init).toMatchObject({ headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'same-origin' });
    expect(seen).toEqual(['active']);
  });

  it.each([401, 403])('ends the session with reason revoked on %i', async (status) => {
    fetchMock.mockResolvedValue(response(status));
    const session = make({ check: serverCheck({ url: '/s', interval: MIN }) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
  });

  it('answers 500, then times out, then 401: unknown, unknown (with backoff), then revoked', async () => {
    fetchMock
      .mockResolvedValueOnce(response(500))
      .mockImplementationOnce((_url: string, init: RequestInit) => new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(new Error('aborted')))))
      .mockResolvedValueOnce(response(401));
    const session = make({ check: serverCheck({ url: '/s', interval: 10 * MIN }) });
    const seen = results(session);
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(seen).toEqual(['unknown']);
    await vi.advanceTimersByTimeAsync(30_000 - 1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // first retry after 30 s; it hangs
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT);
    expect(seen).toEqual(['unknown', 'unknown']);
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(60_000 - 1); // second retry doubles to 60 s
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(seen).toEqual(['unknown', 'unknown', 'revoked']);
    expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
  });

  it('caps the backoff at the interval', async () => {
    fetchMock.mockResolvedValue(response(503));
    const session = make({ check: serverCheck({ url: '/s', interval: 2 * MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(2 * MIN + 30_000 + 60_000 + 120_000 + 120_000);
    expect(fetchMock).toHaveBeenCalledTimes(5);
    expect(session.state).toBe('active');
  });

  it('refines the clock offset from serverTime, moving the token end', async () => {
    const session = make({ token: jwt({ exp: nowSec() + 3600 }), check: serverCheck({ url: '/s', interval: MIN }) });
    session.start();
    expect(session.remaining()).toBe(60 * MIN);
    fetchMock.mockImplementation(async () => response(200, { active: true, serverTime: Date.now() + 5 * MIN }));
    await vi.advanceTimersByTimeAsync(MIN);
    expect(session.remaining()).toBe(54 * MIN); // the server is 5 min ahead: the token ends 5 min sooner locally
  });

  it('refines the clock offset from the Date header, to the second', async () => {
    const session = make({ token: jwt({ exp: nowSec() + 3600 }), check: serverCheck({ url: '/s', interval: MIN }) });
    session.start();
    fetchMock.mockImplementation(async () => response(200, {}, { date: new Date(Date.now() - 2 * MIN).toUTCString() }));
    await vi.advanceTimersByTimeAsync(MIN);
    const remaining = session.remaining();
    expect(remaining).toBeGreaterThan(61 * MIN - 1000);
    expect(remaining).toBeLessThanOrEqual(61 * MIN + 1000);
  });

  it('runs at once when the page becomes visible after being hidden longer than the interval', async () => {
    fetchMock.mockResolvedValue(response(200));
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN }) });
    session.start();
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 20 * MIN); // asleep: no timer ran
    expect(fetchMock).not.toHaveBeenCalled();
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('does not run on focus when the last check is recent, or with onFocus: false', async () => {
    fetchMock.mockResolvedValue(response(200));
    const session = make({ check: serverCheck({ url: '/s', interval: 15 * MIN, onFocus: false }) });
    session.start();
    vi.setSystemTime(Date.now() + 20 * MIN);
    window.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    // onFocus off: the overdue check runs from the timer, not the focus
    expect(fetchMock).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('check with requestActivity', () => {
  it('skips the check while the app’s own requests prove the session alive, and its own requests are not activity', async () => {
    fetchMock.mockResolvedValue(response(200));
    const session = make({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, activity: [requestActivity()], check: serverCheck({ url: '/api/session' }) });
    session.start();
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(10 * MIN);
      await fetch('/api/data'); // the app, every 10 minutes
    }
    const checkCalls = fetchMock.mock.calls.filter(([url]) => url === '/api/session');
    expect(checkCalls).toHaveLength(0);
    expect(session.state).toBe('active');
  });

  it('does not count the check’s own request as activity', async () => {
    fetchMock.mockResolvedValue(response(200));
    const session = make({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, activity: [requestActivity()], check: serverCheck({ url: '/s', interval: 5 * MIN }) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
  });
});
