import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, requestActivity, type SessionOptions, serverCheck } from 'sessionwarden';

// requestActivity(): the app's own requests as activity, proof and revocation.

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_000;

/** Answers with the status given in the URL's `status` parameter (200 by default). */
const statusOf = (input: RequestInfo | URL) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return Number(new URL(url, `${location.origin}`).searchParams.get('status') ?? 200);
};

let originalFetch: typeof fetch;
let fetchMock: ReturnType<typeof vi.fn<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>>;
const managers: SessionManager[] = [];
/** Idle timeout 10 min, warning 1 min before. */
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: 10 * MIN, warnBefore: MIN, crossTab: false, sampleInterval: 0, activity: [requestActivity()], ...options });
  managers.push(session);
  return session;
};
const record = (session: SessionManager) => {
  const log: [string, unknown, number][] = [];
  for (const type of ['warning', 'expired', 'checked', 'activity'] as const) {
    session.on(type, (payload) => log.push([type, type === 'activity' ? (payload as { at: number }).at - T0 : payload, Date.now() - T0]));
  }
  return log;
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  originalFetch = globalThis.fetch;
  fetchMock = vi.fn(async (input) => new Response('{}', { status: statusOf(input) }));
  globalThis.fetch = fetchMock as unknown as typeof fetch;
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  globalThis.fetch = originalFetch;
  vi.useRealTimers();
});

describe('wrapping fetch', () => {
  it('wraps globalThis.fetch only while started and restores exactly the same function on stop()', () => {
    const session = make();
    expect(globalThis.fetch).toBe(fetchMock); // not before start()
    session.start();
    expect(globalThis.fetch).not.toBe(fetchMock);
    expect(typeof globalThis.fetch).toBe('function');
    session.stop();
    expect(globalThis.fetch).toBe(fetchMock);
    session.start();
    expect(globalThis.fetch).not.toBe(fetchMock);
    session.destroy();
    expect(globalThis.fetch).toBe(fetchMock);
  });

  it('restores fetch when the session ends', async () => {
    const session = make();
    session.start();
    session.logout();
    expect(globalThis.fetch).toBe(fetchMock);
  });

  it('passes the arguments through and returns the same response', async () => {
    const response = new Response('hello', { status: 201 });
    fetchMock.mockResolvedValueOnce(response);
    const session = make();
    session.start();
    const init = { method: 'POST', body: 'x', headers: { a: 'b' } };
    const got = await fetch('/api/items', init);
    expect(got).toBe(response);
    expect(fetchMock).toHaveBeenCalledWith('/api/items', init);
  });

  it('passes a network error through to the app, and the session lives on', async () => {
    const failure = new TypeError('Failed to fetch');
    fetchMock.mockRejectedValueOnce(failure);
    const session = make();
    session.start();
    await expect(fetch('/api/items')).rejects.toBe(failure);
    expect(session.state).toBe('active');
  });

  it('does nothing when there is no fetch to wrap', () => {
    (globalThis as { fetch?: typeof fetch }).fetch = undefined;
    const session = make();
    expect(() => session.start()).not.toThrow();
    expect(globalThis.fetch).toBeUndefined();
    session.stop();
    expect(globalThis.fetch).toBeUndefined();
  });

  it('two sources stopped in reverse order restore the original fetch', () => {
    const a = make({ storageKey: 'a' });
    const b = make({ storageKey: 'b' });
    a.start();
    b.start();
    b.stop();
    a.stop();
    expect(globalThis.fetch).toBe(fetchMock);
  });
});

describe('activity', () => {
  it('counts a request as activity: an app that keeps requesting stays signed in', async () => {
    const session = make();
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(8 * MIN);
    await fetch('/api/items');
    await vi.advanceTimersByTimeAsync(9 * MIN - 1); // idle end moved from 10 to 18 min
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(1);
    expect(session.state).toBe('warning');
    expect(log.filter(([type]) => type === 'activity')).toEqual([['activity', 8 * MIN, 8 * MIN]]);
  });

  it.each([
    ['a URL object', () => new URL(`${location.origin}/api/items`)],
    ['a Request', () => new Request(`${location.origin}/api/items`)],
  ])('counts %s too', async (_name, input) => {
    const session = make();
    session.start();
    await vi.advanceTimersByTimeAsync(8 * MIN);
    await fetch(input());
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('an ignored request is not activity: background polling does not keep an idle session alive', async () => {
    const ignore = vi.fn((url: string) => url.includes('/poll'));
    const session = make({ activity: [requestActivity({ ignore })] });
    const log = record(session);
    session.start();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(MIN);
      await fetch('/api/poll?n=' + i);
    }
    expect(ignore).toHaveBeenCalledWith('/api/poll?n=0');
    expect(log.filter(([type]) => type === 'activity')).toEqual([]);
    expect(log.at(-1)).toEqual(['expired', { reason: 'idle' }, 10 * MIN]);
  });

  it('the ignore predicate gets the URL of a Request or URL object as a string', async () => {
    const ignore = vi.fn(() => true);
    make({ activity: [requestActivity({ ignore })] }).start();
    await fetch(new URL(`${location.origin}/a`));
    await fetch(new Request(`${location.origin}/b`));
    expect(ignore.mock.calls).toEqual([[`${location.origin}/a`], [`${location.origin}/b`]]);
  });

  it('a request made after stop() is not activity', async () => {
    const session = make();
    session.start();
    const keep = globalThis.fetch; // the app kept a reference to the wrapped fetch
    expect(keep).not.toBe(fetchMock);
    session.stop();
    vi.advanceTimersByTime(5 * MIN);
    await keep('/api/items');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    session.start();
    expect(session.remaining()).toBe(5 * MIN); // the idle end is still 10 min after the start
  });
});

describe('proof and revocation', () => {
  it('a 2xx proves the session alive: the backup check is skipped', async () => {
    const session = make({ idleTimeout: Infinity, check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(10 * MIN);
      await fetch('/api/items');
    }
    expect(log.filter(([type]) => type === 'checked')).toEqual([]);
    expect(fetchMock.mock.calls.map(([url]) => url)).not.toContain('/api/session');
  });

  it("a 401 ends the session with reason 'revoked', and the app still gets the response", async () => {
    const session = make();
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    const response = await fetch('/api/items?status=401');
    expect(response.status).toBe(401);
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('revoked');
    expect(log.filter(([type]) => type === 'expired')).toEqual([['expired', { reason: 'revoked' }, MIN]]);
  });

  it('a 401 ends the session even on an ignored request', async () => {
    const session = make({ activity: [requestActivity({ ignore: () => true })] });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    await fetch('/api/poll?status=401');
    expect(expired).toHaveBeenCalledTimes(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
  });

  it.each([true, false])('a 403 never ends it (ignored: %s)', async (ignored) => {
    const session = make({ activity: [requestActivity({ ignore: () => ignored })] });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    const response = await fetch('/api/admin?status=403');
    expect(response.status).toBe(403);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(expired).not.toHaveBeenCalled();
    expect(session.state).toBe('active');
  });

  it.each([400, 404, 500, 503])('a %i neither ends the session nor proves it', async (status) => {
    const session = make({ idleTimeout: Infinity, check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    await fetch(`/api/items?status=${status}`);
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(session.state).toBe('active');
    expect(log.filter(([type]) => type === 'checked')).toEqual([['checked', { result: 'active' }, 15 * MIN]]);
  });

  it('a 401 that arrives after stop() leaves the stopped session alone', async () => {
    let answer!: (response: Response) => void;
    fetchMock.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const session = make();
    session.start();
    const pending = fetch('/api/items');
    session.stop();
    answer(new Response(null, { status: 401 }));
    expect((await pending).status).toBe(401);
    expect(session.state).toBe('stopped');
    session.start();
    expect(session.state).toBe('active');
  });
});

describe('only requests to the app\'s API speak for the session', () => {
  it.each([
    ['a third-party tile server', 'https://tiles.example.net/1/2/3.png'],
    ['another origin with the same host name and another port', 'http://localhost:9/api/items'],
    ['a look-alike host', `${location.protocol}//${location.host.replace(":", ".evil.example:")}/api/items`],
  ])('a 401 from %s never ends the session, counts or proves nothing (default api: the page origin)', async (_name, url) => {
    const session = make({ idleTimeout: 10 * MIN, check: serverCheck({ url: '/api/session', interval: 15 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    const response = await fetch(`${url}?status=401`);
    expect(response.status).toBe(401); // the app still gets its answer
    await fetch(url);
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(5 * MIN); // not activity
    await vi.advanceTimersByTimeAsync(4 * MIN);
    expect(log.filter(([type]) => type === 'activity' || type === 'expired')).toEqual([]);
  });

  it('api lists the origins and URL prefixes that are the app\'s API; only they count, prove and revoke', async () => {
    const api = ['https://api.example.com', '/v2/'];
    const session = make({ activity: [requestActivity({ api })] });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    await fetch('https://api.example.com/items'); // activity
    expect(session.remaining()).toBe(10 * MIN);
    await vi.advanceTimersByTimeAsync(MIN);
    await fetch('/v1/items?status=401'); // the page's origin, but not in `api`
    await fetch('https://example.com/items?status=401');
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(9 * MIN);
    await fetch(`${location.origin}/v2/items`);
    expect(session.remaining()).toBe(10 * MIN);
    await fetch('https://api.example.com/me?status=401');
    expect(session.state).toBe('expired');
    expect(log.filter(([type]) => type === 'expired')).toEqual([['expired', { reason: 'revoked' }, 6 * MIN]]);
  });
});

describe("the session check's own requests", () => {
  it('are not activity and do not pass through the app’s wrapper', async () => {
    const session = make({ idleTimeout: 20 * MIN, warnBefore: 2 * MIN, check: serverCheck({ url: '/api/session', interval: 4 * MIN }) });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/session', '/api/session', '/api/session', '/api/session']);
    expect(log.filter(([type]) => type === 'activity')).toEqual([]);
    expect(log.at(-1)).toEqual(['expired', { reason: 'idle' }, 20 * MIN]);
  });

  it('a check.request that calls the (wrapped) fetch with its signal is not activity', async () => {
    const session = make({
      idleTimeout: 20 * MIN,
      warnBefore: 2 * MIN,
      check: serverCheck({ request: (signal) => fetch('/api/me', { signal }).then((r) => r.ok), interval: 4 * MIN }),
    });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(log.filter(([type]) => type === 'activity')).toEqual([]);
    expect(log.at(-1)).toEqual(['expired', { reason: 'idle' }, 20 * MIN]);
  });
});

describe('bad input', () => {
  it.each([['a string', '/poll'], ['a number', 1], ['a regexp', /poll/], ['null', null], ['an object', {}]])(
    'ignore as %s is a TypeError naming it',
    (_name, ignore) => {
      expect(() => requestActivity({ ignore: ignore as unknown as (url: string) => boolean })).toThrow(TypeError);
      expect(() => requestActivity({ ignore: ignore as unknown as (url: string) => boolean })).toThrow(/ignore/);
    },
  );

  it.each([['a string', 'https://api.example.com'], ['an empty array', []], ['an array with a number', [1]], ['an array with an empty string', ['']], ['null', null]])(
    'api as %s is a TypeError naming it',
    (_name, api) => {
      expect(() => requestActivity({ api: api as unknown as string[] })).toThrow(TypeError);
      expect(() => requestActivity({ api: api as unknown as string[] })).toThrow(/^sessionwarden: requestActivity\(\) option `api`/);
    },
  );

  it('no options, empty options and ignore: undefined are fine', () => {
    expect(() => requestActivity()).not.toThrow();
    expect(() => requestActivity({})).not.toThrow();
    expect(() => requestActivity({ ignore: undefined })).not.toThrow();
  });
});

describe("the API's clock (clockSkew: 'auto')", () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const dated = (serverNow: number, status = 200) =>
    fetchMock.mockResolvedValueOnce(new Response('{}', { status, headers: { date: new Date(serverNow).toUTCString() } }));

  it("an API answer's Date header sets the offset an old token could not teach", async () => {
    // Restored from storage: issued 1 h ago, 1 h left on this clock; the server's clock is 10 min ahead.
    const token = jwt({ sub: 'u1', iat: Math.floor((T0 - 60 * MIN) / 1000), exp: Math.floor((T0 + 60 * MIN) / 1000) });
    const session = make({ token, idleTimeout: Infinity });
    session.start();
    expect(session.remaining()).toBe(60 * MIN);
    dated(T0 + 10 * MIN);
    await fetch('/api/posts');
    // exp is on the server's clock: 10 min sooner on this one (±0.5 s: a Date header is to the second).
    expect(Math.abs(session.remaining() - 50 * MIN)).toBeLessThanOrEqual(500);
  });

  it('answers from elsewhere, and answers without a Date header, say nothing of the clock', async () => {
    const token = jwt({ sub: 'u1', iat: Math.floor((T0 - 60 * MIN) / 1000), exp: Math.floor((T0 + 60 * MIN) / 1000) });
    const session = make({ token, idleTimeout: Infinity });
    session.start();
    dated(T0 + 10 * MIN);
    await fetch('https://tiles.example.org/1/2/3.png');
    fetchMock.mockResolvedValueOnce(new Response('{}', { status: 200 }));
    await fetch('/api/posts');
    fetchMock.mockResolvedValueOnce(new Response('{}', { status: 200, headers: { date: 'yesterday-ish' } }));
    await fetch('/api/posts');
    expect(session.remaining()).toBe(60 * MIN);
  });

  it('a fixed clockSkew is never moved by a Date header', async () => {
    const token = jwt({ sub: 'u1', exp: Math.floor((T0 + 60 * MIN) / 1000) });
    const session = make({ token, idleTimeout: Infinity, clockSkew: 0 });
    session.start();
    dated(T0 + 10 * MIN);
    await fetch('/api/posts');
    expect(session.remaining()).toBe(60 * MIN);
  });
});

describe("the API's clock, once the offset is known", () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('a Date header does not move an offset a fresh token or a check taught (it may come from another machine, or a cache)', async () => {
    // A fresh token: the server is 2 min ahead of this clock, learned from iat.
    const token = jwt({ sub: 'u1', iat: Math.floor((T0 + 2 * MIN) / 1000), exp: Math.floor((T0 + 2 * MIN) / 1000) + 600 });
    const session = make({ token, idleTimeout: Infinity });
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
    fetchMock.mockResolvedValueOnce(new Response('{}', { status: 200, headers: { date: new Date(T0 + 60 * MIN).toUTCString() } }));
    await fetch('/api/posts');
    expect(session.remaining()).toBe(10 * MIN);
  });
});
