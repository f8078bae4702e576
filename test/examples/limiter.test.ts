// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../examples/server/limiter';

describe('example server: the login limiter', () => {
  const make = (maxKeys?: number) => {
    let clock = 0;
    const limiter = createLimiter(() => clock, { free: 2, lockout: 1_000, maxLockout: 4_000, maxKeys });
    return { limiter, advance: (ms: number) => (clock += ms) };
  };

  it('locks after the free failures, doubling up to the maximum; a reset starts over', () => {
    const { limiter, advance } = make();
    expect([limiter.fail('k'), limiter.fail('k')]).toEqual([0, 0]);
    expect(limiter.retryIn('k')).toBe(0);
    const locks = [];
    for (let i = 0; i < 5; i++) {
      locks.push(limiter.fail('k'));
      expect(limiter.retryIn('k')).toBe(locks.at(-1));
      advance(locks.at(-1)!);
      expect(limiter.retryIn('k')).toBe(0);
    }
    expect(locks).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    limiter.reset('k');
    expect(limiter.fail('k')).toBe(0);
    expect(limiter.retryIn('other')).toBe(0);
  });

  it('forgets a key quiet for twice the longest lock-out', () => {
    const { limiter, advance } = make();
    limiter.fail('k');
    limiter.fail('k');
    advance(7_999);
    expect(limiter.sweep()).toBe(1);
    expect(limiter.fail('k')).toBe(1_000); // still counted: the third failure locks
    advance(1_000 + 8_000);
    expect(limiter.sweep()).toBe(0);
    expect(limiter.fail('k')).toBe(0); // forgotten: free again
  });

  it('tracks at most maxKeys keys, forgetting the one whose last failure is oldest', () => {
    const { limiter } = make(3);
    for (const key of ['a', 'b', 'c']) limiter.fail(key);
    limiter.fail('a'); // now the newest
    limiter.fail('d');
    expect(limiter.sweep()).toBe(3);
    expect(limiter.fail('b')).toBe(0); // 'b' was forgotten: its count starts over at 1
    expect(limiter.fail('a')).toBe(1_000); // 'a' kept its two failures
  });
});
