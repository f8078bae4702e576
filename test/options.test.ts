import { describe, expect, it, vi } from 'vitest';
import { SessionCore, SessionManager, beforeExpire, closeDetection, jwtToken, serverCheck, sharedTabs, tokenRefresh } from '../src';
import { resolveOptions } from '../src/options';
import { DEV, expectBadInput } from './mode';

describe('options', () => {
  it('fills in the defaults of SPEC.md', () => {
    const o = resolveOptions({}, []);
    expect(o).toMatchObject({
      idleTimeout: 1_800_000, warnBefore: 120_000, ignoreActivityDuringWarning: true, sampleInterval: 5_000,
      storageKey: 'sessionwarden', permissions: {}, now: Date.now, signals: [],
    });
    expect(o.activity).toHaveLength(1);
  });

  it('derives warnBefore from idleTimeout: at least 20 s to answer from 40 s on (WCAG 2.2.1), at most 2 min', () => {
    const warn = (idleTimeout: number) => resolveOptions({ idleTimeout }, []).warnBefore;
    expect(warn(60_000)).toBe(20_000); // the 1-minute timeout: 20 s, not 15 s
    expect(warn(40_000)).toBe(20_000);
    expect(warn(30_000)).toBe(15_000); // shorter than 40 s: half of it, so the warning still comes before the end
    expect(warn(2_000)).toBe(1_000);
    expect(warn(5 * 60_000)).toBe(75_000);
    expect(warn(8 * 60_000)).toBe(120_000);
    expect(warn(30 * 60_000)).toBe(120_000);
    expect(warn(Infinity)).toBe(120_000);
    for (const idleTimeout of [1, 999, 39_999, 40_000, 80_000, 10 ** 9]) expect(warn(idleTimeout)).toBeLessThan(idleTimeout);
  });

  // [options, error, development message, production code (null: harmless there, development only)]
  it.each([
    [{ idleTimeout: -1 }, RangeError, /option `idleTimeout`/, 3],
    [{ idleTimeout: Number.NaN }, RangeError, /idleTimeout/, 3],
    [{ idleTimeout: 0 }, RangeError, /idleTimeout/, 3],
    [{ idleTimeout: '10' }, TypeError, /idleTimeout/, 3],
    [{ warnBefore: 60_000, idleTimeout: 60_000 }, RangeError, /warnBefore/, 5],
    [{ warnBefore: 70_000, idleTimeout: 60_000 }, RangeError, /warnBefore/, 5],
    [{ warnBefore: Infinity }, RangeError, /warnBefore/, 4],
    [{ warnBefore: -5 }, RangeError, /warnBefore/, 4],
    [{ sampleInterval: Number.NaN }, RangeError, /sampleInterval/, 10],
    [{ activity: 'dom' }, TypeError, /activity/, 6],
    [{ activity: [{}] }, TypeError, /activity/, 6],
    [{ clockSkew: Number.NaN }, TypeError, /clockSkew/, 30],
    [{ clockSkew: 'manual' }, TypeError, /clockSkew/, 30],
    [{ crossTab: '' }, TypeError, /crossTab/, null],
    [{ crossTab: 1 }, TypeError, /crossTab/, null],
    [{ storageKey: '' }, TypeError, /storageKey/, null],
    [{ permissions: { admin: 'all' } }, TypeError, /permissions/, 9],
    [{ roles: [] }, TypeError, /roles/, 32],
    [{ now: 5 }, TypeError, /now/, 11],
    [{ expiresAt: Number.NaN }, TypeError, /expiresAt/, 31],
    [{ expiresAt: '2026' }, TypeError, /expiresAt/, 31],
    [{ signals: [{}] }, TypeError, /option `signals`/, 7],
    [{ signals: serverCheck({ url: '/s' }) }, TypeError, /option `signals`/, 7],
  ])('rejects %j from the constructor, naming the option (production: its code, or harmless)', (options, ErrorType, name, code) => {
    expectBadInput(() => new SessionManager(options as never), ErrorType, name, code);
    if (code === null && !DEV) {
      // Harmless on the production build: the session works.
      vi.useFakeTimers();
      try {
        const session = new SessionManager({ idleTimeout: 60_000, ...(options as object) });
        session.start();
        vi.advanceTimersByTime(61_000);
        expect(session.state).toBe('expired');
        session.destroy();
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it('rejects options that are not an object', () => {
    expectBadInput(() => new SessionManager(null as never), TypeError, /options/, 1);
    expectBadInput(() => new SessionManager(5 as never), TypeError, /options/, 1);
    expectBadInput(() => new SessionCore(5 as never), TypeError, /options/, 1);
  });

  it('accepts Infinity for idleTimeout and 0 for warnBefore', () => {
    expect(() => new SessionManager({ idleTimeout: Infinity, warnBefore: 0 })).not.toThrow();
  });

  it("SessionCore takes only the kernel's options: the token and the tabs are signals there", () => {
    expectBadInput(() => new SessionCore({ token: 'x' } as never), TypeError, /unknown option `token`/, null);
    expect(() => new SessionCore({ signals: [jwtToken(), sharedTabs()] })).not.toThrow();
  });
});

describe('the optional signals: each validates its own options', () => {
  it.each([
    ['serverCheck({})', () => serverCheck({}), TypeError, /^sessionwarden: serverCheck\(\) must be given a `url` or a `request`/, 50],
    ['serverCheck(null)', () => serverCheck(null as never), TypeError, /serverCheck\(\)/, 50],
    ['serverCheck({ url: 5 })', () => serverCheck({ url: 5 as never }), TypeError, /serverCheck\(\) option `url`/, null],
    ['serverCheck({ interval: 0 })', () => serverCheck({ url: '/s', interval: 0 }), RangeError, /serverCheck\(\) option `interval`/, 53],
    ['serverCheck({ request: "x" })', () => serverCheck({ request: 'x' as never }), TypeError, /serverCheck\(\) option `request`/, 52],
    ['tokenRefresh("x")', () => tokenRefresh('x' as never), TypeError, /^sessionwarden: tokenRefresh\(\)/, 40],
    ['tokenRefresh(fn, { timeout: 0 })', () => tokenRefresh(async () => '', { timeout: 0 }), RangeError, /tokenRefresh\(\) option `timeout`/, 41],
    ["closeDetection('window')", () => closeDetection('window' as never), TypeError, /closeDetection\(\) mode/, null],
    ["closeDetection('browser', { grace: -1 })", () => closeDetection('browser', { grace: -1 }), RangeError, /closeDetection\(\) option `grace`/, 63],
    ["closeDetection('browser', { beacon: 1 })", () => closeDetection('browser', { beacon: 1 as never }), TypeError, /closeDetection\(\) option `beacon`/, null],
    ['beforeExpire(1)', () => beforeExpire(1 as never), TypeError, /^sessionwarden: beforeExpire\(\)/, 60],
    ['beforeExpire(fn, { timeout: NaN })', () => beforeExpire(() => {}, { timeout: Number.NaN }), RangeError, /beforeExpire\(\) option `timeout`/, 61],
  ])('%s throws, naming it (production: its code, or harmless)', (_name, make, ErrorType, message, code) => {
    expectBadInput(make, ErrorType, message, code);
  });

  it("tokenRefresh's `before` is checked against the session it joins", () => {
    expectBadInput(() => new SessionManager({ refresh: tokenRefresh(async () => '', { before: -1 }) }), RangeError, /tokenRefresh\(\) option `before`/, 42);
  });
});

describe('options of 0.0.x: the error shows the new shape', () => {
  it.each([
    [{ check: { url: '/s' } }, /^sessionwarden: option `check` takes serverCheck\(\{ url, interval, onFocus \}\) now/],
    [{ refresh: async () => 'jwt' }, /option `refresh` takes tokenRefresh\(yourRefresh, \{ before, timeout \}\) now/],
    [{ endOnClose: 'browser' }, /option `endOnClose` takes closeDetection\('browser' \| 'tab', \{ grace, beacon \}\) now/],
    [{ endOnClose: false }, /option `endOnClose` takes closeDetection/],
    [{ beforeExpire: async () => {} }, /option `beforeExpire` takes beforeExpire\(yourSave, \{ timeout \}\) now/],
    [{ refreshBefore: 60_000 }, /option `refreshBefore` moved into tokenRefresh\(yourRefresh, \{ before, timeout \}\)/],
    [{ refreshTimeout: 1 }, /option `refreshTimeout` moved into tokenRefresh/],
    [{ closeGrace: 1 }, /option `closeGrace` moved into closeDetection/],
    [{ closeBeacon: '/b' }, /option `closeBeacon` moved into closeDetection/],
    [{ beforeExpireTimeout: 1 }, /option `beforeExpireTimeout` moved into beforeExpire/],
  ])('%j', (options, message) => {
    // Production: a value that is not a signal is still refused (E7); an option that moved is ignored.
    const moved = !['check', 'refresh', 'endOnClose', 'beforeExpire'].some((name) => name in options);
    expectBadInput(() => new SessionManager(options as never), TypeError, message, moved || 'endOnClose' in options && !options.endOnClose ? null : 7);
  });

  it('refresh() without a tokenRefresh() in the refresh option is a TypeError saying what it needs', () => {
    const custom = { attach: () => ({}) };
    for (const session of [new SessionManager({}), new SessionManager({ refresh: custom })]) {
      expectBadInput(() => session.refresh(), TypeError, /^sessionwarden: refresh\(\) needs the `refresh` option: tokenRefresh\(yourRefresh\)/, 23);
    }
  });

  it('an unknown option names the nearest known one, the built-in signals\' included', () => {
    expectBadInput(() => new SessionManager({ crossTabs: true } as never), TypeError, 'sessionwarden: unknown option `crossTabs` (did you mean `crossTab`?)', null);
    expectBadInput(() => new SessionManager({ chek: 1 } as never), TypeError, '(did you mean `check`?)', null);
  });
});
