import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions, serverCheck, closeDetection, tokenRefresh } from '../../src';
import { isRecord, recordStore } from '../../src/tabs/record';
import { isTabMessage, openChannel } from '../../src/tabs/channel';
import { exclusive, hold, holders } from '../../src/tabs/locks';

const MIN = 60_000;
/** Storage as private mode or a full quota leaves it: every read and write throws. */
const throwingStorage = {
  getItem: () => { throw new Error('SecurityError'); },
  setItem: () => { throw new Error('QuotaExceededError'); },
  removeItem: () => {},
};
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, ...options });
  managers.push(session);
  return session;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  localStorage.clear();
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('shared record', () => {
  it('accepts only well-formed version-1 records', () => {
    expect(isRecord({ v: 1, lastActivity: 5 })).toBe(true);
    expect(isRecord({ v: 1, lastActivity: 5, ended: 'logout', endedAt: 6, skew: -3, tokenExp: 9, provedAt: 1, goneAt: 2 })).toBe(true);
    for (const bad of [null, 'x', {}, { v: 2, lastActivity: 5 }, { v: 1, lastActivity: 'now' }, { v: 1, lastActivity: 5, ended: 'bored' }, { v: 1, lastActivity: 5, skew: 'x' }]) {
      expect(isRecord(bad)).toBe(false);
    }
  });

  it('reads garbage as absent and says so, and survives storage that throws', () => {
    const onError = vi.fn();
    localStorage.setItem('k', '{not json');
    expect(recordStore(() => localStorage, 'k', onError).read()).toBeUndefined();
    localStorage.setItem('k', JSON.stringify({ v: 9 }));
    expect(recordStore(() => localStorage, 'k', onError).read()).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(2);
    const broken = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => { throw new Error('x'); } } as unknown as Storage;
    const store = recordStore(() => broken, 'k', onError);
    expect(store.read()).toBeUndefined();
    expect(() => store.write({ lastActivity: 1 })).not.toThrow();
    expect(() => store.clear()).not.toThrow();
  });

  it('a reload continues the session with its last activity; loading a page is not activity', () => {
    const first = make();
    first.start();
    vi.advanceTimersByTime(10 * MIN);
    document.dispatchEvent(new Event('pointermove'));
    vi.advanceTimersByTime(5 * MIN);
    first.stop();
    const reloaded = make();
    reloaded.start();
    expect(reloaded.remaining()).toBe(25 * MIN);
  });
});

describe('degradation to a working single-tab session', () => {
  it('works, with one error event, when storage throws (private mode, quota)', () => {
    vi.stubGlobal('localStorage', throwingStorage);
    const session = make();
    const errors = vi.fn();
    session.on('error', errors);
    session.start();
    for (let i = 0; i < 20; i++) {
      document.dispatchEvent(new Event('pointermove'));
      vi.advanceTimersByTime(10_000);
    }
    expect(session.state).toBe('active');
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]![0]).toMatchObject({ during: 'storage' });
    vi.advanceTimersByTime(30 * MIN);
    expect(session.state).toBe('expired');
  });

  it('works alone without BroadcastChannel (one error) and without Web Locks, still keeping the shared record', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const session = make();
    const errors = vi.fn();
    session.on('error', errors);
    session.start();
    expect(session.state).toBe('active');
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]![0]).toMatchObject({ during: 'channel' });
    session.logout();
    expect(session.state).toBe('expired');
    expect(JSON.parse(localStorage.getItem('sessionwarden')!)).toMatchObject({ ended: 'logout' });
  });

  it('ignores garbage cross-tab messages, reporting one error, never throwing from the handler', () => {
    const session = make();
    const errors = vi.fn();
    session.on('error', errors);
    session.start();
    const channel = new BroadcastChannel('sessionwarden');
    for (const garbage of ['x', null, { k: 'nope' }, { k: 'end', reason: 'bored' }, { k: 'activity', at: 'now' }, { k: 'token', token: 5, skew: 0 }]) {
      channel.postMessage(garbage);
    }
    channel.close();
    return vi.waitFor(() => expect(errors).toHaveBeenCalledTimes(1)).then(() => {
      expect(errors.mock.calls[0]![0]).toMatchObject({ during: 'channel' });
      expect(session.state).toBe('active');
    });
  });

  it('starts ended when the shared record says the session ended', () => {
    localStorage.setItem('sessionwarden', JSON.stringify({ v: 1, lastActivity: 900_000, ended: 'logout', endedAt: 950_000 }));
    const session = make();
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(expired).toHaveBeenCalledWith({ reason: 'logout' });
  });
});

describe('tab messages', () => {
  it('validates every built-in kind (a kind no signal listens to is reported by the session: see above)', () => {
    const good = [
      { k: 'activity', at: 1 }, { k: 'activity', at: 1, proved: 2 }, { k: 'warning' }, { k: 'open' }, { k: 'gone' },
      { k: 'extend', at: 3 }, { k: 'end', reason: 'idle' }, { k: 'token', token: null, skew: 0 }, { k: 'token', token: 'a.b.c', skew: 5 },
      { k: 'checked', at: 1, result: 'active', skew: 0 },
    ];
    for (const message of good) expect(isTabMessage(message)).toBe(true);
    const bad = [
      undefined, 5, {}, { k: 5 }, { k: 'activity' }, { k: 'activity', at: 1, proved: 'x' }, { k: 'extend', at: Number.NaN },
      { k: 'end' }, { k: 'token', token: 1, skew: 0 }, { k: 'token', token: null }, { k: 'checked', at: 1, result: 'revoked', skew: 0 },
    ];
    for (const message of bad) expect(isTabMessage(message)).toBe(false);
  });

  it("reads a kind named after Object.prototype's members as any unknown kind, never throwing", () => {
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(() => isTabMessage({ k })).not.toThrow();
      expect(isTabMessage({ k })).toBe(true); // well-formed, of a kind no signal listens to
    }
  });

  it('ignores messages whose kind is __proto__, constructor or toString, with one error and no exception', async () => {
    const session = make();
    const errors = vi.fn();
    session.on('error', errors);
    session.start();
    const thrown: unknown[] = [];
    const onError = (event: ErrorEvent) => thrown.push(event.error);
    window.addEventListener('error', onError);
    const channel = new BroadcastChannel('sessionwarden');
    for (const k of ['__proto__', 'constructor', 'toString']) channel.postMessage({ k });
    channel.close();
    await vi.waitFor(() => expect(errors).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(10);
    window.removeEventListener('error', onError);
    expect(thrown).toEqual([]);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]![0]).toMatchObject({ during: 'channel' });
    expect(session.state).toBe('active');
  });
});

describe('locks without Web Locks', () => {
  it('a lone tab leads, runs exclusive work directly, and cannot count pages', async () => {
    expect(navigator.locks ?? undefined).toBeUndefined();
    const onHeld = vi.fn();
    const release = hold('x', 'exclusive', onHeld);
    expect(onHeld).toHaveBeenCalledTimes(1);
    release();
    await expect(exclusive('x', async () => 42)).resolves.toBe(42);
    await expect(holders('x')).resolves.toBeUndefined();
  });
});

describe("endOnClose: 'tab'", () => {
  it('keeps the session in sessionStorage and opens no channel: nothing crosses to other tabs', () => {
    const opened = vi.fn();
    vi.stubGlobal('BroadcastChannel', class { constructor() { opened(); } postMessage() {} close() {} });
    const session = make({ endOnClose: closeDetection('tab') });
    session.start();
    expect(opened).not.toHaveBeenCalled();
    expect(sessionStorage.getItem('sessionwarden')).not.toBeNull();
    expect(localStorage.getItem('sessionwarden')).toBeNull();
    session.logout();
    expect(localStorage.getItem('sessionwarden')).toBeNull();
    sessionStorage.clear();
  });

  it('leads itself: its own check runs in every tab-only session', async () => {
    const request = vi.fn(async () => true);
    const session = make({ endOnClose: closeDetection('tab'), check: serverCheck({ request, interval: MIN }) });
    session.start();
    await vi.advanceTimersByTimeAsync(MIN);
    expect(request).toHaveBeenCalledTimes(1);
    sessionStorage.clear();
  });
});

describe('errors from degradation', () => {
  it('are emitted at most once, whatever else goes wrong', async () => {
    vi.stubGlobal('localStorage', throwingStorage);
    const session = make();
    const errors = vi.fn();
    session.on('error', errors);
    session.start();
    const channel = new BroadcastChannel('sessionwarden');
    channel.postMessage('garbage');
    channel.close();
    document.dispatchEvent(new Event('pointermove'));
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(session.state).toBe('active');
  });
});

describe('a BroadcastChannel, Web Locks or storage that throw at once degrade like missing ones', () => {
  const throwing = (what: string) => () => {
    throw new DOMException(`${what} is not allowed here`, 'SecurityError');
  };
  const setLocks = (manager: unknown) => Object.defineProperty(navigator, 'locks', { value: manager, configurable: true });
  afterEach(() => void delete (navigator as { locks?: unknown }).locks);

  const everySignal = (): SessionOptions => ({
    check: serverCheck({ request: async () => true, interval: MIN }),
    endOnClose: closeDetection('browser'),
    refresh: tokenRefresh(async () => 'x'),
  });

  it.each([
    ['the BroadcastChannel constructor', () => vi.stubGlobal('BroadcastChannel', class { constructor() { throwing('BroadcastChannel')(); } })],
    ['navigator.locks.request() and query()', () => setLocks({ request: throwing('locks.request'), query: throwing('locks.query') })],
    ['the navigator.locks getter', () => Object.defineProperty(navigator, 'locks', { get: throwing('navigator.locks'), configurable: true })],
    ['localStorage (the getter)', () => Object.defineProperty(window, 'localStorage', { get: throwing('localStorage'), configurable: true })],
  ])('%s: start() works alone, with one error, and the session still ends on time', async (_, breakIt) => {
    const storage = Object.getOwnPropertyDescriptor(window, 'localStorage');
    breakIt();
    try {
      const unhandled: unknown[] = [];
      const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
      window.addEventListener('unhandledrejection', onUnhandled);
      const session = make({ idleTimeout: 10 * MIN, warnBefore: MIN, activity: [], ...everySignal() });
      const errors = vi.fn();
      const expired = vi.fn();
      session.on('error', errors);
      session.on('expired', expired);
      expect(() => session.start()).not.toThrow();
      expect(session.state).not.toBe('stopped');
      await vi.advanceTimersByTimeAsync(10 * MIN);
      expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
      expect(errors.mock.calls.length).toBeLessThanOrEqual(1);
      window.removeEventListener('unhandledrejection', onUnhandled);
      expect(unhandled).toEqual([]);
    } finally {
      if (storage) Object.defineProperty(window, 'localStorage', storage);
    }
  });

  it('hold() and exclusive() run without the locks when request() throws at once; holders() and lockNames() say they cannot tell', async () => {
    setLocks({ request: throwing('locks.request'), query: throwing('locks.query') });
    const onHeld = vi.fn();
    expect(() => hold('x', 'exclusive', onHeld)()).not.toThrow();
    expect(onHeld).toHaveBeenCalledTimes(1);
    await expect(exclusive('x', async () => 42)).resolves.toBe(42);
    await expect(holders('x')).resolves.toBeUndefined();
  });

  it('holders() says it cannot tell when query() rejects', async () => {
    setLocks({ request: () => new Promise(() => {}), query: () => Promise.reject(new DOMException('no', 'SecurityError')) });
    await expect(holders('x')).resolves.toBeUndefined();
  });

  it('openChannel() reports a throwing constructor and returns no channel; a restore from the back/forward cache does not throw either', () => {
    vi.stubGlobal('BroadcastChannel', class { constructor() { throwing('BroadcastChannel')(); } });
    const onError = vi.fn();
    expect(openChannel('x', () => {}, onError)).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
