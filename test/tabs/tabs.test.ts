// The cross-tab plumbing on its own (happy-dom): message and record validation, storage that
// fails, the channel (and its absence), and the Web Locks wrapper with and without locks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTabMessage, openChannel, type TabMessage } from '../../src/tabs/channel';
import { isRecord, recordStore } from '../../src/tabs/record';
import mitt from 'mitt';
import type { BusEvents } from '../../src/signal';
import { exclusive, hold, holders } from '../../src/tabs/locks';
import { fakeLocks } from '../fake-locks';
import { DEV } from '../mode';

/** The session's bus, on which the kernel says the page is hidden or woken. */
const bus = mitt<BusEvents>();

beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('isTabMessage', () => {
  const good: TabMessage[] = [
    { k: 'activity', at: 1 }, { k: 'activity', at: 1, proved: 0 }, { k: 'warning' }, { k: 'open' }, { k: 'gone' },
    { k: 'extend', at: 3 }, ...(['idle', 'token', 'revoked', 'closed', 'logout'] as const).map((reason) => ({ k: 'end' as const, reason })),
    { k: 'token', token: null, skew: 0 }, { k: 'token', token: 'a.b.c', skew: -5 }, { k: 'checked', at: 1, result: 'active', skew: 0 },
    { k: 'checked', at: 1, result: 'active' }, { k: 'skew', skew: 3 }, { k: 'a-signal-of-its-own', at: 1 },
  ];
  it('accepts every well-formed kind', () => {
    for (const message of good) expect(isTabMessage(message), JSON.stringify(message)).toBe(true);
  });

  it('rejects garbage of every shape without throwing', () => {
    const bad: unknown[] = [
      undefined, null, 0, 'activity', true, [], ['activity', 1], () => {}, Symbol('x'), {}, { k: 1 },
      { k: 'activity' }, { k: 'activity', at: '1' }, { k: 'activity', at: Number.NaN }, { k: 'activity', at: Infinity },
      { k: 'activity', at: 1, proved: 'x' }, { k: 'activity', at: 1, proved: null }, { k: 'extend' }, { k: 'extend', at: -Infinity },
      { k: 'end' }, { k: 'end', reason: 'bored' }, { k: 'end', reason: ['logout'] }, { k: 'token', token: 1, skew: 0 },
      { k: 'token', token: null }, { k: 'token', token: 'a', skew: Number.NaN }, { k: 'checked', at: 1, result: 'revoked', skew: 0 },
      { k: 'checked', result: 'active' }, { k: 'skew' }, { k: 'skew', skew: 'x' }, Object.create(null),
    ];
    for (const message of bad) expect(isTabMessage(message), String(JSON.stringify(message))).toBe(false);
  });

});

describe('isRecord', () => {
  it('accepts version-1 records with a finite last activity', () => {
    expect(isRecord({ v: 1, lastActivity: 0 })).toBe(true);
    expect(isRecord({ v: 1, lastActivity: 5, ended: 'closed', endedAt: 6, skew: -3, tokenExp: 9, provedAt: 1, goneAt: 2, extra: 'ignored' })).toBe(true);
  });

  it('rejects anything else', () => {
    const bad: unknown[] = [
      undefined, null, 'x', 5, [], {}, { lastActivity: 5 }, { v: '1', lastActivity: 5 }, { v: 2, lastActivity: 5 },
      { v: 1 }, { v: 1, lastActivity: null }, { v: 1, lastActivity: Number.NaN }, { v: 1, lastActivity: Infinity },
      { v: 1, lastActivity: 5, ended: 'bored' }, { v: 1, lastActivity: 5, ended: null }, { v: 1, lastActivity: 5, endedAt: 'x' },
      { v: 1, lastActivity: 5, skew: Number.NaN }, { v: 1, lastActivity: 5, tokenExp: '9' }, { v: 1, lastActivity: 5, provedAt: {} },
      { v: 1, lastActivity: 5, goneAt: Infinity },
    ];
    for (const value of bad) expect(isRecord(value), String(JSON.stringify(value))).toBe(false);
  });
});

/** A Storage in memory, with spies; `failWrites` makes every write throw a quota error. */
function memoryStorage() {
  const items = new Map<string, string>();
  const storage = {
    failWrites: false,
    get length() { return items.size; },
    key: (i: number) => [...items.keys()][i] ?? null,
    getItem: vi.fn((key: string) => items.get(key) ?? null),
    setItem: vi.fn((key: string, value: string) => {
      if (storage.failWrites) throw new DOMException('full', 'QuotaExceededError');
      items.set(key, String(value));
    }),
    removeItem: vi.fn((key: string) => void items.delete(key)),
    clear: () => items.clear(),
  };
  return storage;
}

describe('recordStore', () => {
  const KEY = 'rec';
  const raw = () => localStorage.getItem(KEY);
  const parsed = () => JSON.parse(raw()!) as Record<string, unknown>;

  it('reads nothing as absent, silently', () => {
    const onError = vi.fn();
    expect(recordStore(() => localStorage, KEY, onError).read()).toBeUndefined();
    expect(onError).not.toHaveBeenCalled();
  });

  it('writes patches on top of the record, always as version 1', () => {
    const store = recordStore(() => localStorage, KEY, vi.fn());
    store.write({ lastActivity: 10, skew: 3 });
    store.write({ provedAt: 20 });
    expect(parsed()).toEqual({ v: 1, lastActivity: 10, skew: 3, provedAt: 20 });
    expect(store.read()).toEqual({ v: 1, lastActivity: 10, skew: 3, provedAt: 20 });
    store.clear();
    expect(raw()).toBeNull();
  });

  it('reads garbage as absent and reports it, without throwing', () => {
    const onError = vi.fn();
    const store = recordStore(() => localStorage, KEY, onError);
    for (const garbage of ['{not json', '"a string"', 'null', '[]', JSON.stringify({ v: 9, lastActivity: 1 }), JSON.stringify({ v: 1, lastActivity: 'now' })]) {
      localStorage.setItem(KEY, garbage);
      expect(store.read()).toBeUndefined();
    }
    expect(onError).toHaveBeenCalledTimes(6); // the manager emits the first only
    for (const [error, during] of onError.mock.calls) {
      expect(during).toBe('storage');
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('a partial write over garbage or a cleared key keeps the last activity it knew (never 0)', () => {
    const store = recordStore(() => localStorage, KEY, vi.fn());
    store.write({ lastActivity: 1_000 });
    localStorage.setItem(KEY, '{garbage');
    store.write({ provedAt: 2_000 });
    expect(parsed()).toEqual({ v: 1, lastActivity: 1_000, provedAt: 2_000 });

    // Another tab moved it on: this store learns it by reading.
    localStorage.setItem(KEY, JSON.stringify({ v: 1, lastActivity: 5_000 }));
    expect(store.read()).toMatchObject({ lastActivity: 5_000 });
    localStorage.removeItem(KEY); // e.g. the app cleared localStorage
    store.write({ goneAt: 6_000 });
    expect(parsed()).toEqual({ v: 1, lastActivity: 5_000, goneAt: 6_000 });
  });

  it('forgets the last activity it knew on clear() (a new session starts from its own)', () => {
    const store = recordStore(() => localStorage, KEY, vi.fn());
    store.write({ lastActivity: 1_000, ended: 'logout' });
    store.clear();
    store.write({ lastActivity: 9_000 });
    expect(parsed()).toEqual({ v: 1, lastActivity: 9_000 });
  });

  it('survives storage that throws (private mode, quota, blocked): one report per failure, no exception', () => {
    const onError = vi.fn();
    const broken = {
      getItem: () => { throw new DOMException('denied', 'SecurityError'); },
      setItem: () => { throw new DOMException('full', 'QuotaExceededError'); },
      removeItem: () => { throw new DOMException('denied', 'SecurityError'); },
    } as unknown as Storage;
    const store = recordStore(() => broken, KEY, onError);
    expect(store.read()).toBeUndefined();
    expect(() => store.write({ lastActivity: 1 })).not.toThrow();
    expect(() => store.clear()).not.toThrow();
    expect(onError.mock.calls.every(([, during]) => during === 'storage')).toBe(true);
    expect(onError.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('survives a storage getter that throws (sessionStorage/localStorage access denied)', () => {
    const onError = vi.fn();
    const store = recordStore(() => { throw new DOMException('denied', 'SecurityError'); }, KEY, onError);
    expect(store.read()).toBeUndefined();
    expect(() => store.write({ lastActivity: 1 })).not.toThrow();
    expect(() => store.clear()).not.toThrow();
    expect(onError).toHaveBeenCalled();
  });

  it('survives a quota error on write after a good read', () => {
    const onError = vi.fn();
    const storage = memoryStorage();
    const store = recordStore(() => storage as unknown as Storage, KEY, onError);
    store.write({ lastActivity: 1 });
    storage.failWrites = true;
    expect(() => store.write({ lastActivity: 2 })).not.toThrow();
    expect(store.read()).toMatchObject({ lastActivity: 1 }); // the last good record stays
    expect(onError).toHaveBeenCalledWith(expect.any(DOMException), 'storage');
  });
});

describe('openChannel', () => {
  it('uses BroadcastChannel where there is one, passing what arrives to the tabs signal (which validates it)', async () => {
    const received = vi.fn();
    const onError = vi.fn();
    const channel = openChannel('bc-test', received, onError)!;
    const other = new BroadcastChannel('bc-test');
    other.postMessage({ k: 'extend', at: 7 });
    other.postMessage('garbage');
    await vi.waitFor(() => expect(received).toHaveBeenCalledTimes(2));
    expect(received.mock.calls).toEqual([[{ k: 'extend', at: 7 }], ['garbage']]);
    expect(onError).not.toHaveBeenCalled();
    channel.close();
    other.postMessage({ k: 'warning' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveBeenCalledTimes(2);
    other.close();
  });

  it('without BroadcastChannel: no channel, one report, a tab that works alone', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const onError = vi.fn();
    expect(openChannel('chan', vi.fn(), onError)).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: DEV ? expect.stringContaining('BroadcastChannel') : 'sessionwarden: E82' }), 'channel');
  });
});

describe('locks without navigator.locks', () => {
  it('hold(): a lone tab holds at once; release is a no-op', () => {
    expect(navigator.locks ?? undefined).toBeUndefined();
    const onHeld = vi.fn();
    const release = hold(bus, 'x', 'exclusive', onHeld);
    expect(onHeld).toHaveBeenCalledTimes(1);
    expect(() => release()).not.toThrow();
    bus.emit('hide', { final: true, cached: true });
    bus.emit('wake', false);
    expect(onHeld).toHaveBeenCalledTimes(1);
  });

  it('exclusive(): runs the task directly, passing its result and its failure through', async () => {
    await expect(exclusive('x', async () => 42)).resolves.toBe(42);
    await expect(exclusive('x', async () => { throw new Error('nope'); })).rejects.toThrow('nope');
  });

  it('holders(): cannot tell (undefined), so nothing is decided on a guess', async () => {
    await expect(holders('x')).resolves.toBeUndefined();
  });

  it('works where there is no navigator at all (a worker-like or server global)', async () => {
    vi.stubGlobal('navigator', undefined);
    const onHeld = vi.fn();
    hold(bus, 'x', 'shared', onHeld)();
    expect(onHeld).toHaveBeenCalledTimes(1);
    await expect(exclusive('x', async () => 'ran')).resolves.toBe('ran');
    await expect(holders('x')).resolves.toBeUndefined();
  });
});


describe('locks with navigator.locks', () => {
  let locks: ReturnType<typeof fakeLocks>;
  beforeEach(() => {
    locks = fakeLocks();
    Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
  });
  afterEach(() => {
    delete (navigator as { locks?: unknown }).locks;
  });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  // What the kernel says on the bus of a `pagehide` and of the `pageshow` (or any other wake-up) after it.
  const transition = (type: 'pagehide' | 'pageshow', persisted: boolean) =>
    type === 'pagehide' ? bus.emit('hide', { final: true, cached: persisted }) : bus.emit('wake', false);

  it('hold(): onHeld once granted; the function it returns runs when the lock is let go', async () => {
    const lost = vi.fn();
    const onHeld = vi.fn(() => lost);
    const release = hold(bus, 'lead', 'exclusive', onHeld);
    await tick();
    expect(onHeld).toHaveBeenCalledTimes(1);
    expect(locks.held()).toEqual(['lead']);
    release();
    await tick();
    expect(lost).toHaveBeenCalledTimes(1);
    expect(locks.held()).toEqual([]);
    release(); // idempotent
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('hold(): one leader at a time; the next is granted when the first lets go', async () => {
    const first = vi.fn();
    const second = vi.fn();
    const releaseFirst = hold(bus, 'lead', 'exclusive', first);
    const releaseSecond = hold(bus, 'lead', 'exclusive', second);
    await tick();
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 0]);
    releaseFirst();
    await tick();
    expect(second).toHaveBeenCalledTimes(1);
    releaseSecond();
  });

  it('hold(): released before it was granted, it never runs onHeld and leaves no request behind', async () => {
    const releaseFirst = hold(bus, 'lead', 'exclusive', vi.fn());
    await tick();
    const never = vi.fn();
    hold(bus, 'lead', 'exclusive', never)();
    releaseFirst();
    await tick();
    expect(never).not.toHaveBeenCalled();
    expect(locks.pending()).toEqual([]);
    expect(locks.held()).toEqual([]);
  });

  it('hold(): shared holds count every open page', async () => {
    const releases = [hold(bus, 'open', 'shared', vi.fn()), hold(bus, 'open', 'shared', vi.fn())];
    await tick();
    await expect(holders('open')).resolves.toBe(2);
    await expect(holders('other')).resolves.toBe(0);
    releases[0]!();
    await tick();
    await expect(holders('open')).resolves.toBe(1);
    releases[1]!();
  });

  it('hold(): a page entering the back/forward cache lets the lock go, and asks again when restored', async () => {
    const lost = vi.fn();
    const onHeld = vi.fn(() => lost);
    const release = hold(bus, 'lead', 'exclusive', onHeld);
    await tick();
    // Another tab, waiting for the lock (straight to the lock manager: it does not see this page's events).
    const other = vi.fn();
    let releaseOther!: () => void;
    void locks.manager.request('lead', { mode: 'exclusive' }, () => {
      other();
      return new Promise<void>((resolve) => (releaseOther = resolve));
    });

    transition('pagehide', false); // an unload: the browser releases everything itself
    await tick();
    expect(lost).not.toHaveBeenCalled();

    transition('pagehide', true); // into the cache
    await tick();
    expect(lost).toHaveBeenCalledTimes(1);
    expect(other).toHaveBeenCalledTimes(1); // the other tab leads now

    transition('pageshow', true); // restored: asks again, behind the other tab
    transition('pageshow', true); // and once only
    await tick();
    expect(onHeld).toHaveBeenCalledTimes(1);
    expect(locks.pending()).toEqual(['lead']);
    releaseOther();
    await tick();
    expect(onHeld).toHaveBeenCalledTimes(2);

    release();
    await tick();
    expect(lost).toHaveBeenCalledTimes(2);
    transition('pagehide', true);
    transition('pageshow', true); // listeners gone with the release
    await tick();
    expect(onHeld).toHaveBeenCalledTimes(2);
    expect(locks.held()).toEqual([]);
  });

  it('hold(): lets the lock go at beforeunload (Firefox caches no page that holds one then); into the cache, it asks again on restore, not before', async () => {
    vi.useFakeTimers();
    try {
      const lost = vi.fn();
      const onHeld = vi.fn(() => lost);
      const release = hold(bus, 'lead', 'exclusive', onHeld);
      await vi.advanceTimersByTimeAsync(0);
      expect(locks.held()).toEqual(['lead']);

      window.dispatchEvent(new Event('beforeunload'));
      await vi.advanceTimersByTimeAsync(0);
      expect(lost).toHaveBeenCalledTimes(1);
      expect(locks.held()).toEqual([]); // nothing held as the navigation starts
      transition('pagehide', true); // into the cache, where its timers stand still until it is restored
      await vi.advanceTimersByTimeAsync(500);
      expect(locks.held()).toEqual([]);
      expect(onHeld).toHaveBeenCalledTimes(1); // a cached page asks for nothing

      transition('pageshow', true);
      await vi.advanceTimersByTimeAsync(0);
      expect(onHeld).toHaveBeenCalledTimes(2);
      expect(locks.held()).toEqual(['lead']);
      await vi.advanceTimersByTimeAsync(60_000); // the beforeunload's second, run out after the restore: asks for nothing more
      expect(onHeld).toHaveBeenCalledTimes(2);
      expect(locks.pending()).toEqual([]);
      release();
    } finally {
      vi.useRealTimers();
    }
  });

  it('hold(): a beforeunload that no pagehide follows (a download or mailto: link) asks again a second later, once', async () => {
    vi.useFakeTimers();
    try {
      const onHeld = vi.fn();
      const release = hold(bus, 'lead', 'exclusive', onHeld);
      await vi.advanceTimersByTimeAsync(0);
      window.dispatchEvent(new Event('beforeunload'));
      window.dispatchEvent(new Event('beforeunload'));
      await vi.advanceTimersByTimeAsync(999);
      expect(locks.held()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(onHeld).toHaveBeenCalledTimes(2);
      expect(locks.held()).toEqual(['lead']);
      transition('pageshow', true); // a wake-up meanwhile asks for nothing more
      await vi.advanceTimersByTimeAsync(5_000);
      expect(onHeld).toHaveBeenCalledTimes(2);
      expect(locks.pending()).toEqual([]);

      release();
      window.dispatchEvent(new Event('beforeunload')); // listeners gone with the release
      await vi.advanceTimersByTimeAsync(5_000);
      expect(onHeld).toHaveBeenCalledTimes(2);
      expect(locks.held()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('exclusive(): one task at a time under the lock', async () => {
    const order: string[] = [];
    let finishFirst!: () => void;
    const first = exclusive('refresh', () => new Promise<void>((resolve) => {
      order.push('first start');
      finishFirst = () => {
        order.push('first end');
        resolve();
      };
    }));
    const second = exclusive('refresh', async () => void order.push('second'));
    await tick();
    expect(order).toEqual(['first start']);
    finishFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
  });
});
