import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jwtDecode } from 'jwt-decode';
import { SessionManager, type ActivitySource, type SessionEvents } from '../../src';
import { createTestSession, testToken, TestSession } from '../../src/testing';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
});

const log = (session: SessionManager) => {
  const seen: string[] = [];
  for (const type of ['warning', 'extended', 'expired'] as const) {
    session.on(type, (payload: SessionEvents[typeof type]) => seen.push(`${type}:${'reason' in payload ? payload.reason : ''}`));
  }
  return seen;
};

describe('createTestSession', () => {
  it('is a real SessionManager, stopped until started', () => {
    const session = createTestSession();
    expect(session).toBeInstanceOf(SessionManager);
    expect(session).toBeInstanceOf(TestSession);
    expect(session.state).toBe('stopped');
  });

  it('goes through warning and expiry with fake timers, untilWarning() and remaining() giving the times', () => {
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    const seen = log(session);
    session.start();
    expect(session.untilWarning()).toBe(50_000);
    vi.advanceTimersByTime(session.untilWarning() - 1);
    expect(session.state).toBe('active');
    vi.advanceTimersByTime(1);
    expect(session.state).toBe('warning');
    expect(session.untilWarning()).toBe(0);
    expect(session.remaining()).toBe(10_000);
    vi.advanceTimersByTime(session.remaining());
    expect(session.state).toBe('expired');
    expect(seen).toEqual(['warning:idle', 'expired:idle']);
    expect(session.untilWarning()).toBe(0);
  });

  it('knows the default warnBefore: min(2 min, max(20 s, idleTimeout / 4), idleTimeout / 2)', () => {
    const short = createTestSession({ idleTimeout: 60_000 });
    short.start();
    expect(short.untilWarning()).toBe(40_000);
    const long = createTestSession();
    long.start();
    expect(long.untilWarning()).toBe(30 * 60_000 - 120_000);
    vi.advanceTimersByTime(long.untilWarning());
    expect(long.state).toBe('warning');
  });

  it('reaches a token warning and expiry from a testToken()', () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const session = createTestSession({ idleTimeout: Infinity, warnBefore: 60_000, token: testToken({ exp, roles: ['editor'] }), permissions: { editor: ['posts:edit'] } });
    const seen = log(session);
    session.start();
    expect(session.can('posts:edit')).toBe(true);
    expect(session.untilWarning()).toBe(240_000);
    vi.advanceTimersByTime(session.untilWarning());
    expect(session.getSnapshot()).toMatchObject({ state: 'warning', warning: 'token' });
    vi.advanceTimersByTime(session.remaining());
    expect(seen).toEqual(['warning:token', 'expired:token']);
  });

  it('userActive() keeps the session alive as a user would, and is ignored during a warning', () => {
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    session.start();
    vi.advanceTimersByTime(40_000);
    session.userActive();
    expect(session.untilWarning()).toBe(50_000);
    vi.advanceTimersByTime(49_999);
    expect(session.state).toBe('active');
    vi.advanceTimersByTime(1);
    expect(session.state).toBe('warning');
    session.userActive(); // ignoreActivityDuringWarning: only extend() keeps the session now
    vi.advanceTimersByTime(10_000);
    expect(session.state).toBe('expired');
  });

  it('extend() during the warning goes back to active', () => {
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    const seen = log(session);
    session.start();
    vi.advanceTimersByTime(session.untilWarning());
    session.extend();
    expect(session.state).toBe('active');
    expect(session.untilWarning()).toBe(50_000);
    expect(seen).toEqual(['warning:idle', 'extended:']);
  });

  it('revoke() ends the session as a 401 would; logout() with its own reason', () => {
    const revoked = createTestSession();
    const seen = log(revoked);
    revoked.start();
    revoked.revoke();
    expect(revoked.getSnapshot()).toMatchObject({ state: 'expired', reason: 'revoked' });
    expect(seen).toEqual(['expired:revoked']);
    const out = createTestSession();
    out.start();
    out.logout();
    expect(out.getSnapshot()).toMatchObject({ state: 'expired', reason: 'logout' });
  });

  it('has no DOM activity: listens to no input event, and input events do not count', () => {
    const listen = vi.spyOn(EventTarget.prototype, 'addEventListener');
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    session.start();
    const inputs = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll', 'touchstart', 'mousemove', 'mousedown'];
    expect(listen.mock.calls.map(([type]) => type).filter((type) => inputs.includes(type))).toEqual([]);
    vi.advanceTimersByTime(40_000);
    document.dispatchEvent(new KeyboardEvent('keydown'));
    document.dispatchEvent(new PointerEvent('pointerdown'));
    expect(session.untilWarning()).toBe(10_000);
  });

  it('shares nothing across tabs and stores nothing', () => {
    const channels = vi.spyOn(globalThis, 'BroadcastChannel');
    const session = createTestSession();
    session.start();
    session.userActive();
    vi.advanceTimersByTime(60_000);
    expect(channels).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
  });

  it('reads the clock at each call: fake timers installed after creation still drive it', () => {
    vi.useRealTimers();
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    vi.useFakeTimers({ now: 5_000_000 });
    session.start();
    vi.advanceTimersByTime(50_000);
    expect(session.state).toBe('warning');
  });

  it('starts the activity sources you pass after its own, and stops them with the session', () => {
    const stop = vi.fn();
    let report: ((at?: number) => void) | undefined;
    const mine: ActivitySource = { start: (r) => ((report = r), stop) };
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000, activity: [mine] });
    session.start();
    vi.advanceTimersByTime(40_000);
    report!();
    expect(session.untilWarning()).toBe(50_000);
    session.stop();
    expect(stop).toHaveBeenCalledOnce();
  });

  it('works with an adapter that starts and stops it, such as a provider', () => {
    const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
    session.start();
    session.stop();
    expect(session.state).toBe('stopped');
    expect(() => session.userActive()).toThrow(new TypeError('sessionwarden: userActive() needs a started session (call start() first)'));
    session.start();
    session.userActive();
    expect(session.state).toBe('active');
  });
});

describe('createTestSession: bad input', () => {
  it.each([['options'], [42], [null], [[]]])('rejects %j as options', (options) => {
    expect(() => createTestSession(options as never)).toThrow(new TypeError('sessionwarden: createTestSession() takes SessionManager options (an object)'));
  });

  it('passes the manager\'s own errors for bad options through', () => {
    expect(() => createTestSession({ idleTimeout: -1 })).toThrow(RangeError);
    expect(() => createTestSession({ idleTimeout: 10_000, warnBefore: 10_000 })).toThrow(/warnBefore/);
    expect(() => createTestSession({ activity: 'none' as never })).toThrow(/`activity`/);
    expect(() => createTestSession({ token: 'not a jwt' })).toThrow(/^sessionwarden:/);
  });

  it('userActive() and revoke() before start() say what is missing', () => {
    const session = createTestSession();
    expect(() => session.userActive()).toThrow(new TypeError('sessionwarden: userActive() needs a started session (call start() first)'));
    expect(() => session.revoke()).toThrow(new TypeError('sessionwarden: revoke() needs a started session (call start() first)'));
  });
});

describe('testToken', () => {
  it('encodes the claims (any characters) as an unsigned JWT', () => {
    const claims = { sub: 'ünïcødé ✓', roles: ['a', 'b'], exp: 123, '+/=': '???>>>' };
    const token = testToken(claims);
    expect(token.split('.')).toHaveLength(3);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.test$/);
    expect(jwtDecode(token)).toEqual(claims);
    expect(jwtDecode(token, { header: true })).toEqual({ alg: 'none', typ: 'JWT' });
  });

  it.each([['claims'], [null], [[1]], [undefined]])('rejects %j', (claims) => {
    expect(() => testToken(claims as never)).toThrow(new TypeError('sessionwarden: testToken() takes the claims (an object)'));
  });
});
