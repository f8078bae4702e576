// @vitest-environment node
// The demo server's event stream (GET /api/events) in-process: who may open one, what it says, and
// that every way a session ends (revocation, logout, a replayed refresh value, a new sign-in, running
// out) says `revoked` on its streams and closes them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore, type StoreFactory } from '../../examples/server/store';
import { MIN, T0, setup, type RequestOptions } from './helpers';

type Setup = ReturnType<typeof setup>;
const decoder = new TextDecoder();

/** Opens a stream and reads its events (the `data` of each, parsed) as they come. */
async function open(s: Setup, cookie: string, init: RequestOptions = {}) {
  const res = await s.req('/api/events', { cookie, origin: null, ...init });
  const reader = res.body!.getReader();
  let buffer = '';
  const events: Record<string, unknown>[] = [];
  let done = false;
  /** Reads what has been written so far (the server writes synchronously: one read per chunk). */
  const pump = async (chunks = 1) => {
    for (let i = 0; i < chunks && !done; i++) {
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        events.push(JSON.parse(buffer.slice(0, end).replace(/^data: /, '')) as Record<string, unknown>);
        buffer = buffer.slice(end + 2);
      }
    }
    return events;
  };
  return { res, events, pump, closed: () => done, cancel: () => reader.cancel() };
}

afterEach(() => vi.useRealTimers());

describe('GET /api/events', () => {
  it('streams to the refresh cookie: text/event-stream, not stored, first the server time and the session end', async () => {
    const s = setup();
    const { cookie } = await s.login('editor');
    const stream = await open(s, cookie);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.res.headers.get('cache-control')).toBe('no-store');
    expect(await stream.pump()).toEqual([{ type: 'session', serverTime: T0, expiresAt: T0 + 10 * MIN }]);
    expect(s.events.size()).toBe(1);
    await stream.cancel(); // the client went away
    expect(s.events.size()).toBe(0);
  });

  it('answers 401 without a live refresh value (a token is no way in: EventSource cannot send one)', async () => {
    const s = setup();
    const { cookie, token } = await s.login('editor');
    expect((await s.req('/api/events', { origin: null })).status).toBe(401);
    expect((await s.req('/api/events', { origin: null, token })).status).toBe(401);
    expect((await s.req('/api/events', { origin: null, cookie: '__Host-sw_refresh=forged' })).status).toBe(401);
    await s.refresh(cookie);
    s.advance(31_000); // the old value, past the rotation grace: replayed
    expect((await s.req('/api/events', { origin: null, cookie })).status).toBe(401);
    expect(s.events.size()).toBe(0);
  });

  it("refuses other sites' pages: Sec-Fetch-Site other than same-origin, or a foreign Origin", async () => {
    const s = setup();
    const { cookie } = await s.login('editor');
    for (const site of ['cross-site', 'same-site']) {
      expect((await s.req('/api/events', { cookie, origin: null, headers: { 'sec-fetch-site': site } })).status).toBe(403);
    }
    expect((await s.req('/api/events', { cookie, origin: 'https://evil.example' })).status).toBe(403);
    const ok = await open(s, cookie, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(ok.res.status).toBe(200);
  });

  it('opening a stream is not use (the idle window stays) but says a page is there (a pending close is off)', async () => {
    const s = setup();
    const { cookie, token } = await s.login('editor');
    const session = s.store.get(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid)!;
    expect((await s.req('/api/close', { method: 'POST', cookie })).status).toBe(204);
    expect(session.closingAt).toBe(T0);
    s.advance(5_000); // within the grace: a reload reconnecting
    expect((await open(s, cookie)).res.status).toBe(200);
    expect(session.closingAt).toBeUndefined();
    expect(session.lastSeen).toBe(T0);
  });
});

describe('every end of a session reaches its streams at once', () => {
  const ends: [string, (s: Setup, victim: { cookie: string; token: string }) => unknown][] = [
    ["the admin's Revoke sessions", async (s) => s.req('/api/admin/revoke', { method: 'POST', token: (await s.login('admin')).token, json: { username: 'editor' } })],
    ['a logout', async (s, victim) => s.req('/api/logout', { method: 'POST', token: victim.token })],
    ['a replayed refresh value', async (s, victim) => {
      await s.refresh(victim.cookie);
      s.advance(31_000);
      return s.refresh(victim.cookie);
    }],
  ];
  it.each(ends)('%s: every stream of the session says revoked and closes; other sessions hear nothing', async (_, end) => {
    const s = setup();
    const victim = await s.login('editor');
    const bystander = await s.login('viewer');
    const streams = [await open(s, victim.cookie), await open(s, victim.cookie)];
    const other = await open(s, bystander.cookie);
    for (const stream of [...streams, other]) await stream.pump();
    await end(s, victim);
    for (const stream of streams) {
      await stream.pump(2);
      expect(stream.events.at(-1)).toEqual({ type: 'revoked' });
      expect(stream.closed()).toBe(true);
    }
    expect(other.events).toHaveLength(1);
    expect(other.closed()).toBe(false);
    expect(s.events.size()).toBe(1);
  });
});

it('a new sign-in in the same browser is no revocation: its streams close without a word (the tabs carry on)', async () => {
  const s = setup();
  const victim = await s.login('editor');
  const stream = await open(s, victim.cookie);
  await stream.pump();
  await s.login('editor', 'demo', { cookie: victim.cookie });
  await stream.pump(2);
  expect(stream.closed()).toBe(true);
  expect(stream.events.map((e) => e.type)).toEqual(['session']);
});

describe('the streams over time', () => {
  it('a heartbeat every 25 s; a session that ran out meanwhile hears revoked at the next beat', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const s = setup();
    const { cookie } = await s.login('editor');
    const stream = await open(s, cookie);
    await stream.pump();
    await vi.advanceTimersByTimeAsync(25_000);
    expect((await stream.pump()).at(-1)).toEqual({ type: 'heartbeat' });
    s.advance(10 * MIN); // the server's idle window is over
    await vi.advanceTimersByTimeAsync(25_000);
    await stream.pump(2);
    expect(stream.events.at(-1)).toEqual({ type: 'revoked' });
    expect(stream.closed()).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // no stream, no timer
  });

  it('at most 3 streams per session: a fourth closes the oldest, without a word', async () => {
    const s = setup();
    const { cookie } = await s.login('editor');
    const streams = [];
    for (let i = 0; i < 4; i++) streams.push(await open(s, cookie));
    await streams[0]!.pump(2);
    expect(streams[0]!.closed()).toBe(true);
    expect(streams[0]!.events).toEqual([expect.objectContaining({ type: 'session' })]);
    expect(s.events.size()).toBe(3);
  });

  it('after the store reconnects, every streamed session is looked up at once: an end told meanwhile (and missed) reaches its streams', async () => {
    let reconnect = () => {};
    // A shared store whose end notices were lost while it was cut off (its onEnd goes nowhere), and that says when it is back.
    const cutOff: StoreFactory = (now, timings) => ({ ...createStore(now, timings, () => {}), onReconnect: (listener: () => void) => void (reconnect = listener) });
    const s = setup({ store: cutOff as never });
    const ended = await s.login('editor');
    const other = await s.login('viewer');
    const streams = [await open(s, ended.cookie), await open(s, other.cookie)];
    for (const stream of streams) await stream.pump();
    await s.req('/api/logout', { method: 'POST', token: ended.token }); // its end is not told to the stream
    expect(streams[0]!.closed()).toBe(false);
    reconnect();
    await streams[0]!.pump(2);
    expect(streams[0]!.events.at(-1)).toEqual({ type: 'revoked' });
    expect(streams[0]!.closed()).toBe(true);
    await streams[1]!.pump();
    expect(streams[1]!.events.at(-1)).toEqual({ type: 'heartbeat' }); // the other session goes on
    expect(streams[1]!.closed()).toBe(false);
  });

  it('a shutdown closes every stream without signing anyone out', async () => {
    const s = setup();
    const stream = await open(s, (await s.login('editor')).cookie);
    await stream.pump();
    s.events.close();
    await stream.pump();
    expect(stream.closed()).toBe(true);
    expect(stream.events.map((e) => e.type)).toEqual(['session']);
  });
});
