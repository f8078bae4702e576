import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, requestActivity } from '../../src';
import { bareFetch } from '../../src/activity/requests';

const MIN = 60_000;
let original: typeof fetch;
let fetchMock: ReturnType<typeof vi.fn>;
const managers: SessionManager[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  fetchMock = vi.fn(async (url: string) => new Response('{}', { status: Number(new URL(url, 'http://x').searchParams.get('status') ?? 200) }));
  original = globalThis.fetch;
  globalThis.fetch = fetchMock as unknown as typeof fetch;
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  globalThis.fetch = original;
  vi.useRealTimers();
});
const make = (ignore?: (url: string) => boolean) => {
  const session = new SessionManager({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, crossTab: false, activity: [requestActivity({ ignore })] });
  managers.push(session);
  return session;
};

describe('requestActivity', () => {
  it('wraps fetch while started and restores the same function on stop', () => {
    const session = make();
    session.start();
    expect(globalThis.fetch).not.toBe(fetchMock);
    expect(bareFetch()).toBe(fetchMock);
    session.stop();
    expect(globalThis.fetch).toBe(fetchMock);
    session.start();
    session.destroy();
    expect(globalThis.fetch).toBe(fetchMock);
  });

  it('counts a request as activity and passes the response through', async () => {
    const session = make();
    session.start();
    vi.advanceTimersByTime(20 * MIN);
    const res = await fetch('/api/data');
    expect(res.status).toBe(200);
    expect(fetchMock).toHaveBeenCalledWith('/api/data', undefined);
    expect(session.remaining()).toBe(30 * MIN);
  });

  it('does not count ignored background polling, with the URL of a string, URL or Request', async () => {
    const ignore = vi.fn((url: string) => url.includes('/poll'));
    const session = make(ignore);
    session.start();
    vi.advanceTimersByTime(20 * MIN);
    await fetch('/api/poll');
    await fetch(new URL(`${location.origin}/api/poll`));
    await fetch(new Request(`${location.origin}/api/poll`));
    expect(ignore.mock.calls.map(([url]) => url)).toEqual(['/api/poll', `${location.origin}/api/poll`, `${location.origin}/api/poll`]);
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('ends the session with reason revoked on a 401, even on an ignored request', async () => {
    const session = make(() => true);
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await fetch('/api/poll?status=401');
    expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
  });

  it('never ends the session on a 403: a permission error, not a session error', async () => {
    const session = make();
    session.start();
    const res = await fetch('/api/admin?status=403');
    expect(res.status).toBe(403);
    expect(session.state).toBe('active');
  });

  it('rejects an ignore that is not a function', () => {
    expect(() => requestActivity({ ignore: '/poll' as never })).toThrow(TypeError);
  });

  it('does nothing where there is no fetch', () => {
    globalThis.fetch = undefined as never;
    const stop = requestActivity().start(() => {}, { proved() {}, revoked() {} });
    expect(globalThis.fetch).toBeUndefined();
    stop();
  });
});
