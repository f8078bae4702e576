import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline, MAX_DELAY } from '../../src/timers/deadline';

describe('createDeadline', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('fires once at the deadline', () => {
    const fire = vi.fn();
    const deadline = createDeadline(fire, Date.now);
    deadline.set(1000);
    vi.advanceTimersByTime(999);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('does not re-arm for the same deadline', () => {
    const deadline = createDeadline(() => {}, Date.now);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    deadline.set(1000);
    deadline.set(1000);
    deadline.set(1000);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('clamps a deadline past setTimeout’s limit and fires it neither early nor late', () => {
    const fire = vi.fn();
    const deadline = createDeadline(fire, Date.now);
    const at = 40 * 24 * 3_600_000; // 40 days
    deadline.set(at);
    vi.advanceTimersByTime(MAX_DELAY);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(at - MAX_DELAY - 1);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('fires at once for a deadline in the past, and never for Infinity', () => {
    vi.setSystemTime(5000);
    const fire = vi.fn();
    const deadline = createDeadline(fire, Date.now);
    deadline.set(Infinity);
    vi.advanceTimersByTime(1e9);
    expect(fire).not.toHaveBeenCalled();
    deadline.set(10);
    vi.advanceTimersByTime(0);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('re-arms when a timer fires early by the injected clock', () => {
    let clock = 0;
    const fire = vi.fn();
    const deadline = createDeadline(fire, () => clock);
    deadline.set(1000);
    vi.advanceTimersByTime(1000); // the timer fires, but the injected clock is behind
    expect(fire).not.toHaveBeenCalled();
    clock = 1000;
    vi.advanceTimersByTime(1000);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('clear() disarms', () => {
    const fire = vi.fn();
    const deadline = createDeadline(fire, Date.now);
    deadline.set(100);
    deadline.clear();
    vi.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
