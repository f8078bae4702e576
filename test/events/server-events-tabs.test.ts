// serverEvents() across tabs: one stream for all, held by the leader, and what it tells the others
// (happy-dom, fake timers, a fake fetch, fake Web Locks, one BroadcastChannel).
import { describe, expect, it, vi } from 'vitest';
import type { SessionOptions } from '../../src';
import { fakeLocks } from '../fake-locks';
import { FakeStream } from './fake-stream';
import { MIN, SEC, fakes, make, stream, useFakes } from './setup';

useFakes();
describe('serverEvents() across tabs', () => {
  const tab = (channel: string, options: SessionOptions = {}) => make({}, { crossTab: channel, storageKey: channel, ...options });
  const settle = () => vi.advanceTimersByTimeAsync(10);

  it('one stream for all tabs, held by the leader; its revoked event ends the session in every tab', async () => {
    const locks = fakeLocks();
    Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
    const a = tab('ev-1');
    const b = tab('ev-1');
    const c = tab('ev-1');
    for (const t of [a, b, c]) t.session.start();
    await settle();
    stream().open();
    await settle();
    expect(FakeStream.all).toHaveLength(1);
    expect(fakes.check).not.toHaveBeenCalled();
    stream().send({ type: 'revoked' });
    await settle();
    for (const t of [a, b, c]) expect(t.log.filter((e) => e.type === 'expired')).toEqual([{ type: 'expired', payload: { reason: 'revoked' } }]);
  });

  it("the leader tells the others: the session is alive (no check on their focus), and its new end", async () => {
    const locks = fakeLocks();
    Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
    const a = tab('ev-2', { warnBefore: 0 });
    const b = tab('ev-2', { warnBefore: 0 });
    a.session.start();
    b.session.start();
    await settle();
    stream().open();
    for (let t = 0; t < 40; t++) {
      await vi.advanceTimersByTimeAsync(30 * SEC);
      stream().send({ type: 'heartbeat' });
    }
    const lastBeat = Date.now();
    await settle();
    window.dispatchEvent(new Event('focus')); // both tabs: the last proof is 30 s old, not 20 min
    await settle();
    expect(fakes.check).not.toHaveBeenCalled();
    expect(JSON.parse(localStorage.getItem('ev-2')!).provedAt).toBe(lastBeat); // for a reload or a new tab
    stream().send({ type: 'session', expiresAt: Date.now() + 20 * MIN });
    await settle();
    expect(b.session.remaining()).toBe(20 * MIN - 10);
  });

  it('when the leader goes, the next tab opens the stream again, and checks', async () => {
    const locks = fakeLocks();
    Object.defineProperty(navigator, 'locks', { value: locks.manager, configurable: true });
    const a = tab('ev-3');
    const b = tab('ev-3');
    a.session.start();
    b.session.start();
    await settle();
    const first = stream();
    first.open();
    await settle();
    a.session.stop();
    await settle();
    expect(first.aborted).toBe(true);
    const second = stream();
    second.open();
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1); // the first tab's first connection made none
    second.send({ type: 'revoked' });
    await settle();
    expect(b.session.state).toBe('expired');
  });
});
