// A refresh marks its new token's exp with a Web Lock, so that a tab granted the refresh lock next
// skips its own refresh even when the channel and localStorage reach it after the lock (real Chromium:
// test/e2e/tabs.test.ts, "two tabs extending a token warning at the same moment call refresh once").
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, tokenRefresh } from '../../src';
import { fakeLocks } from '../fake-locks';
import { jwt } from '../jwt';

const SEC = 1000;
const T0 = 1_700_000_000_000;
const exp = T0 / SEC + 120;
let locks: ReturnType<typeof fakeLocks>;
const managers: SessionManager[] = [];

/** A session whose token warning (60 s before exp) has begun, and whose refresh is a spy. */
async function warned() {
  const refresh = vi.fn(async () => jwt({ iat: Date.now() / SEC, exp: exp + 600 }));
  const session = new SessionManager({ idleTimeout: Infinity, warnBefore: 60 * SEC, token: jwt({ iat: T0 / SEC, exp }), refresh: tokenRefresh(refresh), storageKey: 'sw', activity: [] });
  managers.push(session);
  session.start();
  await vi.advanceTimersByTimeAsync(61 * SEC);
  expect(session.getSnapshot().warning).toBe('token');
  return { session, refresh };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
  locks = fakeLocks();
  Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  delete (navigator as { locks?: unknown }).locks;
  vi.useRealTimers();
});

describe('refresh across tabs: the exp mark', () => {
  it('a tab that finds a newer token marked skips its refresh (its token is on the way)', async () => {
    const { session, refresh } = await warned();
    // Another tab refreshed a moment ago; nothing of it reached this tab but the lock manager.
    void locks.manager.request(`sw:exp:${exp + 300}`, { mode: 'shared' }, () => new Promise(() => {}));
    session.extend();
    await vi.advanceTimersByTimeAsync(10);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('an older mark does not stop it; its own refresh marks the new exp, and stop() lets the mark go', async () => {
    const { session, refresh } = await warned();
    void locks.manager.request(`sw:exp:${exp}`, { mode: 'shared' }, () => new Promise(() => {}));
    session.extend();
    await vi.advanceTimersByTimeAsync(10);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(session.claims?.exp).toBe(exp + 600);
    expect(locks.held()).toContain(`sw:exp:${exp + 600}`);
    session.stop();
    await vi.advanceTimersByTimeAsync(10);
    expect(locks.held()).not.toContain(`sw:exp:${exp + 600}`);
  });
});
