import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError as JwtDecodeInvalidTokenError } from 'jwt-decode';
import { InvalidTokenError, SessionManager, type SessionOptions } from '../../src';
import { b64url, jwt, nowSec } from '../jwt';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, warnBefore: 2 * MIN, crossTab: false, activity: [], ...options });
  managers.push(session);
  return session;
};
const log = (session: SessionManager) => {
  const events: unknown[] = [];
  for (const type of ['warning', 'expired', 'extended', 'refreshed'] as const) session.on(type, (e) => events.push({ type, ...e }));
  return events;
};

beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('token: decoding and bad input', () => {
  it('re-exports jwt-decode’s InvalidTokenError', () => {
    expect(InvalidTokenError).toBe(JwtDecodeInvalidTokenError);
  });

  it.each([
    ['', /missing part #2/],
    ['abc', /missing part #2/],
    ['a.!!!.c', /invalid base64|invalid json/],
    [`a.${b64url('not json')}.c`, /invalid json/],
    [`a.${b64url('[1,2]')}.c`, /not a JSON object/],
    [`a.${b64url('42')}.c`, /not a JSON object/],
    [jwt({ exp: 'tomorrow' }), /`exp` is not a number/],
    [jwt({ iat: 'now' }), /`iat` is not a number/],
    [42, /must be a string/],
  ])('rejects %j with InvalidTokenError naming the problem', (token, problem) => {
    expect(() => make({ token: token as string })).toThrow(InvalidTokenError);
    expect(() => make({ token: token as string })).toThrow(problem);
  });

  it('loses nothing when setToken() gets a malformed token', () => {
    const good = jwt({ exp: nowSec() + 3600, roles: ['admin'] });
    const session = make({ token: good });
    session.start();
    const snapshot = session.getSnapshot();
    expect(() => session.setToken('garbage')).toThrow(InvalidTokenError);
    expect(session.token).toBe(good);
    expect(session.claims).toMatchObject({ roles: ['admin'] });
    expect(session.getSnapshot()).toBe(snapshot);
    expect(session.state).toBe('active');
  });

  it('treats null and undefined as no token', () => {
    expect(make({ token: null }).claims).toBeNull();
    expect(make({ token: undefined }).token).toBeNull();
  });

  it('accepts a token without exp: no token expiry', () => {
    const session = make({ token: jwt({ sub: 'u1' }) });
    session.start();
    vi.advanceTimersByTime(100 * DAY);
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(Infinity);
  });
});

describe('token: expiry', () => {
  it('warns warnBefore ahead with reason token, and ends at exp with reason token', () => {
    const session = make({ token: jwt({ exp: nowSec() + 600 }), clockSkew: 0 });
    const events = log(session);
    session.start();
    vi.advanceTimersByTime(8 * MIN - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual([{ type: 'warning', reason: 'token', expiresAt: Date.now() + 2 * MIN }]);
    vi.advanceTimersByTime(2 * MIN);
    expect(events.at(-1)).toEqual({ type: 'expired', reason: 'token' });
  });

  it('starts an already expired token as expired with reason token', () => {
    const session = make({ token: jwt({ exp: nowSec() - 10 }), clockSkew: 0 });
    const events = log(session);
    session.start();
    expect(session.state).toBe('expired');
    expect(events).toEqual([{ type: 'expired', reason: 'token' }]);
  });

  it('fires a 40-day token neither early nor late', () => {
    const session = make({ token: jwt({ exp: nowSec() + 40 * 86_400 }), clockSkew: 0, warnBefore: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.advanceTimersByTime(25 * DAY); // past setTimeout's 24.8-day limit
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(15 * DAY - 1);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('ends a token that expired while the machine slept as soon as the page wakes', () => {
    const session = make({ token: jwt({ exp: nowSec() + 600 }), clockSkew: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.setSystemTime(Date.now() + 60 * MIN);
    expect(expired).not.toHaveBeenCalled();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('learns the clock offset from iat: a client 4 min ahead of the server still gets the full lifetime', () => {
    const serverNow = nowSec() - 240; // the local clock is 4 min ahead (within the ±5 min iat may teach)
    const session = make({ token: jwt({ iat: serverNow, exp: serverNow + 600 }) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
    vi.advanceTimersByTime(10 * MIN - 1);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('takes a token issued 1 h ago as old, not the clock as 1 h wrong: it is already expired', () => {
    const serverNow = nowSec() - 3600;
    const session = make({ token: jwt({ iat: serverNow, exp: serverNow + 600 }) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(session.state).toBe('expired');
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('uses a numeric clockSkew as given', () => {
    const serverNow = nowSec() - 3600;
    const session = make({ token: jwt({ iat: serverNow - 300, exp: serverNow + 600 }), clockSkew: -3_600_000 });
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('ends a cookie session at expiresAt (server clock) with reason token', () => {
    const session = make({ expiresAt: Date.now() + 5 * MIN, clockSkew: 0 });
    const events = log(session);
    session.start();
    vi.advanceTimersByTime(5 * MIN);
    expect(events).toEqual([
      { type: 'warning', reason: 'token', expiresAt: Date.now() },
      { type: 'expired', reason: 'token' },
    ]);
  });

  it('setToken() moves the end and emits refreshed', () => {
    const session = make({ token: jwt({ exp: nowSec() + 600 }), clockSkew: 0 });
    const events = log(session);
    session.start();
    vi.advanceTimersByTime(9 * MIN);
    expect(session.state).toBe('warning');
    session.setToken(jwt({ exp: nowSec() + 600 }));
    expect(session.state).toBe('active');
    expect(events.slice(1)).toEqual([
      { type: 'extended', expiresAt: Date.now() + 10 * MIN },
      { type: 'refreshed', expiresAt: Date.now() + 10 * MIN },
    ]);
    session.setToken(null);
    expect(session.remaining()).toBe(Infinity);
  });

  it('begins a new session when setToken() + start() follow an expiry', () => {
    const session = make({ token: jwt({ exp: nowSec() - 1 }), clockSkew: 0 });
    session.start();
    expect(session.state).toBe('expired');
    session.setToken(jwt({ exp: nowSec() + 600 }));
    expect(session.state).toBe('expired');
    session.start();
    expect(session.state).toBe('active');
  });
});

describe('roles and permissions', () => {
  const permissions = { admin: ['users:delete', 'posts:edit'], editor: ['posts:edit'], viewer: [] };

  it('reads roles from claims.roles, or claims.role as a one-element array, or none', () => {
    expect(make({ token: jwt({ roles: ['admin', 'editor'] }) }).roles).toEqual(['admin', 'editor']);
    expect(make({ token: jwt({ role: 'viewer' }) }).roles).toEqual(['viewer']);
    expect(make({ token: jwt({}) }).roles).toEqual([]);
    expect(make().roles).toEqual([]);
    expect(make().claims).toBeNull();
  });

  it('takes a custom roles reader', () => {
    const session = make({ token: jwt({ realm_access: { roles: ['editor'] } }), roles: (c) => (c.realm_access as { roles: string[] }).roles });
    expect(session.roles).toEqual(['editor']);
    expect(session.hasRole('editor')).toBe(true);
  });

  it('answers hasRole() and can() from the permissions map', () => {
    const editor = make({ token: jwt({ role: 'editor' }), permissions });
    expect(editor.hasRole('editor')).toBe(true);
    expect(editor.hasRole('admin')).toBe(false);
    expect(editor.can('posts:edit')).toBe(true);
    expect(editor.can('users:delete')).toBe(false);
    expect(editor.can('toString')).toBe(false);
    const admin = make({ token: jwt({ roles: ['admin'] }), permissions });
    expect(admin.can('users:delete')).toBe(true);
    expect(make({ token: jwt({ roles: ['ghost'] }), permissions }).can('posts:edit')).toBe(false);
  });

  it('updates roles with setToken() and exposes them in the snapshot', () => {
    const session = make({ token: jwt({ role: 'viewer' }), permissions });
    session.setToken(jwt({ role: 'admin' }));
    expect(session.getSnapshot().roles).toEqual(['admin']);
    expect(session.can('users:delete')).toBe(true);
  });

  it.each([['hasRole', 1], ['hasRole', undefined], ['can', undefined], ['can', ['x']]] as const)('%s(%j) throws a TypeError', (method, arg) => {
    const session = make();
    expect(() => session[method](arg as never)).toThrow(TypeError);
  });
});
