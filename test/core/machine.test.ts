import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { begin, deadlineOf, end, endOf, extend, step, type Limits, type Machine } from '../../src/core/machine';

const limits: Limits = { idleTimeout: 30_000, warnBefore: 5_000, ignoreActivityDuringWarning: true };
const NO_TOKEN = Infinity;

describe('step', () => {
  it('stays active and returns the same object before the warning', () => {
    const m = begin(0);
    expect(step(m, limits, NO_TOKEN, 24_999)).toBe(m);
    expect(deadlineOf(m, limits, NO_TOKEN)).toBe(25_000);
  });

  it('warns warnBefore before the idle end, then ends at lastActivity + idleTimeout', () => {
    const warned = step(begin(0), limits, NO_TOKEN, 25_000);
    expect(warned).toMatchObject({ phase: 'warning', warning: 'idle', warnedAt: 25_000 });
    expect(deadlineOf(warned, limits, NO_TOKEN)).toBe(30_000);
    expect(step(warned, limits, NO_TOKEN, 29_999)).toBe(warned);
    expect(step(warned, limits, NO_TOKEN, 30_000)).toMatchObject({ phase: 'expired', reason: 'idle' });
  });

  it('counts activity while active and moves the deadline', () => {
    const m = step(begin(0), limits, NO_TOKEN, 25_000, 20_000);
    expect(m).toEqual(begin(20_000));
    expect(deadlineOf(m, limits, NO_TOKEN)).toBe(45_000);
  });

  it('ignores activity during the warning by default, but not activity from before it', () => {
    const warned = step(begin(0), limits, NO_TOKEN, 25_000);
    expect(step(warned, limits, NO_TOKEN, 26_000, 26_000)).toBe(warned);
    expect(step(warned, limits, NO_TOKEN, 26_000, 24_000)).toEqual(begin(24_000));
  });

  it('counts activity during the warning when ignoreActivityDuringWarning is off', () => {
    const open = { ...limits, ignoreActivityDuringWarning: false };
    const warned = step(begin(0), open, NO_TOKEN, 25_000);
    expect(step(warned, open, NO_TOKEN, 26_000, 26_000)).toEqual(begin(26_000));
    // Activity that leaves the session in the warning window starts a new warning.
    expect(step(warned, open, NO_TOKEN, 29_000, 3_000)).toMatchObject({ phase: 'warning', warnedAt: 29_000, lastActivity: 3_000 });
  });

  it('ends with reason token when the token ends first, warning with reason token before', () => {
    const warned = step(begin(0), limits, 10_000, 5_000);
    expect(warned).toMatchObject({ phase: 'warning', warning: 'token' });
    expect(step(warned, limits, 10_000, 10_000)).toMatchObject({ phase: 'expired', reason: 'token' });
  });

  it('calls a tie an idle end', () => {
    expect(step(begin(0), limits, 30_000, 30_000)).toMatchObject({ reason: 'idle' });
  });

  it('ends an overdue session at once, even with no warning seen (sleep)', () => {
    expect(step(begin(0), limits, NO_TOKEN, 7_200_000)).toMatchObject({ phase: 'expired', reason: 'idle' });
  });

  it('never leaves expired', () => {
    const expired = end(begin(0), 'logout');
    expect(step(expired, limits, NO_TOKEN, 1, 1)).toBe(expired);
    expect(extend(expired, limits, NO_TOKEN, 1)).toBe(expired);
    expect(end(expired, 'idle')).toBe(expired);
    expect(deadlineOf(expired, limits, NO_TOKEN)).toBe(Infinity);
  });

  it('turns inactivity off with idleTimeout Infinity', () => {
    const off = { ...limits, idleTimeout: Infinity };
    expect(deadlineOf(begin(0), off, NO_TOKEN)).toBe(Infinity);
    expect(deadlineOf(begin(0), off, 60_000)).toBe(55_000);
  });
});

describe('extend', () => {
  it('ends an idle warning', () => {
    const warned = step(begin(0), limits, NO_TOKEN, 25_000);
    const extended = extend(warned, limits, NO_TOKEN, 27_000);
    expect(extended).toEqual(begin(27_000));
    expect(endOf(extended, limits, NO_TOKEN)).toBe(57_000);
  });

  it('keeps a token warning: the token end cannot move', () => {
    const warned = step(begin(0), limits, 20_000, 16_000);
    const extended = extend(warned, limits, 20_000, 17_000);
    expect(extended).toMatchObject({ phase: 'warning', warning: 'token', warnedAt: 16_000, lastActivity: 17_000 });
  });
});

/** Drives the machine the way the shell does: activity only stores a time; steps happen at deadlines. */
function simulate(activity: number[], horizon: number, l: Limits) {
  let m: Machine = begin(0);
  let seen = 0;
  const log: { type: 'warning' | 'expired' | 'extended'; at: number }[] = [];
  let i = 0;
  for (;;) {
    const deadline = deadlineOf(m, l, Infinity);
    const nextActivity = activity[i] ?? Infinity;
    if (Math.min(deadline, nextActivity) > horizon) break;
    if (nextActivity < deadline) {
      seen = nextActivity;
      i++;
      continue;
    }
    const before = m;
    m = step(m, l, Infinity, deadline, seen);
    if (m.phase !== before.phase || m.warnedAt !== before.warnedAt) log.push({ type: m.phase === 'warning' ? 'warning' : m.phase === 'expired' ? 'expired' : 'extended', at: deadline });
    if (m.phase === 'expired') break;
  }
  return { m, log };
}

const limitsArb = fc
  .record({ idleTimeout: fc.integer({ min: 2, max: 100_000 }), ratio: fc.double({ min: 0, max: 0.99, noNaN: true }), ignore: fc.boolean() })
  .map(({ idleTimeout, ratio, ignore }) => ({ idleTimeout, warnBefore: Math.floor(idleTimeout * ratio), ignoreActivityDuringWarning: ignore }));

describe('properties', () => {
  it('never ends (nor warns) while activity comes more often than idleTimeout − warnBefore', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(fc.double({ min: 0.01, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 200 }), (l, fractions) => {
        const gapLimit = l.idleTimeout - l.warnBefore;
        let at = 0;
        const activity = fractions.map((f) => (at += Math.max(1e-6, f * gapLimit)));
        const horizon = at + gapLimit * 0.999;
        const { log } = simulate(activity, horizon, l);
        expect(log).toEqual([]);
      }),
    );
  });

  it('without activity or extend, ends at last activity + idleTimeout, once, after one warning', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 50 }), (l, gaps) => {
        let at = 0;
        const activity = gaps.map((gap) => (at += Math.min(gap, l.idleTimeout - l.warnBefore - 1))).filter((t) => t > 0);
        const { m, log } = simulate(activity, Infinity, l);
        const last = activity.length ? Math.max(...activity.filter((t, i) => i === 0 || t - activity[i - 1]! < l.idleTimeout - l.warnBefore)) : 0;
        expect(m.phase).toBe('expired');
        expect(log.filter((e) => e.type === 'expired')).toHaveLength(1);
        expect(log.at(-1)).toEqual({ type: 'expired', at: last + l.idleTimeout });
        const warning = log.find((e) => e.type === 'warning');
        if (l.warnBefore > 0) expect(warning).toEqual({ type: 'warning', at: last + l.idleTimeout - l.warnBefore });
      }),
    );
  });

  it('always warns before an idle end, and emits expired exactly once, whatever the activity', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 100 }), (l, times) => {
        fc.pre(l.warnBefore > 0);
        const activity = [...times].sort((a, b) => a - b);
        const { log } = simulate(activity, Infinity, l);
        const expired = log.filter((e) => e.type === 'expired');
        expect(expired).toHaveLength(1);
        const lastWarning = log.filter((e) => e.type === 'warning').at(-1);
        expect(lastWarning).toBeDefined();
        // Exactly warnBefore ahead, unless counted activity during a warning restarted it at a later step.
        if (l.ignoreActivityDuringWarning) expect(lastWarning!.at).toBe(expired[0]!.at - l.warnBefore);
        else expect(lastWarning!.at).toBeLessThan(expired[0]!.at);
      }),
    );
  });
});
