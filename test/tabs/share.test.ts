// Activity shared across tabs on the leading edge of each sampleInterval, and the one trailing
// share that keeps an idle tab from warning on an old time (two managers on one BroadcastChannel).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionEvents } from '../../src';

const SEC = 1000;
const managers: SessionManager[] = [];
/** A tab: its own activity comes only from reportActivity(), so the two never share DOM events. */
const tab = (channel: string) => {
  const session = new SessionManager({ idleTimeout: 20 * SEC, warnBefore: 5 * SEC, sampleInterval: SEC, crossTab: channel, storageKey: channel, activity: [] });
  const events: (keyof SessionEvents)[] = [];
  for (const type of ['warning', 'extended', 'expired'] as const) session.on(type, () => events.push(type));
  managers.push(session);
  session.start();
  return { session, events };
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  localStorage.clear();
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('sharing activity across tabs', () => {
  it('an idle tab warns once, with the active tab, not on the older shared time and then again', async () => {
    const a = tab('share-1');
    const b = tab('share-1');
    await vi.advanceTimersByTimeAsync(2 * SEC);
    a.session.reportActivity(); // shared at once (leading edge)
    await vi.advanceTimersByTimeAsync(900);
    a.session.reportActivity(); // within the interval: not shared now
    const lastActivity = Date.now();
    await vi.advanceTimersByTimeAsync(15 * SEC - 50);
    expect(b.session.state).toBe('active'); // 50 ms before A's warning
    await vi.advanceTimersByTimeAsync(100);
    expect(a.session.state).toBe('warning');
    expect(b.session.state).toBe('warning');
    expect(b.events).toEqual(['warning']);
    expect(a.events).toEqual(['warning']);
    expect(b.session.getSnapshot().expiresAt).toBe(lastActivity + 20 * SEC);
  });

  it('a tab with no other tab to tell arms no earlier timer: its one timer is for the warning', async () => {
    const session = new SessionManager({ idleTimeout: 20 * SEC, warnBefore: 5 * SEC, sampleInterval: SEC, crossTab: false, activity: [] });
    managers.push(session);
    session.start();
    session.reportActivity();
    await vi.advanceTimersByTimeAsync(500);
    session.reportActivity();
    const lastActivity = Date.now();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(15 * SEC - 1);
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(1);
    expect(session.state).toBe('warning');
    expect(session.getSnapshot().expiresAt).toBe(lastActivity + 20 * SEC);
  });
});
