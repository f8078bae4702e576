// What a real working day found (SPEC.md, "Real use"), where happy-dom tells the truth: a refresh
// that hangs, the back/forward cache after the end, another user's token, timestamps from the
// future, roles after the end, and mistakes caught early. Real-Chromium halves: test/e2e/working-day.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError, SessionManager, type SessionEvents, type SessionContext, type SessionOptions, type TokenRefreshOptions, tokenRefresh } from 'sessionwarden';
import { jwt } from '../jwt';
import { fakeLocks } from '../fake-locks';
import { expectBadInput, expectMessage } from '../mode';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_000;

/** A token for `sub` that expires `lifetime` ms from now (faked clock). */
const tokenFor = (lifetime: number, sub = 'ann', extra: Record<string, unknown> = {}) =>
  jwt({ sub, exp: Math.floor((Date.now() + lifetime) / 1000), roles: ['editor'], ...extra });

const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: 10 * MIN, warnBefore: MIN, activity: [], clockSkew: 0, crossTab: false, ...options });
  managers.push(session);
  return session;
};
type Logged = [keyof SessionEvents, unknown, number];
const record = (session: SessionManager) => {
  const log: Logged[] = [];
  for (const type of ['warning', 'extended', 'expired', 'refreshed', 'error'] as const) {
    session.on(type, (payload) => log.push([type, payload, Date.now() - T0]));
  }
  return log;
};
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
};
const transition = (type: 'pagehide' | 'pageshow', persisted: boolean) =>
  window.dispatchEvent(Object.assign(new Event(type), { persisted }));

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  delete (navigator as { locks?: unknown }).locks;
  vi.useRealTimers();
});

describe('a refresh can never wedge the session', () => {
  /** Refresh due at 7:00 (token of 10 min, warnBefore 1 min, refreshBefore 3 min), user active. */
  const due = async (refresh: (signal: AbortSignal) => Promise<string>, options: TokenRefreshOptions = {}) => {
    const session = make({ token: tokenFor(10 * MIN), refresh: tokenRefresh(refresh, { before: 3 * MIN, ...options }) });
    const log = record(session);
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(7 * MIN - 1);
    return { session, log };
  };

  it('is called with an AbortSignal that aborts when the call is abandoned after refreshTimeout', async () => {
    const signals: AbortSignal[] = [];
    const refresh = vi.fn((signal: AbortSignal) => (signals.push(signal), new Promise<string>(() => {})));
    const { log } = await due(refresh, { timeout: 20 * SEC });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    await vi.advanceTimersByTimeAsync(20 * SEC - 1);
    expect(signals[0]!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals[0]!.aborted).toBe(true);
    const [type, payload, at] = log[0]!;
    expect([type, at]).toEqual(['error', 7 * MIN + 20 * SEC]);
    expect(payload).toMatchObject({ during: 'refresh', error: { name: 'TimeoutError' } });
    expectMessage((payload as { error: Error }).error.message, /^sessionwarden: refresh\(\) still pending after 20000 ms/, 44);
  });

  it('a hung call is retried with backoff; its late answer is dropped; a later success keeps the session', async () => {
    const hung = deferred<string>();
    const late = tokenFor(30 * MIN, 'ann', { n: 'late' });
    let calls = 0;
    const refresh = vi.fn(() => (++calls === 1 ? hung.promise : Promise.resolve(tokenFor(10 * MIN, 'ann', { n: calls }))));
    const { session, log } = await due(refresh); // refreshTimeout 15 s by default
    await vi.advanceTimersByTimeAsync(15 * SEC);
    expect(log.map(([type, , at]) => [type, at])).toEqual([['error', 7 * MIN + 15 * SEC]]);
    await vi.advanceTimersByTimeAsync(5 * SEC); // the first retry, 5 s later
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(session.claims?.n).toBe(2);
    hung.resolve(late); // the abandoned call answers at last: dropped
    await vi.advanceTimersByTimeAsync(0);
    expect(session.claims?.n).toBe(2);
    expect(session.token).not.toBe(late);
    // The user goes on working through the next lifetimes: one refresh each, never signed out.
    for (let lifetime = 0; lifetime < 3; lifetime++) {
      for (let i = 0; i < 10; i++) {
        session.reportActivity();
        await vi.advanceTimersByTimeAsync(MIN);
      }
    }
    expect(session.state).toBe('active');
    expect(log.filter(([type]) => type === 'expired')).toEqual([]);
    expect(refresh.mock.calls.length).toBeGreaterThanOrEqual(5);
  });

  it('holds the Web Lock `${storageKey}:refresh` while refresh runs; a refresh asking for it itself is abandoned, not wedged', async () => {
    const locks = fakeLocks();
    Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
    const held: string[][] = [];
    // The mistake the demo made: asking, inside refresh, for the lock the library holds around it.
    const refresh = vi.fn((): Promise<string> => (held.push(locks.held()), navigator.locks.request('sessionwarden:refresh', () => tokenFor(10 * MIN))));
    const { session, log } = await due(refresh);
    expect(held[0]).toContain('sessionwarden:refresh');
    await vi.advanceTimersByTimeAsync(15 * SEC);
    expect(log[0]).toMatchObject(['error', { during: 'refresh' }, 7 * MIN + 15 * SEC]);
    expectMessage((log[0]![1] as { error: Error }).error.message, /must not ask for the lock "sessionwarden:refresh"/, 44);
    // The lock was let go: the app's own request got it, and nothing stays queued behind it.
    await vi.advanceTimersByTimeAsync(0);
    expect(locks.held()).not.toContain('sessionwarden:refresh');
    expect(session.state).toBe('active');
  });

  it('extend() during the token warning tries again after an abandoned call', async () => {
    let calls = 0;
    const refresh = vi.fn(() => (++calls === 1 ? new Promise<string>(() => {}) : Promise.resolve(tokenFor(10 * MIN))));
    const { session } = await due(refresh, { timeout: 2 * MIN }); // abandoned at 9:00, after the warning (9:00)
    await vi.advanceTimersByTimeAsync(2 * MIN + 1);
    expect(session.state).toBe('warning');
    session.extend();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(session.state).toBe('active'); // outlived the old exp (10:00)
  });

  describe('refresh(): the app runs its refresh now, single-flight', () => {
    it('before start() (a new tab with no token): sets the token and resolves to it; start() continues with it', async () => {
      const token = tokenFor(10 * MIN);
      const refresh = vi.fn(async () => token);
      const session = make({ refresh: tokenRefresh(refresh) });
      const [a, b] = [session.refresh(), session.refresh()]; // React's StrictMode runs effects twice
      await expect(a).resolves.toBe(token);
      await expect(b).resolves.toBe(token);
      expect(refresh).toHaveBeenCalledTimes(1);
      expect(session.token).toBe(token);
      expect(session.roles).toEqual(['editor']);
      session.start();
      expect(session.remaining()).toBe(10 * MIN);
    });

    it('runs under the refresh lock, after another refresh holding it', async () => {
      const locks = fakeLocks();
      Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
      const other = deferred<void>();
      void navigator.locks.request('sessionwarden:refresh', () => other.promise); // another tab refreshing
      const refresh = vi.fn(async () => tokenFor(10 * MIN));
      const session = make({ refresh: tokenRefresh(refresh) });
      const pending = session.refresh();
      await vi.advanceTimersByTimeAsync(0);
      expect(refresh).not.toHaveBeenCalled();
      other.resolve();
      await pending;
      expect(refresh).toHaveBeenCalledTimes(1);
    });

    it('rejects with what refresh threw, or with an InvalidTokenError naming refresh(), and keeps the old token', async () => {
      const old = tokenFor(10 * MIN);
      const boom = new Error('offline');
      const session = make({ token: old, refresh: tokenRefresh(vi.fn().mockRejectedValueOnce(boom).mockResolvedValueOnce('garbage')) });
      await expect(session.refresh()).rejects.toBe(boom);
      const error = await session.refresh().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidTokenError);
      expectMessage((error as Error).message, /^sessionwarden: refresh\(\) got a malformed JWT/, 36);
      expect(session.token).toBe(old);
    });

    it('without a refresh option: a TypeError at once', () => {
      const session = make();
      expectBadInput(() => session.refresh(), TypeError, /^sessionwarden: refresh\(\) needs the `refresh` option/, 23);
    });
  });
});

describe('the back/forward cache', () => {
  it('a page restored after its session ended emits expired again, with the same reason, each time', async () => {
    const session = make();
    const log = record(session);
    session.start();
    session.logout();
    transition('pagehide', true);
    transition('pageshow', true);
    transition('pageshow', false); // a reload is a new page, not this one
    transition('pageshow', true);
    expect(log.map(([type, payload]) => [type, payload])).toEqual([
      ['expired', { reason: 'logout' }], ['expired', { reason: 'logout' }], ['expired', { reason: 'logout' }],
    ]);
  });

  it('a session that ends on the restore itself (news read on wake-up) emits expired once', () => {
    const a = make({ crossTab: 'bf2', storageKey: 'bf2' });
    const log = record(a);
    a.start();
    transition('pagehide', true);
    localStorage.setItem('bf2', JSON.stringify({ v: 1, lastActivity: Date.now(), ended: 'logout', endedAt: Date.now() }));
    document.dispatchEvent(new Event('visibilitychange')); // Chrome shows the page before its pageshow
    transition('pageshow', true);
    expect(log.map(([type, payload]) => [type, payload])).toEqual([['expired', { reason: 'logout' }]]);
  });

  it('destroy() and a new session (setToken + start) stop the re-emission', () => {
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const pageshow = (spy: typeof added) => spy.mock.calls.filter(([type]) => type === 'pageshow').map(([, listener]) => listener);
    const a = make();
    a.start();
    a.logout();
    expect(pageshow(added).length).toBeGreaterThan(pageshow(removed).length); // the re-emission listens
    a.destroy();
    expect(new Set(pageshow(removed))).toEqual(new Set(pageshow(added))); // nothing left behind

    const b = make();
    const logB = record(b);
    b.start();
    b.logout();
    b.setToken(tokenFor(10 * MIN));
    b.start();
    transition('pageshow', true);
    expect(logB.filter(([type]) => type === 'expired')).toHaveLength(1);
    expect(b.state).toBe('active');
  });

  it('a cached page closes its channel (no message can evict it) and reads what it missed from the record on restore', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const Real = BroadcastChannel;
    vi.stubGlobal('BroadcastChannel', class extends Real {
      constructor(name: string) {
        super(name);
        opened.push(name);
      }
      override close() {
        closed.push(this.name);
        super.close();
      }
    });
    const a = make({ crossTab: 'bf', storageKey: 'bf' });
    const log = record(a);
    a.start();
    expect(opened).toEqual(['bf']);
    transition('pagehide', true);
    expect(closed).toEqual(['bf']);
    const b = make({ crossTab: 'bf', storageKey: 'bf' });
    b.start();
    b.logout(); // while A sits in the cache
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual([]);
    transition('pageshow', true);
    expect(opened).toEqual(['bf', 'bf', 'bf']); // B's, then A's again
    expect(log.map(([type, payload]) => [type, payload])).toEqual([['expired', { reason: 'logout' }]]);
    vi.unstubAllGlobals();
  });
});

describe('one user per session', () => {
  const tab = (token: string, key = 'users') => {
    const session = make({ token, crossTab: key, storageKey: key });
    const log = record(session);
    session.start();
    return { session, log };
  };
  const expired = (log: Logged[]) => log.filter(([type]) => type === 'expired').map(([, payload]) => payload);

  it('setToken() with another sub: a fresh session here (no expired), logout in the other tabs, which never take the token', async () => {
    const a = tab(tokenFor(10 * MIN, 'ann'));
    const b = tab(tokenFor(10 * MIN, 'ann'));
    await vi.advanceTimersByTimeAsync(4 * MIN);
    const bob = tokenFor(10 * MIN, 'bob', { roles: ['admin'] });
    b.session.setToken(bob);
    await vi.advanceTimersByTimeAsync(0);
    expect(expired(a.log)).toEqual([{ reason: 'logout' }]);
    expect(a.session.token).not.toBe(bob);
    expect(a.session.claims?.sub).toBe('ann');
    expect(a.session.roles).toEqual([]);
    expect(expired(b.log)).toEqual([]);
    expect(b.session.state).toBe('active');
    expect(b.session.roles).toEqual(['admin']);
    expect(b.session.remaining()).toBe(10 * MIN); // a fresh session: inactivity counts from now
    expect(JSON.parse(localStorage.getItem('users')!)).toMatchObject({ sub: 'bob', lastActivity: Date.now() });
  });

  it('a refresh that returns another user\'s token does the same', async () => {
    const a = tab(tokenFor(10 * MIN, 'ann'));
    const session = make({ token: tokenFor(10 * MIN, 'ann'), crossTab: 'users', storageKey: 'users', refresh: tokenRefresh(async () => tokenFor(10 * MIN, 'bob')) });
    const log = record(session);
    session.start();
    await session.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(expired(a.log)).toEqual([{ reason: 'logout' }]);
    expect(expired(log)).toEqual([]);
    expect(session.claims?.sub).toBe('bob');
  });

  it('a tab started with another sub never continues the record; the tabs open on it end it (logout)', async () => {
    const a = tab(tokenFor(10 * MIN, 'ann'));
    await vi.advanceTimersByTimeAsync(8 * MIN); // ann idle for 8 of her 10 minutes
    const b = tab(tokenFor(10 * MIN, 'bob'));
    await vi.advanceTimersByTimeAsync(0);
    expect(expired(a.log)).toEqual([{ reason: 'logout' }]);
    expect(b.session.remaining()).toBe(10 * MIN); // not ann's 2 minutes left
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(b.session.state).toBe('active');
    expect(expired(b.log)).toEqual([]);
  });

  it('an end message of another user\'s session leaves this one alone; the same user\'s ends it', async () => {
    const a = tab(tokenFor(10 * MIN, 'ann'));
    const channel = new BroadcastChannel('users');
    channel.postMessage({ k: 'end', reason: 'idle', sub: 'bob' });
    await vi.advanceTimersByTimeAsync(0);
    expect(a.session.state).toBe('active');
    channel.postMessage({ k: 'end', reason: 'revoked', sub: 'ann' });
    await vi.advanceTimersByTimeAsync(0);
    expect(expired(a.log)).toEqual([{ reason: 'revoked' }]);
    channel.close();
  });

  it('a page that wakes to find another user\'s record ends its own session (logout)', async () => {
    const a = tab(tokenFor(10 * MIN, 'ann'), 'wake-users');
    const bobs = { v: 1, lastActivity: Date.now(), sub: 'bob' };
    localStorage.setItem('wake-users', JSON.stringify(bobs));
    await vi.advanceTimersByTimeAsync(10 * SEC);
    a.session.reportActivity(); // ann's news, shared before this page learns of bob: never written into his record
    expect(JSON.parse(localStorage.getItem('wake-users')!)).toEqual(bobs);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(expired(a.log)).toEqual([{ reason: 'logout' }]);
    expect(JSON.parse(localStorage.getItem('wake-users')!).sub).toBe('bob'); // bob's record untouched
  });
});

describe('no timestamp from the future', () => {
  it('an activity message an hour ahead counts as now', async () => {
    const session = make({ crossTab: 'future', storageKey: 'future' });
    const log = record(session);
    session.start();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    const channel = new BroadcastChannel('future');
    channel.postMessage({ k: 'activity', at: Date.now() + 60 * MIN });
    channel.postMessage({ k: 'extend', at: Date.now() + 60 * MIN });
    await vi.advanceTimersByTimeAsync(0);
    expect(session.remaining()).toBe(10 * MIN);
    expect(log).toEqual([['extended', { expiresAt: Date.now() + 10 * MIN }, 5 * MIN]]);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(session.state).toBe('expired');
    channel.close();
  });

  it('every signal hears a message from the future as now: the tabs clamp its times once, on receipt', async () => {
    const heard: unknown[] = [];
    const listener = { attach: (ctx: SessionContext) => (ctx.bus.on('msg:activity', (m) => heard.push([m.at, m.proved])), {}) };
    const session = make({ crossTab: 'future-signals', storageKey: 'future-signals', signals: [listener] });
    session.start();
    const channel = new BroadcastChannel('future-signals');
    channel.postMessage({ k: 'activity', at: Date.now() + 60 * MIN, proved: Date.now() + 60 * MIN });
    await vi.advanceTimersByTimeAsync(0);
    expect(heard).toEqual([[Date.now(), Date.now()]]);
    channel.close();
  });

  it('a record an hour ahead is read as now and repaired in storage', () => {
    localStorage.setItem('rec-future', JSON.stringify({ v: 1, lastActivity: T0 + 60 * MIN, provedAt: T0 + 60 * MIN }));
    const session = make({ crossTab: 'rec-future', storageKey: 'rec-future' });
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
    expect(JSON.parse(localStorage.getItem('rec-future')!)).toMatchObject({ lastActivity: T0, provedAt: T0 });
  });

  it('this tab\'s own activity after the wall clock is set back an hour counts as now', async () => {
    const session = make();
    const log = record(session);
    session.start();
    session.reportActivity();
    vi.setSystemTime(T0 - 60 * MIN); // the clock set back an hour
    await vi.advanceTimersByTimeAsync(0);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(session.remaining()).toBe(10 * MIN);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(log.filter(([type]) => type === 'expired')).toEqual([['expired', { reason: 'idle' }, -50 * MIN]]);
  });

  it('a source reporting a time ahead counts as now', async () => {
    let report!: (at?: number) => void;
    const session = make({ activity: [{ start: (r) => ((report = r), () => {}) }] });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    report(Date.now() + 60 * MIN);
    expect(session.remaining()).toBe(10 * MIN);
  });
});

describe('roles end with the session', () => {
  it.each(['logout', 'idle'] as const)('after %s: roles empty, hasRole() and can() false, claims still readable', async (how) => {
    const session = make({ token: tokenFor(60 * MIN), permissions: { editor: ['posts:edit'] } });
    session.start();
    expect(session.can('posts:edit')).toBe(true);
    expect(session.hasRole('editor')).toBe(true);
    if (how === 'logout') session.logout();
    else await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(session.state).toBe('expired');
    expect(session.roles).toEqual([]);
    expect(session.getSnapshot().roles).toEqual([]);
    expect(session.hasRole('editor')).toBe(false);
    expect(session.can('posts:edit')).toBe(false);
    expect(session.claims?.roles).toEqual(['editor']);
  });
});

describe('mistakes are caught early', () => {
  it.each([
    ['idleTimout', 'idleTimeout'],
    ['warnbefore', 'warnBefore'],
    ['endOnclose', 'endOnClose'],
    ['refreshTimout', 'refresh'],
    ['permission', 'permissions'],
  ])('an unknown option %s is a TypeError naming it and the nearest known one (%s)', (name, nearest) => {
    // Production: ignored, as any property the session does not read.
    expectBadInput(() => new SessionManager({ [name]: 6000 } as SessionOptions), TypeError, `sessionwarden: unknown option \`${name}\` (did you mean \`${nearest}\`?)`, null);
  });

  it("tokenRefresh()'s timeout must be a positive number of ms", () => {
    for (const bad of [0, -1, Number.NaN, Infinity]) expectBadInput(() => tokenRefresh(async () => '', { timeout: bad }), RangeError, /timeout/, 41);
    expectBadInput(() => tokenRefresh(async () => '', { timeout: '15s' as unknown as number }), TypeError, /^sessionwarden: tokenRefresh\(\) option `timeout`/, 41);
  });

  it('start() without a document is a TypeError that says it needs a browser', () => {
    vi.stubGlobal('document', undefined);
    try {
      const session = make();
      expectBadInput(() => session.start(), TypeError, /^sessionwarden: start\(\) needs a browser/, 17);
      expect(session.state).toBe('stopped');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('on() returns the function that removes that handler', () => {
    const session = make();
    const handler = vi.fn();
    const off = session.on('expired', handler);
    expect(typeof off).toBe('function');
    off();
    session.start();
    session.logout();
    expect(handler).not.toHaveBeenCalled();
  });
});
