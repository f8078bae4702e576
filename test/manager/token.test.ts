import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError as JwtDecodeInvalidTokenError } from 'jwt-decode';
import { InvalidTokenError, SessionManager, serverCheck, type SessionOptions } from 'sessionwarden';
import { MAX_DELAY } from '../../src/timers/deadline';
import { b64url, jwt as makeJwt } from '../jwt';

// Token expiry and the clock offset: the `token` option, setToken(), `expiresAt`, and `clockSkew`.

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A whole second, so that `iat`/`exp` (seconds) land exactly on the faked clock. */
const T0 = 1_700_000_000_000;

/** An unsigned JWT: the client never checks the signature. */
/** A JWT whose payload segment is `payload` as given (for malformed tokens). */
const rawJwt = (payload: string) => `${b64url('{"alg":"HS256"}')}.${payload}.signature`;
const sec = (ms: number) => Math.floor(ms / 1000);

const managers: SessionManager[] = [];
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: Infinity, warnBefore: 2 * MIN, crossTab: false, activity: [], ...options });
  managers.push(session);
  return session;
};
/** Every event of interest, in order, with the local time it came at. */
const record = (session: SessionManager) => {
  const log: { type: string; at: number; payload: unknown }[] = [];
  for (const type of ['warning', 'expired', 'extended', 'refreshed', 'error'] as const) {
    session.on(type, (payload) => log.push({ type, at: Date.now(), payload }));
  }
  return log;
};
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  vi.useRealTimers();
});

describe('InvalidTokenError', () => {
  it('is exported from sessionwarden and is jwt-decode’s own class', () => {
    expect(InvalidTokenError).toBe(JwtDecodeInvalidTokenError);
    expect(new InvalidTokenError('x')).toBeInstanceOf(Error);
  });

  const malformed: [string, unknown, RegExp][] = [
    ['the empty string', '', /missing part #2|invalid json/],
    ['a string without dots', 'abc', /missing part #2/],
    ['a payload that is not base64', rawJwt('a'), /invalid base64/],
    ['a payload with characters outside base64', rawJwt('!!!!'), /invalid base64/],
    ['a payload that is not JSON', rawJwt(b64url('not json {')), /invalid json/],
    ['claims that are a number', makeJwt(42), /claims are not a JSON object/],
    ['claims that are null', makeJwt(null), /claims are not a JSON object/],
    ['claims that are an array', makeJwt([{ exp: 1 }]), /claims are not a JSON object/],
    ['claims that are a string', makeJwt('hello'), /claims are not a JSON object/],
    ['a string exp', makeJwt({ exp: 'tomorrow' }), /`exp` is not a number/],
    ['a numeric-string exp', makeJwt({ exp: '1700000000' }), /`exp` is not a number/],
    ['a null exp', makeJwt({ exp: null }), /`exp` is not a number/],
    ['an object exp', makeJwt({ exp: { at: 1 } }), /`exp` is not a number/],
    ['a string iat', makeJwt({ iat: 'now', exp: sec(T0) + 60 }), /`iat` is not a number/],
    ['a number instead of a string', 12345, /must be a string/],
  ];

  it.each(malformed)('the constructor rejects %s, naming the problem', (_name, token, message) => {
    let error: unknown;
    try {
      make({ token: token as string });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as Error).message).toMatch(message);
    // It says it is ours, and which option got the token.
    expect((error as Error).message).toMatch(/^sessionwarden: option `token` got a malformed JWT: /);
  });

  it.each(malformed)('setToken() rejects %s and changes nothing', (_name, token, message) => {
    const good = makeJwt({ sub: 'u1', exp: sec(T0) + 600, roles: ['admin'] });
    const session = make({ token: good, clockSkew: 0 });
    const events = record(session);
    const changes = vi.fn();
    session.subscribe(changes);
    session.start();
    vi.advanceTimersByTime(MIN);
    const snapshot = session.getSnapshot();
    const claims = session.claims;
    expect(() => session.setToken(token as string)).toThrow(message);
    expect(() => session.setToken(token as string)).toThrow(/^sessionwarden: setToken\(\) got a malformed JWT: /);
    expect(() => session.setToken(token as string)).toThrow(InvalidTokenError);
    expect(session.token).toBe(good);
    expect(session.claims).toBe(claims);
    expect(session.claims).toEqual({ sub: 'u1', exp: sec(T0) + 600, roles: ['admin'] });
    expect(session.roles).toEqual(['admin']);
    expect(session.state).toBe('active');
    expect(session.getSnapshot()).toBe(snapshot);
    expect(session.remaining()).toBe(9 * MIN);
    expect(changes).toHaveBeenCalledTimes(1); // only the start
    expect(events).toEqual([]);
    // …and the old token still ends the session on time.
    vi.advanceTimersByTime(9 * MIN);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 8 * MIN], ['expired', 10 * MIN]]);
  });

  it('a failed setToken() before start() leaves the session stopped with the old token', () => {
    const good = makeJwt({ exp: sec(T0) + 600 });
    const session = make({ token: good });
    expect(() => session.setToken('abc')).toThrow(InvalidTokenError);
    expect(session.token).toBe(good);
    expect(session.state).toBe('stopped');
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('a failed setToken() after the end does not begin a new session', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 60 }), clockSkew: 0 });
    session.start();
    vi.advanceTimersByTime(MIN);
    expect(session.state).toBe('expired');
    expect(() => session.setToken('not.a-token')).toThrow(InvalidTokenError);
    session.start();
    expect(session.state).toBe('expired');
  });
});

describe('the token option and setToken()', () => {
  it('null and undefined mean no token: claims null, nothing ends the session', () => {
    for (const token of [null, undefined]) {
      const session = make({ token });
      session.start();
      expect(session.token).toBeNull();
      expect(session.claims).toBeNull();
      expect(session.remaining()).toBe(Infinity);
    }
  });

  it('a token without exp is accepted and has no token expiry', () => {
    const token = makeJwt({ sub: 'u1', iat: sec(T0) });
    const session = make({ token });
    const events = record(session);
    session.start();
    expect(session.claims).toEqual({ sub: 'u1', iat: sec(T0) });
    expect(session.remaining()).toBe(Infinity);
    expect(session.getSnapshot().expiresAt).toBe(Infinity);
    vi.advanceTimersByTime(400 * DAY);
    expect(session.state).toBe('active');
    expect(events).toEqual([]);
  });

  it('a token without exp still lets inactivity end the session', () => {
    const session = make({ token: makeJwt({ sub: 'u1' }), idleTimeout: 10 * MIN });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(10 * MIN);
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['warning', { reason: 'idle', expiresAt: T0 + 10 * MIN }],
      ['expired', { reason: 'idle' }],
    ]);
  });

  it('an already expired token starts the session expired with reason token', () => {
    const session = make({ token: makeJwt({ sub: 'u1', exp: sec(T0) - 60 }) });
    const events = record(session);
    expect(session.state).toBe('stopped');
    session.start();
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('token');
    expect(session.remaining()).toBe(0);
    expect(events.map((e) => [e.type, e.payload])).toEqual([['expired', { reason: 'token' }]]);
    vi.advanceTimersByTime(HOUR);
    expect(events).toHaveLength(1); // exactly once
  });

  it('a token expiring exactly now starts expired too', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) }), clockSkew: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('an already expired token given to setToken() ends the running session', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 600 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    session.setToken(makeJwt({ exp: sec(T0) - 1 }));
    expect(session.state).toBe('expired');
    expect(events.map((e) => e.type)).toEqual(['expired']);
    expect(events[0]!.payload).toEqual({ reason: 'token' });
  });

  it("warns warnBefore ahead of exp with reason 'token', then expires at exp", () => {
    const exp = sec(T0) + 15 * 60;
    const session = make({ token: makeJwt({ exp }), warnBefore: 3 * MIN, clockSkew: 0 });
    const events = record(session);
    session.start();
    expect(session.remaining()).toBe(15 * MIN);
    vi.advanceTimersByTime(12 * MIN - 1);
    expect(session.state).toBe('active');
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(session.state).toBe('warning');
    expect(session.getSnapshot().warning).toBe('token');
    expect(events).toEqual([{ type: 'warning', at: T0 + 12 * MIN, payload: { reason: 'token', expiresAt: exp * 1000 } }]);
    vi.advanceTimersByTime(3 * MIN - 1);
    expect(session.state).toBe('warning');
    vi.advanceTimersByTime(1);
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('token');
    expect(events.slice(1)).toEqual([{ type: 'expired', at: T0 + 15 * MIN, payload: { reason: 'token' } }]);
  });

  it("activity does not keep a token alive: the token's end wins over inactivity", () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 600 }), idleTimeout: 30 * MIN, clockSkew: 0, sampleInterval: 0 });
    const events = record(session);
    session.start();
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(MIN);
      session.reportActivity();
    }
    vi.advanceTimersByTime(MIN);
    expect(events.filter((e) => e.type !== 'extended').map((e) => [e.type, e.at - T0, e.payload])).toEqual([
      ['warning', 8 * MIN, { reason: 'token', expiresAt: T0 + 10 * MIN }],
      ['expired', 10 * MIN, { reason: 'token' }],
    ]);
  });

  it('setToken() while started moves the end and emits refreshed', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 600 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(5 * MIN);
    const next = makeJwt({ exp: sec(T0) + 3600, role: 'editor' });
    session.setToken(next);
    expect(session.token).toBe(next);
    expect(session.claims).toEqual({ exp: sec(T0) + 3600, role: 'editor' });
    expect(session.remaining()).toBe(55 * MIN);
    expect(events).toEqual([{ type: 'refreshed', at: T0 + 5 * MIN, payload: { expiresAt: T0 + HOUR } }]);
    vi.advanceTimersByTime(10 * MIN);
    expect(session.state).toBe('active');
  });

  it('setToken() during a token warning ends the warning', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 600 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(9 * MIN);
    expect(session.state).toBe('warning');
    session.setToken(makeJwt({ exp: sec(T0) + 3600 }));
    expect(session.state).toBe('active');
    expect(session.getSnapshot().warning).toBeNull();
    expect(events.map((e) => e.type)).toEqual(['warning', 'extended', 'refreshed']);
    vi.advanceTimersByTime(MIN);
    expect(session.state).toBe('active');
  });

  it('setToken(null) removes the token and its end', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 600, roles: ['a'] }), clockSkew: 0 });
    session.start();
    session.setToken(null);
    expect(session.token).toBeNull();
    expect(session.claims).toBeNull();
    expect(session.roles).toEqual([]);
    expect(session.remaining()).toBe(Infinity);
    vi.advanceTimersByTime(HOUR);
    expect(session.state).toBe('active');
  });

  it('setToken() with a new token after the end, then start(), begins a new session', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 60 }), clockSkew: 0 });
    session.start();
    vi.advanceTimersByTime(MIN);
    expect(session.state).toBe('expired');
    session.setToken(makeJwt({ exp: sec(T0) + 600 }));
    expect(session.state).toBe('expired');
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(9 * MIN);
  });
});

describe('far and missed deadlines', () => {
  it('a 40-day token fires neither early (setTimeout’s 2^31−1 limit) nor late', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const exp = sec(T0) + 40 * 24 * 3600;
    const session = make({ token: makeJwt({ exp }), clockSkew: 0 });
    const events = record(session);
    session.start();
    expect(session.remaining()).toBe(40 * DAY);
    // No delay ever passed to setTimeout exceeds its limit (a longer one would fire at once).
    vi.advanceTimersByTime(MAX_DELAY);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(40 * DAY - 2 * MIN - MAX_DELAY - 1);
    expect(session.state).toBe('active');
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 40 * DAY - 2 * MIN]]);
    vi.advanceTimersByTime(2 * MIN - 1);
    expect(session.state).toBe('warning');
    vi.advanceTimersByTime(1);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 40 * DAY - 2 * MIN], ['expired', 40 * DAY]]);
    const delays = setTimeoutSpy.mock.calls.map((call) => call[1] ?? 0);
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_DELAY);
  });

  it('a 40-day token, started then resumed after stop(), still ends on time', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 40 * 24 * 3600 }), clockSkew: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.advanceTimersByTime(30 * DAY);
    session.stop();
    session.start();
    vi.advanceTimersByTime(10 * DAY - 1);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('a token that expires while the machine sleeps ends at once when the page becomes visible', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 10 * 60 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(MIN);
    setVisibility('hidden');
    // The machine sleeps for an hour: the clock jumps, no timer runs.
    vi.setSystemTime(T0 + HOUR);
    expect(session.state).toBe('active');
    expect(events).toEqual([]);
    setVisibility('visible');
    expect(session.state).toBe('expired');
    expect(events.map((e) => [e.type, e.at, e.payload])).toEqual([['expired', T0 + HOUR, { reason: 'token' }]]);
  });

  it.each([
    ['window focus', () => window.dispatchEvent(new Event('focus'))],
    ['pageshow', () => window.dispatchEvent(new Event('pageshow'))],
    ['online', () => window.dispatchEvent(new Event('online'))],
  ])('%s after a sleep past exp ends the session at once', (_name, wake) => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 10 * 60 }), clockSkew: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    vi.setSystemTime(T0 + 2 * HOUR);
    expect(expired).not.toHaveBeenCalled();
    wake();
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('after a sleep that ends before the warning, the warning and the end still come on time (wall clock)', () => {
    // Timers pause while the machine sleeps: one armed for the warning would fire that much later.
    const session = make({ token: makeJwt({ exp: sec(T0) + 30 * 60 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    vi.advanceTimersByTime(MIN);
    setVisibility('hidden');
    vi.setSystemTime(T0 + 20 * MIN); // asleep 19 min; no timer ran
    setVisibility('visible');
    expect(events).toEqual([]);
    vi.advanceTimersByTime(8 * MIN - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 28 * MIN]]);
    vi.advanceTimersByTime(2 * MIN);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 28 * MIN], ['expired', 30 * MIN]]);
  });

  it('waking inside the warning window emits the token warning at once', () => {
    const session = make({ token: makeJwt({ exp: sec(T0) + 10 * 60 }), clockSkew: 0 });
    const events = record(session);
    session.start();
    setVisibility('hidden');
    vi.setSystemTime(T0 + 9 * MIN);
    setVisibility('visible');
    expect(events.map((e) => [e.type, e.payload])).toEqual([['warning', { reason: 'token', expiresAt: T0 + 10 * MIN }]]);
  });
});

describe('clock offset', () => {
  const SERVER_NOW = T0;
  const AHEAD = 4 * MIN; // the local clock is 4 min ahead of the server's: within what iat may teach

  it("'auto': a clock 4 min ahead of the server learns the offset from iat; the token lasts 10 min on the local clock", () => {
    vi.setSystemTime(SERVER_NOW + AHEAD);
    const token = makeJwt({ iat: sec(SERVER_NOW), exp: sec(SERVER_NOW) + 600 });
    const session = make({ token, clockSkew: 'auto' });
    const events = record(session);
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
    vi.advanceTimersByTime(8 * MIN - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events.map((e) => [e.type, e.at, e.payload])).toEqual([
      ['warning', SERVER_NOW + AHEAD + 8 * MIN, { reason: 'token', expiresAt: SERVER_NOW + AHEAD + 10 * MIN }],
    ]);
    vi.advanceTimersByTime(2 * MIN);
    expect(events.at(-1)).toEqual({ type: 'expired', at: SERVER_NOW + AHEAD + 10 * MIN, payload: { reason: 'token' } });
  });

  it("'auto' is the default", () => {
    vi.setSystemTime(SERVER_NOW + AHEAD);
    const session = make({ token: makeJwt({ iat: sec(SERVER_NOW), exp: sec(SERVER_NOW) + 600 }) });
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
  });

  it("'auto': a clock 4 min behind the server does not stretch the token to 14 min", () => {
    vi.setSystemTime(SERVER_NOW - AHEAD);
    const session = make({ token: makeJwt({ iat: sec(SERVER_NOW), exp: sec(SERVER_NOW) + 600 }) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
    vi.advanceTimersByTime(10 * MIN);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it("'auto': a token set later by setToken() learns the offset too", () => {
    vi.setSystemTime(SERVER_NOW + AHEAD);
    const session = make();
    session.start();
    vi.advanceTimersByTime(MIN);
    session.setToken(makeJwt({ iat: sec(SERVER_NOW + MIN), exp: sec(SERVER_NOW + MIN) + 600 }));
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(10 * MIN);
  });

  it('a number is used as given (server minus client), and iat is ignored', () => {
    vi.setSystemTime(SERVER_NOW + HOUR);
    const token = makeJwt({ iat: sec(SERVER_NOW), exp: sec(SERVER_NOW) + 600 });
    // Says the server is 55 min behind: the token ends 5 min from now on the local clock.
    const session = make({ token, clockSkew: -55 * MIN });
    const events = record(session);
    session.start();
    expect(session.remaining()).toBe(5 * MIN);
    vi.advanceTimersByTime(5 * MIN);
    expect(events.map((e) => [e.type, e.at - SERVER_NOW - HOUR])).toEqual([['warning', 3 * MIN], ['expired', 5 * MIN]]);
  });

  it('clockSkew: 0 trusts the local clock: the same token is already expired', () => {
    vi.setSystemTime(SERVER_NOW + HOUR);
    const session = make({ token: makeJwt({ iat: sec(SERVER_NOW), exp: sec(SERVER_NOW) + 600 }), clockSkew: 0 });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it("'auto' without iat assumes no offset", () => {
    vi.setSystemTime(SERVER_NOW + 5 * MIN);
    const session = make({ token: makeJwt({ exp: sec(SERVER_NOW) + 600 }) });
    session.start();
    expect(session.remaining()).toBe(5 * MIN);
  });
});

describe('a token restored from storage (the first visit of a new browser session)', () => {
  // The app kept the token (its own storage) and sets it on the next visit: iat is long past.
  const restored = (issuedAgo: number, lifetime: number, claims: object = {}) =>
    makeJwt({ sub: 'u1', roles: ['editor'], iat: sec(Date.now() - issuedAgo), exp: sec(Date.now() - issuedAgo + lifetime), ...claims });

  it.each([
    ['700 s ago, expired 60 s ago', 700 * SEC, 640 * SEC],
    ['1 h ago, expired 30 min ago', HOUR, 30 * MIN],
    ['7 days ago, a 1-day token', 7 * DAY, DAY],
  ])("issued %s: starts 'expired' ('token'), with no roles, whatever the clock offset option says ('auto')", (_, ago, lifetime) => {
    const session = make({ token: restored(ago, lifetime) });
    const events = record(session);
    const states: string[] = [];
    session.subscribe(() => states.push(session.state));
    session.start();
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('token');
    expect(session.roles).toEqual([]);
    expect(session.hasRole('editor')).toBe(false);
    expect(states).not.toContain('active');
    expect(events.map((e) => [e.type, e.payload])).toEqual([['expired', { reason: 'token' }]]);
  });

  it('issued 4 min ago and expired 1 min ago on this clock: expired too (an exp that has passed teaches no offset)', () => {
    const session = make({ token: restored(4 * MIN, 3 * MIN) });
    session.start();
    expect(session.getSnapshot()).toMatchObject({ state: 'expired', reason: 'token' });
  });

  it('issued 1 h ago with 1 h left: ends in 1 h, not 2 (an old token is not a wrong clock)', () => {
    const session = make({ token: restored(HOUR, 2 * HOUR) });
    const expired = vi.fn();
    session.on('expired', expired);
    session.start();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(HOUR);
    vi.advanceTimersByTime(HOUR);
    expect(expired).toHaveBeenCalledWith({ reason: 'token' });
  });

  it('the offset stays 0 until the server speaks: a check then corrects it', async () => {
    // The server's clock is 10 min ahead of this one; the old token says nothing of it.
    const request = vi.fn(async () => ({ active: true, serverTime: Date.now() + 10 * MIN }));
    const session = make({ token: restored(HOUR, 2 * HOUR), check: serverCheck({ request, interval: 15 * MIN }) });
    session.start();
    expect(session.remaining()).toBe(HOUR);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(request).toHaveBeenCalledTimes(1);
    expect(session.remaining()).toBe(HOUR - 15 * MIN - 10 * MIN);
  });

  it("a fresh token after the restored one teaches the offset from its iat", () => {
    const session = make({ token: restored(HOUR, 2 * HOUR) });
    session.start();
    // The server (2 min ahead of this clock) issues a new one.
    session.setToken(makeJwt({ sub: 'u1', iat: sec(Date.now() + 2 * MIN), exp: sec(Date.now() + 2 * MIN) + 600 }));
    expect(session.remaining()).toBe(10 * MIN);
  });
});

describe('expiresAt (a cookie session without a JWT)', () => {
  it("ends the session at expiresAt with reason 'token', warning first", () => {
    const session = make({ expiresAt: T0 + 20 * MIN, clockSkew: 0 });
    const events = record(session);
    session.start();
    expect(session.claims).toBeNull();
    expect(session.remaining()).toBe(20 * MIN);
    vi.advanceTimersByTime(20 * MIN);
    expect(events.map((e) => [e.type, e.at - T0, e.payload])).toEqual([
      ['warning', 18 * MIN, { reason: 'token', expiresAt: T0 + 20 * MIN }],
      ['expired', 20 * MIN, { reason: 'token' }],
    ]);
  });

  it('is on the server clock, corrected by the clock offset', () => {
    // The server is 5 minutes ahead: its 20-minute mark is 15 minutes from now locally.
    const session = make({ expiresAt: T0 + 20 * MIN, clockSkew: 5 * MIN });
    const events = record(session);
    session.start();
    expect(session.remaining()).toBe(15 * MIN);
    vi.advanceTimersByTime(15 * MIN - 1);
    expect(session.state).toBe('warning');
    vi.advanceTimersByTime(1);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([['warning', 13 * MIN], ['expired', 15 * MIN]]);
    expect(events.at(-1)!.payload).toEqual({ reason: 'token' });
  });

  it('an expiresAt in the past starts expired', () => {
    const session = make({ expiresAt: T0 - 1, clockSkew: 0 });
    session.start();
    expect(session.state).toBe('expired');
    expect(session.getSnapshot().reason).toBe('token');
  });

  it('a JWT exp takes precedence over expiresAt', () => {
    const session = make({ expiresAt: T0 + 20 * MIN, token: makeJwt({ exp: sec(T0) + 600 }), clockSkew: 0 });
    session.start();
    expect(session.remaining()).toBe(10 * MIN);
  });

  it.each([NaN, Infinity, '1700000000000'])('rejects expiresAt %s with an error naming the option', (value) => {
    expect(() => make({ expiresAt: value as number })).toThrow(/expiresAt/);
  });
});
