import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type JwtClaims, type SessionOptions, tokenRefresh } from 'sessionwarden';
import { jwt as makeJwt } from '../jwt';
import { DEV, expectBadInput } from '../mode';

// Roles and permissions from the token's claims: roles, hasRole(), can(), claims.

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const exp = Math.floor(T0 / 1000) + 3600;

const PERMISSIONS = { admin: ['users:delete', 'posts:edit'], editor: ['posts:edit'], viewer: [] };
const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ crossTab: false, activity: [], clockSkew: 0, permissions: PERMISSIONS, ...options });
  managers.push(session);
  return session;
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('without a token', () => {
  it('claims is null, roles empty, hasRole() and can() false', () => {
    const session = make();
    expect(session.claims).toBeNull();
    expect(session.roles).toEqual([]);
    expect(session.hasRole('admin')).toBe(false);
    expect(session.can('posts:edit')).toBe(false);
    expect(session.getSnapshot().claims).toBeNull();
    expect(session.getSnapshot().roles).toEqual([]);
    session.start();
    expect(session.claims).toBeNull();
  });

  it('setToken(null) clears claims and roles', () => {
    const session = make({ token: makeJwt({ exp, roles: ['admin'] }) });
    session.start();
    expect(session.hasRole('admin')).toBe(true);
    session.setToken(null);
    expect(session.claims).toBeNull();
    expect(session.roles).toEqual([]);
    expect(session.hasRole('admin')).toBe(false);
    expect(session.can('users:delete')).toBe(false);
    expect(session.getSnapshot().roles).toEqual([]);
  });
});

describe('the default role reader', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a roles array', { roles: ['editor', 'viewer'] }, ['editor', 'viewer']],
    ['a role string', { role: 'admin' }, ['admin']],
    ['a roles string', { roles: 'editor' }, ['editor']],
    ['neither', { sub: 'u1' }, []],
    ['an empty roles array', { roles: [] }, []],
    ['roles before role', { roles: ['viewer'], role: 'admin' }, ['viewer']],
    ['null roles falling back to role', { roles: null, role: 'editor' }, ['editor']],
    ['non-string entries dropped', { roles: ['editor', 7, null, { admin: true }] }, ['editor']],
    ['a numeric role', { role: 1 }, []],
  ])('reads %s', (_name, claims, roles) => {
    const session = make({ token: makeJwt({ exp, ...claims }) });
    expect(session.roles).toEqual(roles);
    expect(session.getSnapshot().roles).toEqual(roles);
    for (const role of ['admin', 'editor', 'viewer']) expect(session.hasRole(role)).toBe(roles.includes(role));
  });

  it('exposes the decoded claims', () => {
    const session = make({ token: makeJwt({ sub: 'u1', exp, roles: ['editor'], name: 'Ada' }) });
    expect(session.claims).toEqual({ sub: 'u1', exp, roles: ['editor'], name: 'Ada' });
    expect(session.getSnapshot().claims).toBe(session.claims);
  });

  it('hasRole() is an exact match, not a substring one', () => {
    const session = make({ token: makeJwt({ exp, role: 'administrator' }) });
    expect(session.hasRole('admin')).toBe(false);
    expect(session.hasRole('administrator')).toBe(true);
    expect(session.hasRole('')).toBe(false);
  });
});

describe('a custom roles option', () => {
  it('reads roles from any claim', () => {
    const reader = vi.fn((claims: JwtClaims) => (claims.groups as string[]).map((g) => g.toLowerCase()));
    const session = make({ token: makeJwt({ exp, groups: ['ADMIN'], roles: ['viewer'] }), roles: reader });
    expect(reader).toHaveBeenCalledWith({ exp, groups: ['ADMIN'], roles: ['viewer'] });
    expect(session.roles).toEqual(['admin']);
    expect(session.hasRole('viewer')).toBe(false);
    expect(session.can('users:delete')).toBe(true);
  });

  it('is not called without a token', () => {
    const reader = vi.fn(() => ['admin']);
    const session = make({ roles: reader });
    expect(reader).not.toHaveBeenCalled();
    expect(session.roles).toEqual([]);
  });

  it('a nullish answer means no roles', () => {
    const session = make({ token: makeJwt({ exp }), roles: (claims) => claims.groups as string[] });
    expect(session.roles).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['a string', 'admin'],
    ['an array with a number', ['admin', 1]],
    ['an object', { admin: true }],
  ])('an answer that is %s is a TypeError naming the option', (_name, answer) => {
    expectBadInput(() => make({ token: makeJwt({ exp }), roles: () => answer as string[] }), TypeError, /roles/, 33);
  });

  it('a reader that throws on setToken() changes nothing', () => {
    const first = makeJwt({ exp, groups: ['editor'] });
    const session = make({
      idleTimeout: Infinity,
      token: first,
      roles: (claims) => {
        if (!Array.isArray(claims.groups)) throw new Error('no groups');
        return claims.groups as string[];
      },
    });
    session.start();
    const snapshot = session.getSnapshot();
    expect(() => session.setToken(makeJwt({ exp: exp + 60 }))).toThrow('no groups');
    expect(session.token).toBe(first);
    expect(session.claims).toEqual({ exp, groups: ['editor'] });
    expect(session.roles).toEqual(['editor']);
    expect(session.getSnapshot()).toBe(snapshot);
    expect(session.remaining()).toBe(60 * MIN);
  });
});

describe('permissions and can()', () => {
  it.each<[string, string[], Record<string, boolean>]>([
    ['admin', ['admin'], { 'users:delete': true, 'posts:edit': true, 'posts:read': false }],
    ['editor', ['editor'], { 'users:delete': false, 'posts:edit': true }],
    ['viewer', ['viewer'], { 'users:delete': false, 'posts:edit': false }],
    ['editor and viewer', ['viewer', 'editor'], { 'users:delete': false, 'posts:edit': true }],
    ['a role missing from the map', ['guest'], { 'posts:edit': false }],
  ])('%s', (_name, roles, expected) => {
    const session = make({ token: makeJwt({ exp, roles }) });
    for (const [permission, allowed] of Object.entries(expected)) expect(session.can(permission)).toBe(allowed);
  });

  it('without a permissions map, can() is always false', () => {
    const session = new SessionManager({ crossTab: false, activity: [], token: makeJwt({ exp, roles: ['admin'] }) });
    managers.push(session);
    expect(session.hasRole('admin')).toBe(true);
    expect(session.can('users:delete')).toBe(false);
  });

  it('roles named like Object.prototype members grant nothing', () => {
    const session = make({ token: makeJwt({ exp, roles: ['constructor', 'toString', '__proto__', 'hasOwnProperty'] }) });
    for (const permission of ['length', 'constructor', 'call', 'users:delete']) expect(session.can(permission)).toBe(false);
  });

  it('follows the token: a new token with other roles changes hasRole() and can() at once', () => {
    const session = make({ token: makeJwt({ exp, role: 'viewer' }) });
    session.start();
    const changes: string[][] = [];
    session.on('change', (snapshot) => changes.push([...snapshot.roles]));
    expect(session.can('posts:edit')).toBe(false);
    session.setToken(makeJwt({ exp, role: 'editor' }));
    expect(session.roles).toEqual(['editor']);
    expect(session.can('posts:edit')).toBe(true);
    expect(session.hasRole('viewer')).toBe(false);
    expect(changes).toEqual([['editor']]);
  });

  it('follows a refresh', async () => {
    const session = make({
      idleTimeout: Infinity,
      token: makeJwt({ exp: Math.floor(T0 / 1000) + 600, role: 'viewer' }),
      refresh: tokenRefresh(async () => makeJwt({ exp: Math.floor(Date.now() / 1000) + 600, role: 'admin' })),
    });
    session.start();
    vi.advanceTimersByTime(1);
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(session.state).toBe('active');
    expect(session.hasRole('admin')).toBe(true);
    expect(session.can('users:delete')).toBe(true);
  });
});

describe('bad input', () => {
  const session = () => make({ token: makeJwt({ exp, roles: ['admin'] }) });

  it.each<[string, unknown]>([
    ['a number', 1],
    ['undefined', undefined],
    ['null', null],
    ['an array', ['admin']],
    ['an object', { role: 'admin' }],
  ])('hasRole(%s) throws a TypeError', (_name, value) => {
    // Production: no such role, and the session unharmed.
    expectBadInput(() => session().hasRole(value as string), TypeError, /hasRole/, null);
    if (!DEV) expect(session().hasRole(value as string)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a number', 1],
    ['null', null],
    ['a symbol', Symbol('x')],
  ])('can(%s) throws a TypeError', (_name, value) => {
    expectBadInput(() => session().can(value as string), TypeError, /can\(\)/, null);
    if (!DEV) expect(session().can(value as string)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a string', 'admin'],
    ['a number', 1],
    ['an array', ['admin']],
  ])('roles as %s is a TypeError from the constructor naming the option', (_name, roles) => {
    expectBadInput(() => make({ roles: roles as never }), TypeError, /`roles`/, 32);
  });

  it.each<[string, unknown]>([
    ['a string', 'admin'],
    ['an array of strings', ['admin']],
    ['a role mapped to a string', { admin: 'users:delete' }],
    ['a role mapped to null', { admin: null }],
  ])('permissions as %s is a TypeError naming the option', (_name, permissions) => {
    expectBadInput(() => make({ permissions: permissions as never }), TypeError, /permissions/, 9);
  });
});
