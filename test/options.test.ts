import { describe, expect, it } from 'vitest';
import { SessionCore, SessionManager, beforeExpire, closeDetection, jwtToken, serverCheck, sharedTabs, tokenRefresh } from '../src';
import { resolveOptions } from '../src/options';

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

  it.each([
    [{ idleTimeout: -1 }, RangeError, /option `idleTimeout`/],
    [{ idleTimeout: Number.NaN }, RangeError, /idleTimeout/],
    [{ idleTimeout: 0 }, RangeError, /idleTimeout/],
    [{ idleTimeout: '10' }, TypeError, /idleTimeout/],
    [{ warnBefore: 60_000, idleTimeout: 60_000 }, RangeError, /warnBefore/],
    [{ warnBefore: 70_000, idleTimeout: 60_000 }, RangeError, /warnBefore/],
    [{ warnBefore: Infinity }, RangeError, /warnBefore/],
    [{ warnBefore: -5 }, RangeError, /warnBefore/],
    [{ sampleInterval: Number.NaN }, RangeError, /sampleInterval/],
    [{ activity: 'dom' }, TypeError, /activity/],
    [{ activity: [{}] }, TypeError, /activity/],
    [{ clockSkew: Number.NaN }, TypeError, /clockSkew/],
    [{ clockSkew: 'manual' }, TypeError, /clockSkew/],
    [{ crossTab: '' }, TypeError, /crossTab/],
    [{ crossTab: 1 }, TypeError, /crossTab/],
    [{ storageKey: '' }, TypeError, /storageKey/],
    [{ permissions: { admin: 'all' } }, TypeError, /permissions/],
    [{ roles: [] }, TypeError, /roles/],
    [{ now: 5 }, TypeError, /now/],
    [{ expiresAt: Number.NaN }, TypeError, /expiresAt/],
    [{ expiresAt: '2026' }, TypeError, /expiresAt/],
    [{ signals: [{}] }, TypeError, /option `signals`/],
    [{ signals: serverCheck({ url: '/s' }) }, TypeError, /option `signals`/],
  ])('rejects %j from the constructor, naming the option', (options, ErrorType, name) => {
    expect(() => new SessionManager(options as never)).toThrow(ErrorType);
    expect(() => new SessionManager(options as never)).toThrow(name);
    expect(() => new SessionManager(options as never)).toThrow(/^sessionwarden: /);
  });

  it('rejects options that are not an object', () => {
    expect(() => new SessionManager(null as never)).toThrow(TypeError);
    expect(() => new SessionManager(5 as never)).toThrow(/options/);
    expect(() => new SessionCore(5 as never)).toThrow(/options/);
  });

  it('accepts Infinity for idleTimeout and 0 for warnBefore', () => {
    expect(() => new SessionManager({ idleTimeout: Infinity, warnBefore: 0 })).not.toThrow();
  });

  it("SessionCore takes only the kernel's options: the token and the tabs are signals there", () => {
    expect(() => new SessionCore({ token: 'x' } as never)).toThrow(/unknown option `token`/);
    expect(() => new SessionCore({ signals: [jwtToken(), sharedTabs()] })).not.toThrow();
  });
});

describe('the optional signals: each validates its own options', () => {
  it.each([
    ['serverCheck({})', () => serverCheck({}), TypeError, /^sessionwarden: serverCheck\(\) must be given a `url` or a `request`/],
    ['serverCheck(null)', () => serverCheck(null as never), TypeError, /serverCheck\(\)/],
    ['serverCheck({ url: 5 })', () => serverCheck({ url: 5 as never }), TypeError, /serverCheck\(\) option `url`/],
    ['serverCheck({ interval: 0 })', () => serverCheck({ url: '/s', interval: 0 }), RangeError, /serverCheck\(\) option `interval`/],
    ['serverCheck({ request: "x" })', () => serverCheck({ request: 'x' as never }), TypeError, /serverCheck\(\) option `request`/],
    ['tokenRefresh("x")', () => tokenRefresh('x' as never), TypeError, /^sessionwarden: tokenRefresh\(\)/],
    ['tokenRefresh(fn, { timeout: 0 })', () => tokenRefresh(async () => '', { timeout: 0 }), RangeError, /tokenRefresh\(\) option `timeout`/],
    ["closeDetection('window')", () => closeDetection('window' as never), TypeError, /closeDetection\(\) mode/],
    ["closeDetection('browser', { grace: -1 })", () => closeDetection('browser', { grace: -1 }), RangeError, /closeDetection\(\) option `grace`/],
    ["closeDetection('browser', { beacon: 1 })", () => closeDetection('browser', { beacon: 1 as never }), TypeError, /closeDetection\(\) option `beacon`/],
    ['beforeExpire(1)', () => beforeExpire(1 as never), TypeError, /^sessionwarden: beforeExpire\(\)/],
    ['beforeExpire(fn, { timeout: NaN })', () => beforeExpire(() => {}, { timeout: Number.NaN }), RangeError, /beforeExpire\(\) option `timeout`/],
  ])('%s throws, naming it', (_name, make, ErrorType, message) => {
    expect(make).toThrow(ErrorType);
    expect(make).toThrow(message);
  });

  it("tokenRefresh's `before` is checked against the session it joins", () => {
    expect(() => new SessionManager({ refresh: tokenRefresh(async () => '', { before: -1 }) })).toThrow(/tokenRefresh\(\) option `before`/);
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
    expect(() => new SessionManager(options as never)).toThrow(TypeError);
    expect(() => new SessionManager(options as never)).toThrow(message);
  });

  it('refresh() without a tokenRefresh() in the refresh option is a TypeError saying what it needs', () => {
    const custom = { attach: () => ({}) };
    for (const session of [new SessionManager({}), new SessionManager({ refresh: custom })]) {
      expect(() => session.refresh()).toThrow(/^sessionwarden: refresh\(\) needs the `refresh` option: tokenRefresh\(yourRefresh\)/);
    }
  });

  it('an unknown option names the nearest known one, the built-in signals\' included', () => {
    expect(() => new SessionManager({ crossTabs: true } as never)).toThrow('sessionwarden: unknown option `crossTabs` (did you mean `crossTab`?)');
    expect(() => new SessionManager({ chek: 1 } as never)).toThrow('(did you mean `check`?)');
  });
});
