import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions, beforeExpire } from '../src';
import { expectBadInput } from './mode';

const MIN = 60_000;
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, crossTab: false, ...options });
  managers.push(session);
  return session;
};
const move = () => document.dispatchEvent(new Event('pointermove'));
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  localStorage.clear();
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('SessionManager: inactivity', () => {
  it('is stopped until start(), then active', () => {
    const session = make();
    expect(session.state).toBe('stopped');
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(30 * MIN);
  });

  it('warns warnBefore before the end, with the state already warning, then expires once with reason idle', () => {
    const session = make();
    const events: string[] = [];
    session.on('warning', ({ reason, expiresAt }) => events.push(`warning:${reason}:${expiresAt}:${session.state}`));
    session.on('expired', ({ reason }) => events.push(`expired:${reason}:${session.state}`));
    session.start();
    vi.advanceTimersByTime(28 * MIN - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual([`warning:idle:${1_000_000 + 30 * MIN}:warning`]);
    vi.advanceTimersByTime(2 * MIN);
    expect(events).toEqual([`warning:idle:${1_000_000 + 30 * MIN}:warning`, 'expired:idle:expired']);
    vi.advanceTimersByTime(60 * MIN);
    expect(events).toHaveLength(2);
    expect(session.getSnapshot()).toMatchObject({ state: 'expired', reason: 'idle', warning: null });
    expect(session.remaining()).toBe(0);
  });

  it('never ends while the user is active', () => {
    const session = make();
    const end = vi.fn();
    session.on('warning', end);
    session.on('expired', end);
    session.start();
    for (let i = 0; i < 3 * 60 * 10; i++) {
      vi.advanceTimersByTime(100);
      move();
    }
    expect(end).not.toHaveBeenCalled();
    expect(session.state).toBe('active');
  });

  it('ends at last activity + idleTimeout once activity stops', () => {
    const session = make();
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.advanceTimersByTime(10 * MIN);
    move();
    vi.advanceTimersByTime(30 * MIN - 1);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
  });

  it('ignores activity during the warning: only extend() keeps the session', () => {
    const session = make();
    const extended = vi.fn();
    session.on('extended', extended);
    session.start();
    vi.advanceTimersByTime(29 * MIN);
    expect(session.state).toBe('warning');
    move();
    vi.advanceTimersByTime(30_000);
    expect(session.state).toBe('warning');
    session.extend();
    expect(session.state).toBe('active');
    expect(extended).toHaveBeenCalledWith({ expiresAt: Date.now() + 30 * MIN });
    vi.advanceTimersByTime(28 * MIN - 1);
    expect(session.state).toBe('active');
  });

  it('counts activity during the warning when ignoreActivityDuringWarning is false', () => {
    const session = make({ ignoreActivityDuringWarning: false });
    const extended = vi.fn();
    session.on('extended', extended);
    session.start();
    vi.advanceTimersByTime(29 * MIN);
    move();
    vi.advanceTimersByTime(MIN);
    expect(session.state).toBe('active');
    expect(extended).toHaveBeenCalledTimes(1);
  });

  it('lets a warning handler call extend()', () => {
    const session = make();
    session.on('warning', () => session.extend());
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.advanceTimersByTime(90 * MIN);
    expect(expired).not.toHaveBeenCalled();
    expect(session.state).toBe('active');
  });

  it('ends an overdue session at once when the page becomes visible after a 2-hour sleep', () => {
    const session = make();
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    setVisibility('hidden');
    vi.setSystemTime(Date.now() + 120 * MIN); // the clock jumps; no timer runs during sleep
    expect(expired).not.toHaveBeenCalled();
    setVisibility('visible');
    expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
    expect(session.state).toBe('expired');
  });

  it.each(['focus', 'pageshow', 'online'])('re-evaluates at once on %s', (type) => {
    const session = make();
    session.start();
    vi.setSystemTime(Date.now() + 29 * MIN);
    window.dispatchEvent(new Event(type));
    expect(session.state).toBe('warning');
  });

  it('does not count becoming visible as activity', () => {
    const session = make();
    session.start();
    vi.advanceTimersByTime(20 * MIN);
    setVisibility('hidden');
    setVisibility('visible');
    window.dispatchEvent(new Event('focus'));
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('emits activity at most once per sampleInterval', () => {
    const session = make({ sampleInterval: 5_000 });
    const activity = vi.fn();
    session.on('activity', activity);
    session.start();
    for (let i = 0; i < 100; i++) {
      move();
      vi.advanceTimersByTime(100);
    }
    expect(activity).toHaveBeenCalledTimes(2);
    expect(activity).toHaveBeenNthCalledWith(1, { at: 1_000_000 });
    expect(activity).toHaveBeenNthCalledWith(2, { at: 1_005_000 });
  });

  it('makes no timer call inside activity handlers', () => {
    const session = make();
    session.start();
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    for (let i = 0; i < 1000; i++) move();
    expect(set).not.toHaveBeenCalled();
    expect(clear).not.toHaveBeenCalled();
  });

  it('reportActivity() counts like user input, sampled like it', () => {
    const session = make({ sampleInterval: 5_000 });
    const activity = vi.fn();
    session.on('activity', activity);
    session.start();
    vi.advanceTimersByTime(20 * MIN);
    for (let i = 0; i < 10; i++) {
      session.reportActivity();
      vi.advanceTimersByTime(1_000);
    }
    expect(activity).toHaveBeenCalledTimes(2);
    expect(session.remaining()).toBe(30 * MIN - 1_000);
  });

  it('logout() ends the session with reason logout, once', () => {
    const session = make();
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    session.logout();
    session.logout();
    session.extend();
    expect(expired).toHaveBeenCalledTimes(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'logout' });
    expect(session.state).toBe('expired');
  });

  it('stays expired on start() until setToken() begins a new session', () => {
    const session = make();
    session.start();
    session.logout();
    session.start();
    expect(session.state).toBe('expired');
    session.setToken(null);
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(30 * MIN);
  });
});

describe('SessionManager: stop, destroy, beforeExpire', () => {
  it('stop() keeps the session; start() resumes it', () => {
    const session = make();
    session.start();
    vi.advanceTimersByTime(10 * MIN);
    session.stop();
    expect(session.state).toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5 * MIN);
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(15 * MIN);
  });

  it('start() after stop() ends the session at once if it ran out meanwhile', () => {
    const session = make();
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    session.stop();
    vi.advanceTimersByTime(31 * MIN);
    expect(expired).not.toHaveBeenCalled();
    session.start();
    expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
  });

  it('destroy() leaves no listener and no timer, emits nothing, and is idempotent', () => {
    const adds: string[] = [];
    const removes: string[] = [];
    for (const target of [document, window]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      vi.spyOn(target, 'addEventListener').mockImplementation((type, l, o) => (adds.push(type), add(type, l, o)));
      vi.spyOn(target, 'removeEventListener').mockImplementation((type, l, o) => (removes.push(type), remove(type, l, o)));
    }
    const session = make({ crossTab: true });
    const handler = vi.fn();
    const listener = vi.fn();
    session.on('change', handler);
    session.subscribe(listener);
    session.start();
    expect(adds.length).toBeGreaterThan(6);
    session.destroy();
    session.destroy();
    expect(removes.sort()).toEqual(adds.sort());
    expect(vi.getTimerCount()).toBe(0);
    const calls = handler.mock.calls.length + listener.mock.calls.length;
    vi.advanceTimersByTime(60 * MIN);
    move();
    expect(handler.mock.calls.length + listener.mock.calls.length).toBe(calls);
  });

  it('awaits beforeExpire (bounded) before emitting expired', async () => {
    let release!: () => void;
    const save = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const session = make({ beforeExpire: beforeExpire(save) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.advanceTimersByTime(30 * MIN);
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledWith('idle');
    expect(expired).not.toHaveBeenCalled();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(expired).toHaveBeenCalledWith({ reason: 'idle' });
  });

  it('gives up on a slow beforeExpire after its timeout, and reports a failing one', async () => {
    const slow = make({ beforeExpire: beforeExpire(() => new Promise(() => {}), { timeout: 1000 })});
    const expired = vi.fn();
    slow.on('expired', expired);
    slow.start();
    slow.logout();
    await vi.advanceTimersByTimeAsync(999);
    expect(expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toHaveBeenCalledTimes(1);

    const failing = make({ beforeExpire: beforeExpire(() => Promise.reject(new Error('save failed'))) });
    const error = vi.fn();
    failing.on('error', error);
    failing.on('expired', expired);
    failing.start();
    failing.logout();
    await vi.advanceTimersByTimeAsync(0);
    expect(error).toHaveBeenCalledWith({ error: new Error('save failed'), during: 'beforeExpire' });
    expect(expired).toHaveBeenCalledTimes(2);
  });
});

describe('SessionManager: snapshot', () => {
  it('keeps one snapshot object until something changes, and notifies subscribers', () => {
    const session = make();
    const listener = vi.fn();
    const unsubscribe = session.subscribe(listener);
    const stopped = session.getSnapshot();
    expect(session.getSnapshot()).toBe(stopped);
    session.start();
    const active = session.getSnapshot();
    expect(active).not.toBe(stopped);
    expect(active).toMatchObject({ state: 'active', reason: null, warning: null, claims: null, roles: [] });
    for (let i = 0; i < 50; i++) move();
    expect(session.getSnapshot()).toBe(active);
    vi.advanceTimersByTime(28 * MIN);
    expect(session.getSnapshot()).toMatchObject({ state: 'warning', warning: 'idle' });
    expect(listener).toHaveBeenCalledTimes(2);
    unsubscribe();
    session.logout();
    expect(listener).toHaveBeenCalledTimes(2);
    expect(session.getSnapshot()).toMatchObject({ state: 'expired', reason: 'logout' });
  });

  it('emits change with the snapshot', () => {
    const session = make();
    const change = vi.fn();
    session.on('change', change);
    session.start();
    expect(change).toHaveBeenCalledWith(session.getSnapshot());
    session.off('change', change);
    session.logout();
    expect(change).toHaveBeenCalledTimes(1);
  });

  it('rejects a subscriber that is not a function', () => {
    expectBadInput(() => make().subscribe('x' as never), TypeError, /subscribe\(\) takes a function/, 14);
  });

  it('rejects an unknown event name or a handler that is not a function, in on() and off()', () => {
    const session = make();
    // Production: an unknown name is a handler never called; one that is not a function is refused.
    expectBadInput(() => session.on('warnign' as never, () => {}), TypeError, /unknown event "warnign"/, null);
    expectBadInput(() => session.on('warning', 'x' as never), TypeError, /handler function/, 13);
    expectBadInput(() => session.off('expird' as never, () => {}), TypeError, /unknown event "expird"/, null);
    const handler = vi.fn();
    session.on('expired', handler);
    session.off('expired', handler);
    session.start();
    session.logout();
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('SessionManager: idleTimeout Infinity', () => {
  it('never ends by inactivity', () => {
    const session = make({ idleTimeout: Infinity });
    session.start();
    vi.advanceTimersByTime(1000 * MIN);
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(Infinity);
    expect(vi.getTimerCount()).toBe(0);
  });
});
