import { describe, expect, it } from 'vitest';
import { SessionManager } from '../src';
import { resolveOptions } from '../src/options';

describe('options', () => {
  it('fills in the defaults of SPEC.md', () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      idleTimeout: 1_800_000, warnBefore: 120_000, ignoreActivityDuringWarning: true, sampleInterval: 5_000,
      clockSkew: 'auto', refreshBefore: 180_000, endOnClose: false, closeGrace: 10_000, beforeExpireTimeout: 3_000,
      channel: 'sessionwarden', storageKey: 'sessionwarden', permissions: {}, now: Date.now,
    });
    expect(o.activity).toHaveLength(1);
    expect(o.check).toBeUndefined();
    expect(o.roles({ roles: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(o.roles({ role: 'admin' })).toEqual(['admin']);
    expect(o.roles({})).toEqual([]);
  });

  it('derives warnBefore from a short idleTimeout and refreshBefore from warnBefore', () => {
    expect(resolveOptions({ idleTimeout: 60_000 })).toMatchObject({ warnBefore: 15_000, refreshBefore: 75_000 });
    expect(resolveOptions({ idleTimeout: Infinity })).toMatchObject({ warnBefore: 120_000 });
  });

  it('fills in check defaults', () => {
    expect(resolveOptions({ check: { url: '/s' } }).check).toEqual({ url: '/s', request: undefined, interval: 900_000, onFocus: true });
  });

  it('names a crossTab channel after the storage key or the given string', () => {
    expect(resolveOptions({ storageKey: 'app' }).channel).toBe('app');
    expect(resolveOptions({ crossTab: 'chan' }).channel).toBe('chan');
    expect(resolveOptions({ crossTab: false }).channel).toBe(false);
  });

  it.each([
    [{ idleTimeout: -1 }, RangeError, /idleTimeout/],
    [{ idleTimeout: Number.NaN }, RangeError, /idleTimeout/],
    [{ idleTimeout: 0 }, RangeError, /idleTimeout/],
    [{ idleTimeout: '10' }, TypeError, /idleTimeout/],
    [{ warnBefore: 60_000, idleTimeout: 60_000 }, RangeError, /warnBefore/],
    [{ warnBefore: 70_000, idleTimeout: 60_000 }, RangeError, /warnBefore/],
    [{ warnBefore: Infinity }, RangeError, /warnBefore/],
    [{ warnBefore: -5 }, RangeError, /warnBefore/],
    [{ sampleInterval: Number.NaN }, RangeError, /sampleInterval/],
    [{ closeGrace: -1 }, RangeError, /closeGrace/],
    [{ refreshBefore: -1 }, RangeError, /refreshBefore/],
    [{ beforeExpireTimeout: Number.NaN }, RangeError, /beforeExpireTimeout/],
    [{ endOnClose: 'window' }, TypeError, /endOnClose/],
    [{ endOnClose: true }, TypeError, /endOnClose/],
    [{ activity: 'dom' }, TypeError, /activity/],
    [{ activity: [{}] }, TypeError, /activity/],
    [{ clockSkew: Number.NaN }, TypeError, /clockSkew/],
    [{ clockSkew: 'manual' }, TypeError, /clockSkew/],
    [{ check: {} }, TypeError, /check/],
    [{ check: { url: 5 } }, TypeError, /check\.url/],
    [{ check: { url: '/s', interval: 0 } }, RangeError, /check\.interval/],
    [{ check: { request: 'x' } }, TypeError, /check\.request/],
    [{ crossTab: '' }, TypeError, /crossTab/],
    [{ crossTab: 1 }, TypeError, /crossTab/],
    [{ storageKey: '' }, TypeError, /storageKey/],
    [{ closeBeacon: 1 }, TypeError, /closeBeacon/],
    [{ permissions: { admin: 'all' } }, TypeError, /permissions/],
    [{ refresh: 'x' }, TypeError, /refresh/],
    [{ beforeExpire: 1 }, TypeError, /beforeExpire/],
    [{ roles: [] }, TypeError, /roles/],
    [{ now: 5 }, TypeError, /now/],
    [{ expiresAt: Number.NaN }, TypeError, /expiresAt/],
    [{ expiresAt: '2026' }, TypeError, /expiresAt/],
  ])('rejects %j from the constructor, naming the option', (options, ErrorType, name) => {
    expect(() => new SessionManager(options as never)).toThrow(ErrorType);
    expect(() => new SessionManager(options as never)).toThrow(name);
  });

  it('rejects options that are not an object', () => {
    expect(() => new SessionManager(null as never)).toThrow(TypeError);
    expect(() => new SessionManager(5 as never)).toThrow(/options/);
  });

  it('accepts Infinity for idleTimeout and 0 for warnBefore', () => {
    expect(() => new SessionManager({ idleTimeout: Infinity, warnBefore: 0 })).not.toThrow();
  });
});
