// serverEvents() with a ticket instead of the cookie, and its options, good and bad (happy-dom, fake
// timers, a fake fetch).
import { describe, expect, it, vi } from 'vitest';
import { serverEvents, type ServerEventsOptions } from '../../src';
import { FakeStream } from './fake-stream';
import { SEC, make, stream, useFakes } from './setup';

useFakes();

describe('serverEvents(): a ticket instead of the cookie', () => {
  it('fetches a ticket for each connection and sends it as ?ticket=', async () => {
    let n = 0;
    const ticket = vi.fn(async (_signal: AbortSignal) => `t${++n}`);
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session } = make({ ticket, url: '/api/events?v=1' });
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(ticket.mock.calls[0]![0]).toBeInstanceOf(AbortSignal);
    expect(stream().url).toBe(`${location.origin}/api/events?v=1&ticket=t1`);
    stream().fail();
    await vi.advanceTimersByTimeAsync(SEC);
    expect(stream().url).toMatch(/ticket=t2$/);
    expect(stream().init.headers).toEqual({ accept: 'text/event-stream' }); // the ticket is the only credential: no header
  });

  it('a ticket that fails is retried with backoff; one that is not a string also says so once', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const ticket = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValueOnce(42).mockResolvedValue('ok');
    const { session, log } = make({ ticket });
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeStream.all).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(SEC);
    expect(log.filter((e) => e.type === 'error')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * SEC);
    expect(stream().url).toMatch(/ticket=ok$/);
    expect(ticket).toHaveBeenCalledTimes(3);
  });

  it('stop() aborts a pending ticket (the same signal as the request), and its late answer opens nothing', async () => {
    let signal!: AbortSignal;
    let answer!: (value: string) => void;
    const { session } = make({ ticket: (s) => ((signal = s), new Promise((resolve) => (answer = resolve))) });
    session.start();
    await vi.advanceTimersByTimeAsync(0);
    session.stop();
    expect(signal.aborted).toBe(true);
    answer('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeStream.all).toHaveLength(0);
  });

  it('a ticket that never answers is given up after heartbeatTimeout', async () => {
    let signal!: AbortSignal;
    const { session } = make({ heartbeatTimeout: 10 * SEC, ticket: (s) => ((signal = s), new Promise(() => {})) });
    session.start();
    await vi.advanceTimersByTimeAsync(10 * SEC);
    expect(signal.aborted).toBe(true);
  });
});

describe('serverEvents(): bad options', () => {
  it.each([
    [undefined, /option `url` must be a URL string/],
    [{}, /option `url` must be a URL string/],
    [{ url: '' }, /option `url` must be a URL string/],
    [{ url: 42 }, /option `url` must be a URL string/],
    [{ url: '/events?token=abc' }, /option `url` must be free of tokens/],
    [{ url: '/events?x=1&access_token=abc' }, /option `url` must be free of tokens/],
    [{ url: '/e', ticket: 'abc' }, /option `ticket` must be a function/],
    [{ url: '/e', withCredentials: 'yes' }, /option `withCredentials` must be a boolean/],
    [{ url: '/e', withCredentials: 'include' }, /option `withCredentials` must be a boolean/],
    [{ url: '/e', heartbeatTimeout: '60s' }, /option `heartbeatTimeout` must be a number/],
    [{ url: '/e', maxEventSize: null }, /option `maxEventSize` must be a number/],
  ])('%j throws a TypeError naming the option', (options, message) => {
    expect(() => serverEvents(options as ServerEventsOptions)).toThrow(TypeError);
    expect(() => serverEvents(options as ServerEventsOptions)).toThrow(message);
    expect(() => serverEvents(options as ServerEventsOptions)).toThrow(/^sessionwarden: serverEvents\(\) option/);
  });

  it.each([
    [{ url: '/e', heartbeatTimeout: 0 }, /heartbeatTimeout/],
    [{ url: '/e', retryDelay: -1 }, /retryDelay/],
    [{ url: '/e', retryDelay: Infinity }, /retryDelay/],
    [{ url: '/e', retryDelay: 5_000, maxRetryDelay: 1_000 }, /maxRetryDelay` must be a number ≥ 5000/],
    [{ url: '/e', maxEventSize: Number.NaN }, /maxEventSize/],
    [{ url: '/e', maxEventSize: 0 }, /maxEventSize` must be a number ≥ 1/],
    [{ url: '/e', maxEventSize: Infinity }, /maxEventSize` must be a number ≥ 1, finite/],
    [{ url: '/e', maxEventSize: -4096 }, /maxEventSize/],
  ])('%j throws a RangeError naming the option', (options, message) => {
    expect(() => serverEvents(options as ServerEventsOptions)).toThrow(RangeError);
    expect(() => serverEvents(options as ServerEventsOptions)).toThrow(message);
  });
});
