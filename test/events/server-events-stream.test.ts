// serverEvents() reading its stream (happy-dom, fake timers, a fake fetch whose body the test feeds
// chunk by chunk): memory stays bounded whatever the server sends, what counts as a refused stream,
// and every way out of a connection leaves no request open.
import { describe, expect, it, vi } from 'vitest';
import { SessionCore, serverEvents, type SessionContext, type SessionSignal } from '../../src';
import { FakeStream } from './fake-stream';
import { MIN, SEC, fakes, make, settle, stream, useFakes } from './setup';

useFakes();
const errors = (log: { type: string; payload: unknown }[]) => log.filter((e) => e.type === 'error').map((e) => e.payload as { error: Error; during: string });

describe('serverEvents(): memory stays bounded', () => {
  it('a line without an end is cut after maxEventSize bytes, not later; one error; reopened after the backoff, and checked', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session, log } = make({ maxEventSize: 1_000, retryDelay: 2 * SEC });
    session.start();
    const first = stream();
    first.open();
    await settle();
    first.write('data: ');
    for (let i = 0; i < 100; i++) first.write('x'.repeat(100)); // 10 kB waiting on the server's side
    await settle();
    expect(first.aborted).toBe(true);
    // 6 + 10 × 100 = 1,006 bytes is over 1,000: the 11th chunk was the last one read.
    expect(first.readWhenClosed).toBe(1_006);
    expect(first.bytesRead).toBe(1_006);
    expect(errors(log)).toEqual([{ error: expect.any(RangeError), during: 'events' }]);
    expect(String(errors(log)[0]!.error)).toMatch(/^RangeError: sessionwarden: .*`maxEventSize`/);
    expect(session.state).toBe('active');
    await vi.advanceTimersByTimeAsync(2 * SEC - 1);
    expect(FakeStream.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    stream().open();
    await settle();
    expect(fakes.check).toHaveBeenCalledTimes(1); // a reconnect checks what it missed
    stream().send({ type: 'revoked' });
    await settle();
    expect(session.state).toBe('expired');
  });

  it('a server that sends data lines forever in small chunks, never a blank line: cut at maxEventSize, long before heartbeatTimeout', async () => {
    const { session, log } = make(); // maxEventSize 4,096, heartbeatTimeout 60 s
    session.start();
    const first = stream();
    first.open();
    const line = 'data: {"type":"heartbeat"}\n'; // 26 bytes and its end
    let sent = 0;
    while (!first.aborted && sent < 1_000) {
      first.write(line);
      sent++;
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(first.aborted).toBe(true);
    expect(Date.now() - 1_700_000_000_000).toBeLessThan(2 * SEC);
    // 157 lines of 26 bytes fit in 4,096 (4,082); the 158th line is over.
    expect(first.readWhenClosed).toBe(158 * 27);
    expect(errors(log)).toHaveLength(1);
  });

  it('an event of exactly maxEventSize bytes is read, and the stream goes on', async () => {
    const { session, log } = make({ maxEventSize: 40 });
    session.start();
    stream().open();
    const data = (pad: string) => JSON.stringify({ type: 'heartbeat', pad });
    expect(`data: ${data('xxxxx')}`).toHaveLength(40);
    stream().send(data('xxxxx'));
    await settle();
    expect(errors(log)).toEqual([]);
    expect(FakeStream.all[0]!.aborted).toBe(false);
    stream().send(data('xxxxxx'));
    await settle();
    expect(errors(log)).toHaveLength(1);
    expect(FakeStream.all[0]!.aborted).toBe(true);
  });

  it('an event cut anywhere across chunks (a multi-byte character too) is read whole', async () => {
    const text = 'data: {"type":"session",\r\ndata: "expiresAt":1700000600000,"note":"é€😀"}\r\n\r\n';
    const all = new TextEncoder().encode(text);
    for (let at = 1; at < all.length; at++) {
      const { session, log } = make({}, { warnBefore: 0 });
      session.start();
      const request = stream();
      request.open();
      request.write(all.slice(0, at));
      await settle();
      request.write(all.slice(at));
      await settle();
      expect(errors(log)).toEqual([]);
      expect(session.remaining()).toBe(600 * SEC);
      session.destroy();
    }
  });
});

describe('serverEvents(): a refused stream', () => {
  it.each([
    ['a 401', 401, {}],
    ['a 503', 503, {}],
    ['a redirect (not followed: redirect manual)', 0, {}],
  ])('%s: no stream, one check, and another try after the backoff', async (_, status, headers) => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { session, log } = make({ retryDelay: SEC });
    session.start();
    expect(stream().init.redirect).toBe('manual');
    stream().refuse(status, headers);
    await settle();
    expect(FakeStream.all[0]!.aborted).toBe(true); // its body is let go
    expect(fakes.check).toHaveBeenCalledTimes(1);
    expect(errors(log)).toEqual([]); // the check says what it means
    await vi.advanceTimersByTimeAsync(SEC);
    expect(FakeStream.all).toHaveLength(2);
  });

  it.each([
    ['text/html (an app serving its page for any path)', { 'content-type': 'text/html' }],
    ['no content type', {}],
    ['application/json', { 'content-type': 'application/json' }],
    ['text/event-streams', { 'content-type': 'text/event-streams' }],
  ])('a 2xx with %s: refused, one check, and one error naming the problem', async (_, headers) => {
    const { session, log } = make();
    session.start();
    stream().open(200, headers);
    stream().send({ type: 'revoked' }); // never read
    await settle();
    expect(session.state).toBe('active');
    expect(FakeStream.all[0]!.aborted).toBe(true);
    expect(fakes.check).toHaveBeenCalledTimes(1);
    expect(errors(log)).toEqual([{ error: expect.any(TypeError), during: 'events' }]);
    expect(String(errors(log)[0]!.error)).toMatch(/^TypeError: sessionwarden: .*text\/event-stream/);
  });

  it.each(['text/event-stream; charset=utf-8', 'Text/Event-Stream', 'text/event-stream;charset=UTF-8'])('%s is a stream', async (type) => {
    const { session } = make();
    session.start();
    stream().open(200, { 'content-type': type });
    stream().send({ type: 'revoked' });
    await settle();
    expect(session.state).toBe('expired');
  });
});

describe('serverEvents(): no request is left open', () => {
  /** A signal that holds the context, so the test can take the lead away as the tabs signal does. */
  const leadership = () => {
    let context!: SessionContext;
    const signal: SessionSignal = { attach: (ctx) => ((context = ctx), {}) };
    return { signal, lose: () => ((context.leader = false), context.run()) };
  };

  it.each([
    ['stop()', (session: SessionCore) => session.stop()],
    ['destroy()', (session: SessionCore) => session.destroy()],
    ['logout()', (session: SessionCore) => session.logout()],
  ])('%s aborts the request, answered or not, and nothing opens again', async (_, leave) => {
    for (const answered of [false, true]) {
      FakeStream.all = [];
      const session = new SessionCore({ idleTimeout: Infinity, activity: [], signals: [serverEvents({ url: '/e' })] });
      session.start();
      if (answered) stream().open();
      await settle();
      leave(session);
      await settle();
      expect(FakeStream.all[0]!.aborted).toBe(true);
      await vi.advanceTimersByTimeAsync(5 * MIN);
      expect(FakeStream.all).toHaveLength(1);
      session.destroy();
    }
  });

  it('a tab that loses the lead aborts its stream', async () => {
    const lead = leadership();
    const session = new SessionCore({ idleTimeout: Infinity, activity: [], signals: [serverEvents({ url: '/e' }), lead.signal] });
    session.start();
    stream().open();
    await settle();
    lead.lose();
    expect(FakeStream.all[0]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(FakeStream.all).toHaveLength(1);
    session.destroy();
  });

  it('a fetch that ignores its signal: a late answer is cancelled, and a body still read is cancelled on stop()', async () => {
    let answer!: (response: Response) => void;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((resolve) => (answer = resolve))));
    const body = () => {
      const state = { cancelled: false };
      const response = { ok: true, status: 200, headers: new Headers({ 'content-type': 'text/event-stream' }), body: new ReadableStream({ cancel: () => void (state.cancelled = true) }) };
      return { state, response: response as unknown as Response };
    };
    const session = new SessionCore({ idleTimeout: Infinity, activity: [], signals: [serverEvents({ url: '/e' })] });
    session.start();
    await settle();
    session.stop();
    const late = body();
    answer(late.response);
    await settle();
    expect(late.state.cancelled).toBe(true);
    session.start();
    await settle();
    const open = body();
    answer(open.response);
    await settle();
    expect(open.state.cancelled).toBe(false);
    session.stop();
    await settle();
    expect(open.state.cancelled).toBe(true);
    session.destroy();
  });
});
