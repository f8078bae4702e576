// @vitest-environment node
// One account (or one address) floods the server: sign-ins, sessions and event streams are bounded per
// user, per address and per session, and what the bounds push out ends as any end does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore, type StoreFactory } from '../../examples/server/store';
import { claimsOf, setup, type RequestOptions } from './helpers';

type Setup = ReturnType<typeof setup>;
const decoder = new TextDecoder();

/** Opens a stream; `read()` reads what has been written so far (one chunk), `closed()` once it ended. */
async function open(s: Setup, cookie: string, init: RequestOptions = {}) {
  const res = await s.req('/api/events', { cookie, origin: null, ...init });
  const reader = res.body?.getReader();
  let done = false;
  let text = '';
  const read = async (chunks = 1) => {
    for (let i = 0; i < chunks && reader && !done; i++) {
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else text += decoder.decode(chunk.value);
    }
    return text;
  };
  return { res, read, closed: () => done };
}

afterEach(() => vi.useRealTimers());

describe('sign-in is rate limited per client address, whatever the outcome', () => {
  it('30 successful sign-ins at once, then 429 with Retry-After, one more every 2 s; other addresses go on', async () => {
    const s = setup();
    const users = ['admin', 'editor', 'viewer'];
    for (let i = 0; i < 30; i++) expect((await s.login(users[i % 3]!, 'demo', { address: '203.0.113.7' })).res.status).toBe(200);
    const refused = await s.login('viewer', 'demo', { address: '203.0.113.7' });
    expect(refused.res.status).toBe(429);
    expect(refused.cookie).toBe('');
    expect(refused.res.headers.get('retry-after')).toBe('2');
    expect((await s.login('viewer', 'demo', { address: '198.51.100.1' })).res.status).toBe(200);
    s.advance(1_999);
    expect((await s.login('viewer', 'demo', { address: '203.0.113.7' })).res.status).toBe(429);
    s.advance(1);
    expect((await s.login('viewer', 'demo', { address: '203.0.113.7' })).res.status).toBe(200);
    expect((await s.login('viewer', 'demo', { address: '203.0.113.7' })).res.status).toBe(429);
  });

  it('failures count too, and a refused attempt costs nothing more', async () => {
    const s = setup({ loginLimits: { perMinute: 6, perAddress: 1_000, perUser: 1_000 } });
    for (let i = 0; i < 6; i++) expect((await s.login('admin', 'wrong')).res.status).toBe(401);
    for (let i = 0; i < 20; i++) expect((await s.login('admin')).res.status).toBe(429);
    s.advance(10_000); // one attempt back (6 a minute), whatever was refused meanwhile
    expect((await s.login('admin')).res.status).toBe(200);
  });
});

describe('live sessions per user are capped: the oldest ends, as a revocation does', () => {
  it('the 11th sign-in ends the first session: its refresh and check are 401, its stream hears revoked', async () => {
    const s = setup();
    const first = await s.login('editor', 'demo', { address: '10.0.0.1' });
    const stream = await open(s, first.cookie);
    await stream.read();
    const sessions = [first];
    for (let i = 1; i <= 10; i++) sessions.push(await s.login('editor', 'demo', { address: `10.0.0.${i + 1}` }));
    expect(await s.store.count('editor')).toBe(10);
    await stream.read(2);
    expect(stream.closed()).toBe(true);
    expect(await stream.read()).toMatch(/data: \{"type":"revoked"\}\n\n$/);
    expect(await s.check(first.token)).toBe(401);
    expect((await s.refresh(first.cookie)).status).toBe(401);
    for (const session of sessions.slice(1)) expect(await s.check(session.token)).toBe(200);
    expect(await s.store.count('viewer')).toBe(0);
  });

  it('sessionsPerUser sets the cap; a session that already ran out does not count', async () => {
    const s = setup({ sessionsPerUser: 2, tokenTtl: 60 * 60_000 });
    const idle = await s.login('viewer');
    s.advance(6 * 60_000);
    const a = await s.login('viewer');
    s.advance(5 * 60_000); // `idle` ran out (10 min); `a` did not
    const b = await s.login('viewer');
    expect(await s.check(a.token)).toBe(200);
    expect(await s.check(b.token)).toBe(200);
    await s.login('viewer');
    expect(await s.check(a.token)).toBe(401);
    expect(await s.check(idle.token)).toBe(401);
    expect(() => setup({ sessionsPerUser: 0 })).toThrow(/sessionsPerUser/);
  });

  it('in the store (each store keeps the rule): past `limit`, the oldest live sessions end and are told', () => {
    const ended = vi.fn();
    const store = (createStore as StoreFactory)(() => 0, { serverIdle: 60_000, closeGrace: 10_000, rotationGrace: 30_000 }, ended) as ReturnType<typeof createStore>;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(store.create('editor', { remember: false, maxAge: 60_000, limit: 3 }));
    expect(ended.mock.calls).toEqual([[made[0]!.id, false], [made[1]!.id, false]]);
    expect(store.count('editor')).toBe(3);
  });
});

describe('event streams are capped per user and per client address', () => {
  it('a user holds at most 10 streams (in this process): one more closes the oldest, without a word', async () => {
    const s = setup();
    const streams = [];
    for (let i = 0; i < 4; i++) {
      const { cookie } = await s.login('editor', 'demo', { address: `10.0.1.${i}` });
      for (let j = 0; j < 3; j++) streams.push(await open(s, cookie, { address: `10.0.2.${i * 3 + j}` }));
    }
    expect(s.events.size()).toBe(10);
    for (const stream of streams.slice(0, 2)) {
      await stream.read(2);
      expect(stream.closed()).toBe(true);
      expect(await stream.read()).not.toMatch(/revoked/);
    }
    const other = await open(s, (await s.login('viewer')).cookie);
    expect(other.res.status).toBe(200);
    expect(s.events.size()).toBe(11);
  });

  it('an address holds at most 50 streams: the 51st gets 429 with Retry-After; other addresses go on', async () => {
    const s = setup({ events: { perUser: 1_000, perSession: 1_000 } });
    const { cookie } = await s.login('editor');
    for (let i = 0; i < 50; i++) expect((await open(s, cookie, { address: '203.0.113.7' })).res.status).toBe(200);
    const refused = await s.req('/api/events', { cookie, origin: null, address: '203.0.113.7' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await open(s, cookie, { address: '198.51.100.1' })).res.status).toBe(200);
    expect(s.events.size()).toBe(51);
  });
});

describe('the heartbeat when the store cannot answer', () => {
  it('skips the beat (no heartbeat, no end, no unhandled rejection), and beats again once the store is back', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let down = false;
      // The in-memory store, whose lookups fail while `down`, as a Redis store's do while Redis is.
      const failing: StoreFactory = (now, timings, onEnd) => {
        const store = createStore(now, timings, onEnd);
        return { ...store, get: (id: unknown) => (down ? Promise.reject(Object.assign(new Error('redis: no answer'), { name: 'StoreUnavailableError' })) : store.get(id)) };
      };
      const s = setup({ store: failing as never });
      const a = await s.login('editor');
      const stream = await open(s, a.cookie);
      await stream.read();
      down = true;
      await vi.advanceTimersByTimeAsync(25_000);
      expect((await s.req('/api/session', { token: a.token })).status).toBe(503);
      await vi.advanceTimersByTimeAsync(25_000);
      await new Promise((resolve) => setImmediate(resolve)); // a rejection would be reported by now
      expect(unhandled).toEqual([]);
      expect(stream.closed()).toBe(false);
      down = false;
      await vi.advanceTimersByTimeAsync(25_000);
      expect(await stream.read()).toMatch(/^data: \{"type":"session".*\n\ndata: \{"type":"heartbeat"\}\n\n$/s);
      expect(claimsOf(a.token).sub).toBe('editor');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a store call that fails answers 503 with Retry-After, never 401 or 403 (which the client reads as revoked)', async () => {
    let down = false;
    const failing: StoreFactory = (now, timings, onEnd) => {
      const store = createStore(now, timings, onEnd);
      const fail = () => Promise.reject(Object.assign(new Error('redis: no answer'), { name: 'StoreUnavailableError' }));
      return { ...store, get: (id: unknown) => (down ? fail() : store.get(id)), byRefresh: (value: string | undefined) => (down ? fail() : store.byRefresh(value)), create: (...args: Parameters<typeof store.create>) => (down ? fail() : store.create(...args)) };
    };
    const s = setup({ store: failing as never });
    const a = await s.login('admin');
    down = true;
    for (const res of [
      await s.req('/api/session', { token: a.token }),
      await s.req('/api/users', { token: a.token }),
      await s.refresh(a.cookie),
      await s.req('/api/events', { cookie: a.cookie, origin: null }),
      (await s.login('viewer')).res,
    ]) {
      expect(res.status, res.url).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    down = false;
    expect(await s.check(a.token)).toBe(200);
  });
});
