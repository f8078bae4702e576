// serverEvents() in one tab (happy-dom, fake timers, a fake EventSource): the stream, what its
// events do, how it works with serverCheck(), reconnects, the back/forward cache, bad input.
import { describe, expect, it, vi } from 'vitest';
import { jwt, nowSec } from '../jwt';
import { FakeEventSource } from './fake-event-source';
import { MIN, SEC, fakes, make, pageEvent, stream, useFakes } from './setup';

useFakes();
describe('serverEvents(): the stream', () => {
  it('opens one stream on start, with the cookie (no token in the URL), and closes it on stop()', () => {
    const { session } = make({}, { token: jwt({ exp: nowSec() + 3600 }) });
    expect(FakeEventSource.all).toHaveLength(0); // nothing before start()
    session.start();
    expect(stream().url).toBe('/api/events');
    expect(stream().init).toEqual({ withCredentials: false });
    session.stop();
    expect(FakeEventSource.live()).toHaveLength(0);
  });

  it('withCredentials for a stream on another origin', () => {
    make({ url: 'https://api.example.com/events', withCredentials: true }).session.start();
    expect(stream().init).toEqual({ withCredentials: true });
  });

  it('a revoked event ends the session with reason revoked, at once, and closes the stream', () => {
    const { session, log } = make();
    session.start();
    stream().open();
    stream().send({ type: 'revoked' });
    expect(session.state).toBe('expired');
    expect(log.filter((e) => e.type === 'expired')).toEqual([{ type: 'expired', payload: { reason: 'revoked' } }]);
    expect(FakeEventSource.live()).toHaveLength(0);
  });

  it('a session event moves the end of a session without a JWT exp; serverTime sets the clock offset', () => {
    const { session } = make({}, { warnBefore: 0 });
    session.start();
    stream().open();
    expect(session.remaining()).toBe(Infinity);
    stream().send({ type: 'session', expiresAt: Date.now() + 20 * MIN });
    expect(session.remaining()).toBe(20 * MIN);
    // The server's clock is 5 s ahead: its end is 5 s earlier on ours.
    stream().send({ type: 'session', expiresAt: Date.now() + 5 * SEC + 20 * MIN, serverTime: Date.now() + 5 * SEC });
    expect(session.remaining()).toBe(20 * MIN);
  });
});

describe('serverEvents() with serverCheck()', () => {
  it('runs one check each time the stream opens again (not the first time: a new tab may have no token yet), none while heartbeats come', async () => {
    const { session } = make();
    session.start();
    stream().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(fakes.check).not.toHaveBeenCalled();
    stream().fail();
    await vi.advanceTimersByTimeAsync(1_000);
    stream().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(fakes.check).toHaveBeenCalledTimes(1);
    for (let t = 0; t < 120; t++) {
      await vi.advanceTimersByTimeAsync(30 * SEC);
      stream().send({ type: 'heartbeat' });
    }
    expect(fakes.check).toHaveBeenCalledTimes(1); // an hour, four periodic checks saved
  });

  it('while the stream is down, the check comes back on its schedule', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ heartbeatTimeout: 30 * MIN, retryDelay: 20 * MIN, maxRetryDelay: 20 * MIN });
    session.start();
    stream().open();
    await vi.advanceTimersByTimeAsync(5 * MIN);
    stream().send({ type: 'heartbeat' });
    stream().fail(); // down until it reconnects, 20 min later
    await vi.advanceTimersByTimeAsync(15 * MIN - 1);
    expect(fakes.check).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fakes.check).toHaveBeenCalledTimes(1); // 15 min after the last heartbeat
    expect(FakeEventSource.live()).toHaveLength(0);
  });

  it('a refused stream asks for one check (the session may have ended meanwhile); a 401 there ends it', async () => {
    fakes.check.mockResolvedValue(false);
    const { session, log } = make();
    session.start();
    stream().fail(); // refused before it opened
    await vi.advanceTimersByTimeAsync(0);
    expect(fakes.check).toHaveBeenCalledTimes(1);
    expect(log.find((e) => e.type === 'expired')?.payload).toEqual({ reason: 'revoked' });
  });

  it('refused again and again: one check for the whole outage, and attempts backing off', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // each delay shortened by a quarter
    const { session } = make({ retryDelay: SEC, maxRetryDelay: 8 * SEC });
    session.start();
    for (let ms = 0; ms < 40 * SEC; ms += 50) {
      FakeEventSource.live().forEach((source) => source.fail());
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(fakes.check).toHaveBeenCalledTimes(1);
    // Attempts at 0, 0.75, 2.25, 5.25, 11.25, 17.25, 23.25, 29.25 and 35.25 s (delays 0.75, 1.5, 3, then 6 s).
    expect(FakeEventSource.all).toHaveLength(9);
  });

  it('reconnect delays double from retryDelay up to maxRetryDelay, each jittered by up to half', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // no shortening: the full delays
    const { session } = make({ retryDelay: SEC, maxRetryDelay: 4 * SEC });
    session.start();
    const gaps: number[] = [];
    let failedAt = Date.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      stream().fail();
      failedAt = Date.now();
      while (FakeEventSource.live().length === 0) await vi.advanceTimersByTimeAsync(10);
      gaps.push(Date.now() - failedAt);
    }
    expect(gaps).toEqual([SEC, 2 * SEC, 4 * SEC, 4 * SEC, 4 * SEC]);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    stream().fail();
    failedAt = Date.now();
    while (FakeEventSource.live().length === 0) await vi.advanceTimersByTimeAsync(10);
    expect(Date.now() - failedAt).toBe(2_010); // about half of 4 s, to the 10 ms step
  });

  it('closes the stream on error itself (EventSource would retry at once), and after a long life starts from retryDelay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ retryDelay: SEC, heartbeatTimeout: MIN });
    session.start();
    const first = stream();
    first.fail();
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(SEC);
    stream().fail();
    await vi.advanceTimersByTimeAsync(2 * SEC);
    stream().open();
    for (let t = 0; t < 3; t++) {
      await vi.advanceTimersByTimeAsync(30 * SEC);
      stream().send({ type: 'heartbeat' });
    }
    stream().fail(); // after 90 s of life: a first failure again
    await vi.advanceTimersByTimeAsync(SEC - 1);
    expect(FakeEventSource.live()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.live()).toHaveLength(1);
  });

  it('a stream silent for heartbeatTimeout is closed and opened again, then checked', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ heartbeatTimeout: MIN, retryDelay: SEC });
    session.start();
    const first = stream();
    first.open();
    await vi.advanceTimersByTimeAsync(30 * SEC);
    first.send({ type: 'heartbeat' });
    await vi.advanceTimersByTimeAsync(MIN - 1);
    expect(first.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(SEC);
    stream().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(fakes.check).toHaveBeenCalledTimes(1);
  });
});

describe('serverEvents(): bad events', () => {
  const bad: unknown[] = [
    'garbage', '', '{"type":', 'null', '42', '"revoked"', '[]', '{}', '{"type":"logout"}', '{"type":"REVOKED"}',
    '{"type":"session","expiresAt":"soon"}', '{"type":"session","expiresAt":null}', '{"type":"heartbeat","serverTime":"x"}',
    '{"type":"session","expiresAt":1e400}', `{"type":"revoked","pad":"${'x'.repeat(5_000)}"}`, 7, undefined,
  ];
  it('are ignored, with one error, never an exception; the stream and the session go on', async () => {
    const { session, log } = make({}, { warnBefore: 0 });
    session.start();
    stream().open();
    for (const data of bad) expect(() => stream().onmessage!(new MessageEvent('message', { data }))).not.toThrow();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(Infinity);
    expect(log.filter((e) => e.type === 'error')).toEqual([{ type: 'error', payload: { error: expect.any(TypeError), during: 'events' } }]);
    expect(String((log.find((e) => e.type === 'error')!.payload as { error: Error }).error)).toMatch(/^TypeError: sessionwarden: /);
    stream().send({ type: 'revoked' }); // still listening
    expect(session.state).toBe('expired');
  });

  it('maxEventSize sets the limit', () => {
    const { session } = make({ maxEventSize: 20 });
    session.start();
    stream().send({ type: 'revoked', pad: 'x'.repeat(20) });
    expect(session.state).toBe('active');
    stream().send({ type: 'revoked' });
    expect(session.state).toBe('expired');
  });

  it('without EventSource: one error, and the check carries on alone', async () => {
    vi.stubGlobal('EventSource', undefined);
    const { session, log } = make();
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(log.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(fakes.check).toHaveBeenCalledTimes(1);
  });
});

describe('serverEvents(): the page', () => {
  it('closes the stream when the page enters the back/forward cache and opens it again on restore', async () => {
    const { session } = make();
    session.start();
    const first = stream();
    first.open();
    pageEvent('pagehide', true);
    expect(first.closed).toBe(true);
    expect(FakeEventSource.live()).toHaveLength(0);
    pageEvent('pageshow', true);
    expect(stream()).not.toBe(first);
  });

  it('keeps the stream while the page is only hidden, or on a pagehide that is not for the cache', () => {
    const { session } = make();
    session.start();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    pageEvent('pagehide', false);
    expect(FakeEventSource.live()).toHaveLength(1);
  });

  it("a token of another user opens a new stream: the old one speaks for the old session", () => {
    const { session } = make({}, { token: jwt({ sub: 'ann', exp: nowSec() + 3600 }) });
    session.start();
    const first = stream();
    session.setToken(jwt({ sub: 'bob', exp: nowSec() + 3600 }));
    expect(first.closed).toBe(true);
    expect(stream()).not.toBe(first);
  });
});
