// serverEvents() in one tab (happy-dom, fake timers, a fake fetch whose body the test feeds): the
// stream, what its events do, how it works with serverCheck(), reconnects, the back/forward cache,
// bad input.
import { describe, expect, it, vi } from 'vitest';
import { requestActivity } from '../../src';
import { jwt, nowSec } from '../jwt';
import { FakeStream } from './fake-stream';
import { MIN, SEC, fakes, make, pageEvent, settle, stream, useFakes } from './setup';

useFakes();
describe('serverEvents(): the stream', () => {
  it('opens one stream on start, with the cookie (no token in the URL, none in a header), and aborts it on stop()', async () => {
    const { session } = make({}, { token: jwt({ exp: nowSec() + 3600 }) });
    expect(FakeStream.all).toHaveLength(0); // nothing before start()
    session.start();
    const first = stream();
    expect(first.url).toBe('/api/events');
    expect(first.init).toEqual({
      headers: { accept: 'text/event-stream' },
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
      signal: expect.any(AbortSignal),
    });
    first.open();
    await settle();
    session.stop();
    expect(first.aborted).toBe(true);
    expect(FakeStream.live()).toHaveLength(0);
  });

  it("withCredentials for a stream on another origin: fetch's credentials 'include'", () => {
    make({ url: 'https://api.example.com/events', withCredentials: true }).session.start();
    expect(stream().init.credentials).toBe('include');
  });

  it('a revoked event ends the session with reason revoked, at once, and closes the stream', async () => {
    const { session, log } = make();
    session.start();
    stream().open();
    // One chunk: what follows the end is not read (its garbage would be an error after the end).
    stream().write('data: {"type":"revoked"}\n\ndata: garbage\n\n');
    await settle();
    expect(session.state).toBe('expired');
    expect(log.filter((e) => e.type === 'expired' || e.type === 'error')).toEqual([{ type: 'expired', payload: { reason: 'revoked' } }]);
    expect(FakeStream.all[0]!.aborted).toBe(true);
    expect(FakeStream.live()).toHaveLength(0);
  });

  it('a session event moves the end of a session without a JWT exp; serverTime sets the clock offset', async () => {
    const { session } = make({}, { warnBefore: 0 });
    session.start();
    stream().open();
    await settle();
    expect(session.remaining()).toBe(Infinity);
    stream().send({ type: 'session', expiresAt: Date.now() + 20 * MIN });
    await settle();
    expect(session.remaining()).toBe(20 * MIN);
    // The server's clock is 5 s ahead: its end is 5 s earlier on ours.
    stream().send({ type: 'session', expiresAt: Date.now() + 5 * SEC + 20 * MIN, serverTime: Date.now() + 5 * SEC });
    await settle();
    expect(session.remaining()).toBe(20 * MIN);
  });

  it('with requestActivity(): the stream is not the app\'s request (no activity, and its 401 is not a sign-out)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session, log } = make({}, { idleTimeout: 10 * MIN, warnBefore: MIN, activity: [requestActivity()] });
    session.start();
    stream().refuse(401);
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1); // the check decides, and says active
    await vi.advanceTimersByTimeAsync(SEC);
    stream().open();
    stream().send({ type: 'heartbeat' });
    await vi.advanceTimersByTimeAsync(9 * MIN - SEC);
    expect(log.filter((e) => e.type === 'expired')).toEqual([]);
    expect(session.state).toBe('warning'); // idle since start: opening the stream was not activity
  });
});

describe('serverEvents() with serverCheck()', () => {
  it('runs one check each time the stream opens again (not the first time: a new tab may have no token yet), none while heartbeats come', async () => {
    const { session } = make();
    session.start();
    stream().open();
    await settle();
    expect(fakes.check).not.toHaveBeenCalled();
    stream().fail();
    await vi.advanceTimersByTimeAsync(1_000);
    stream().open();
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1);
    for (let t = 0; t < 120; t++) {
      await vi.advanceTimersByTimeAsync(30 * SEC);
      stream().send({ type: 'heartbeat' });
    }
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1); // an hour, four periodic checks saved
    expect(FakeStream.all).toHaveLength(2);
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
    expect(FakeStream.live()).toHaveLength(0);
  });

  it('a refused stream asks for one check (the session may have ended meanwhile); a 401 there ends it', async () => {
    fakes.check.mockResolvedValue(false);
    const { session, log } = make();
    session.start();
    stream().refuse(401);
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1);
    expect(log.find((e) => e.type === 'expired')?.payload).toEqual({ reason: 'revoked' });
  });

  it('refused again and again: one check for the whole outage, and attempts backing off', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // each delay shortened by a quarter
    const { session } = make({ retryDelay: SEC, maxRetryDelay: 8 * SEC });
    session.start();
    for (let ms = 0; ms < 40 * SEC; ms += 50) {
      FakeStream.live().forEach((request, i) => (i % 2 ? request.fail() : request.refuse(503)));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(fakes.check).toHaveBeenCalledTimes(1);
    // Attempts at 0, 0.75, 2.25, 5.25, 11.25, 17.25, 23.25, 29.25 and 35.25 s (delays 0.75, 1.5, 3, then 6 s).
    expect(FakeStream.all).toHaveLength(9);
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
      while (FakeStream.live().length === 0) await vi.advanceTimersByTimeAsync(10);
      gaps.push(Date.now() - failedAt);
    }
    expect(gaps).toEqual([SEC, 2 * SEC, 4 * SEC, 4 * SEC, 4 * SEC]);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    stream().fail();
    failedAt = Date.now();
    while (FakeStream.live().length === 0) await vi.advanceTimersByTimeAsync(10);
    expect(Date.now() - failedAt).toBe(2_010); // about half of 4 s, to the 10 ms step
  });

  it('a stream the server ends or cuts is opened again after the backoff, not at once; after a long life from retryDelay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ retryDelay: SEC, heartbeatTimeout: MIN });
    session.start();
    const first = stream();
    first.open();
    first.end(); // the server ends it at once
    await settle();
    expect(FakeStream.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(SEC);
    stream().open();
    stream().fail(); // cut at once: a second failure
    await vi.advanceTimersByTimeAsync(2 * SEC - 1);
    expect(FakeStream.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    stream().open();
    for (let t = 0; t < 3; t++) {
      await vi.advanceTimersByTimeAsync(30 * SEC);
      stream().send({ type: 'heartbeat' });
    }
    stream().end(); // after 90 s of life: a first failure again
    await vi.advanceTimersByTimeAsync(SEC - 1);
    expect(FakeStream.live()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeStream.live()).toHaveLength(1);
  });

  it('a stream silent for heartbeatTimeout is aborted and opened again, then checked; comments are not heartbeats', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ heartbeatTimeout: MIN, retryDelay: SEC });
    session.start();
    const first = stream();
    first.open();
    await vi.advanceTimersByTimeAsync(30 * SEC);
    first.send({ type: 'heartbeat' });
    for (let t = 0; t < 59; t++) {
      await vi.advanceTimersByTimeAsync(SEC);
      first.write(': keep-alive\n\n');
    }
    await vi.advanceTimersByTimeAsync(SEC - 1);
    expect(first.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(SEC);
    stream().open();
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1);
  });

  it('a request that never answers is aborted after heartbeatTimeout', async () => {
    const { session } = make({ heartbeatTimeout: 10 * SEC });
    session.start();
    const first = stream();
    await vi.advanceTimersByTimeAsync(10 * SEC - 1);
    expect(first.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.aborted).toBe(true);
  });
});

describe('serverEvents(): bad events', () => {
  const bad: string[] = [
    'garbage', '', '{"type":', 'null', '42', '"revoked"', '[]', '{}', '{"type":"logout"}', '{"type":"REVOKED"}',
    '{"type":"session","expiresAt":"soon"}', '{"type":"session","expiresAt":null}', '{"type":"heartbeat","serverTime":"x"}',
    '{"type":"session","expiresAt":1e400}', '{"type":"revoked"\u0000}', '\uFFFD{"type":"revoked"}',
  ];
  it('are ignored, with one error, never an exception; the stream and the session go on', async () => {
    const { session, log } = make({}, { warnBefore: 0 });
    session.start();
    stream().open();
    for (const data of bad) stream().send(data);
    // Not events for onmessage, or no events at all: skipped without a word.
    stream().write('event: revoked\ndata: {"type":"revoked"}\n\nid: 1\nretry: 5\n: hi\nrevoked\n\n');
    stream().write(new Uint8Array([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0a]));
    await settle();
    expect(session.state).toBe('active');
    expect(session.remaining()).toBe(Infinity);
    expect(log.filter((e) => e.type === 'error')).toEqual([{ type: 'error', payload: { error: expect.any(TypeError), during: 'events' } }]);
    expect(String((log.find((e) => e.type === 'error')!.payload as { error: Error }).error)).toMatch(/^TypeError: sessionwarden: /);
    stream().send({ type: 'revoked' }); // still listening
    await settle();
    expect(session.state).toBe('expired');
    expect(FakeStream.all).toHaveLength(1);
  });

  it('without fetch: one error, and the check carries on alone', async () => {
    vi.stubGlobal('fetch', undefined);
    const { session, log } = make();
    session.start();
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(log.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(fakes.check).toHaveBeenCalledTimes(1);
  });
});

describe('serverEvents(): the page', () => {
  it('aborts the stream when the page enters the back/forward cache (an open request would keep it out) and opens it again on restore', async () => {
    const { session } = make();
    session.start();
    const first = stream();
    first.open();
    await settle();
    pageEvent('pagehide', true);
    expect(first.aborted).toBe(true);
    expect(FakeStream.live()).toHaveLength(0);
    pageEvent('pageshow', true);
    expect(stream()).not.toBe(first);
  });

  it('keeps the stream while the page is only hidden, or on a pagehide that is not for the cache', () => {
    const { session } = make();
    session.start();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    pageEvent('pagehide', false);
    expect(FakeStream.live()).toHaveLength(1);
  });

  it('a token of another user opens a new stream: the old one speaks for the old session', async () => {
    const { session } = make({}, { token: jwt({ sub: 'ann', exp: nowSec() + 3600 }) });
    session.start();
    const first = stream();
    first.open();
    await settle();
    session.setToken(jwt({ sub: 'bob', exp: nowSec() + 3600 }));
    expect(first.aborted).toBe(true);
    expect(stream()).not.toBe(first);
  });
});
