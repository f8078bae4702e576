// @vitest-environment node
// One contract, two stores: the in-memory store and the Redis store keep the same rules (idle
// window, absolute end, the close beacon's grace, rotation grace and reuse, revocation), on an
// injected clock; and the Redis store tells every process of each session that ends.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@redis/client';
import { KEPT_REFRESH_VALUES, createStore, type SessionStore, type StoreFactory } from '../../examples/server/store';
import { redisStore, type RedisStore } from '../../examples/server/redis-store';
import { startRedis, useRedis } from './processes';

const MIN = 60_000;
const TIMINGS = { serverIdle: 10 * MIN, closeGrace: 10_000, rotationGrace: 30_000 };
let redis: Awaited<ReturnType<typeof useRedis>>;
const prefix = `sw-test-${randomBytes(6).toString('hex')}:`;
const opened: RedisStore[] = [];

beforeAll(async () => {
  redis = await useRedis();
}, 30_000);
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  const client = createClient({ url: redis.url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) if (keys.length) await client.del(keys);
  await client.close();
  await redis?.stop();
});

const inRedis: StoreFactory = (now, timings, onEnd) => {
  const store = redisStore({ url: redis.url, prefix })(now, timings, onEnd);
  opened.push(store);
  return store;
};

describe.each([
  ['in memory', createStore as StoreFactory],
  ['in Redis', inRedis],
])('the store %s', (_, factory) => {
  const make = async () => {
    let clock = 1_700_000_000_000;
    const ended = vi.fn();
    const store: SessionStore = factory(() => clock, TIMINGS, ended);
    await (store as Partial<RedisStore>).ready;
    /** Waits until `ended` was called with `id` (Redis tells it through pub/sub). */
    const endedWith = (id: string, replaced = false) => vi.waitFor(() => expect(ended).toHaveBeenCalledWith(id, replaced), { timeout: 2_000 });
    return { store, ended, endedWith, advance: (ms: number) => (clock += ms), now: () => clock };
  };

  it('creates a session, finds it by id and by its refresh value', async () => {
    const { store, now } = await make();
    const session = await store.create('editor', { remember: true, maxAge: 60 * MIN });
    const found = await store.get(session.id);
    expect(found).toMatchObject({ id: session.id, username: 'editor', remember: true, expiresAt: now() + 60 * MIN, lastSeen: now() });
    expect(await store.byRefresh(store.current(session))).toMatchObject({ session: { id: session.id }, status: 'current' });
    expect(await store.byRefresh('unknown')).toBeUndefined();
    expect(await store.byRefresh(undefined)).toBeUndefined();
    expect(await store.get('unknown')).toBeUndefined();
    expect(await store.get(42)).toBeUndefined();
  });

  it('rotation: the previous value is in its grace, then reused; the oldest beyond the kept ones are unknown', async () => {
    const { store, advance } = await make();
    const session = await store.create('editor', { remember: false, maxAge: 60 * MIN });
    const first = store.current(session);
    await store.rotate(session);
    expect((await store.byRefresh(first))?.status).toBe('grace');
    expect((await store.byRefresh(store.current(session)))?.status).toBe('current');
    advance(30_000);
    expect((await store.byRefresh(first))?.status).toBe('reused');
    for (let i = 0; i < KEPT_REFRESH_VALUES; i++) await store.rotate(session);
    expect(await store.byRefresh(first)).toBeUndefined();
    expect((await store.byRefresh(store.current(session)))?.status).toBe('current');
  });

  it('the idle window: touch slides it, alive does not; a session past it is gone, and its end is told', async () => {
    const { store, advance, endedWith } = await make();
    const session = await store.create('editor', { remember: false, maxAge: 60 * MIN });
    advance(9 * MIN);
    await store.touch(session);
    advance(9 * MIN);
    await store.alive(session);
    expect(await store.get(session.id)).toBeDefined();
    expect(store.endsAt((await store.get(session.id))!)).toBe(session.lastSeen + 10 * MIN);
    advance(MIN);
    expect(await store.get(session.id)).toBeUndefined();
    await endedWith(session.id);
  });

  it('the close beacon: over after the grace unless a sign of life comes; the absolute end', async () => {
    const { store, advance } = await make();
    const kept = await store.create('editor', { remember: false, maxAge: 60 * MIN });
    const closed = await store.create('editor', { remember: false, maxAge: 60 * MIN });
    await store.markClosing(kept);
    await store.markClosing(closed);
    advance(5_000);
    await store.alive(kept);
    advance(5_000);
    expect(await store.get(closed.id)).toBeUndefined();
    expect(await store.get(kept.id)).toBeDefined();
    for (let t = 0; t < 6; t++) {
      advance(9 * MIN);
      await store.touch(kept);
    }
    expect(await store.get(kept.id)).toBeDefined(); // in use for 54 min
    advance(6 * MIN);
    await store.touch(kept);
    expect(await store.get(kept.id)).toBeUndefined(); // in use, but past its absolute end (60 min)
  });

  it('revokeUser ends every session of that user (and tells each end); count counts live ones only', async () => {
    const { store, endedWith } = await make();
    const user = `user-${randomBytes(4).toString('hex')}`;
    const sessions = [await store.create(user, { remember: false, maxAge: MIN }), await store.create(user, { remember: false, maxAge: MIN })];
    const other = await store.create('viewer', { remember: false, maxAge: MIN });
    expect(await store.count(user)).toBe(2);
    expect(await store.revokeUser(user)).toBe(2);
    expect(await store.count(user)).toBe(0);
    for (const session of sessions) await endedWith(session.id);
    expect(await store.get(other.id)).toBeDefined();
    await store.delete(other);
    await endedWith(other.id);
    const replaced = await store.create('viewer', { remember: false, maxAge: MIN });
    await store.delete(replaced, true); // a new sign-in in the same browser
    await endedWith(replaced.id, true);
    expect(await store.byRefresh(store.current(other))).toBeUndefined();
  });

  it('past `limit` live sessions of a user, the oldest end (told as a revocation); one that ran out does not count', async () => {
    const { store, advance, endedWith } = await make();
    const user = `user-${randomBytes(4).toString('hex')}`;
    const idle = await store.create(user, { remember: false, maxAge: 60 * MIN, limit: 2 });
    advance(6 * MIN);
    const first = await store.create(user, { remember: false, maxAge: 60 * MIN, limit: 2 });
    advance(5 * MIN); // `idle` ran out
    const second = await store.create(user, { remember: false, maxAge: 60 * MIN, limit: 2 });
    expect(await store.get(first.id)).toBeDefined();
    const third = await store.create(user, { remember: false, maxAge: 60 * MIN, limit: 2 });
    await endedWith(first.id);
    expect(await store.get(first.id)).toBeUndefined();
    expect(await store.get(idle.id)).toBeUndefined();
    expect(await store.count(user)).toBe(2);
    for (const kept of [second, third]) expect(await store.get(kept.id)).toBeDefined();
  });

  it('sweep drops the sessions that ran out', async () => {
    const { store, advance, endedWith } = await make();
    const session = await store.create('editor', { remember: false, maxAge: 60 * MIN });
    advance(10 * MIN);
    expect(await store.sweep()).toBeGreaterThanOrEqual(1);
    await endedWith(session.id);
  });
});

describe('the Redis store across processes', () => {
  it('a session ended in one is told to every other (each closes its event streams)', async () => {
    const here = vi.fn();
    const there = vi.fn();
    const now = () => 1_700_000_000_000;
    const a = inRedis(now, TIMINGS, here) as RedisStore;
    const b = inRedis(now, TIMINGS, there) as RedisStore;
    await Promise.all([a.ready, b.ready]);
    const session = await a.create('editor', { remember: false, maxAge: MIN });
    expect((await b.get(session.id))?.username).toBe('editor');
    await b.delete((await b.get(session.id))!);
    await vi.waitFor(() => expect(here).toHaveBeenCalledWith(session.id, false), { timeout: 2_000 });
    expect(there).toHaveBeenCalledWith(session.id, false);
    expect(await a.get(session.id)).toBeUndefined();
  });
});

describe('the Redis store when its pub/sub connection is lost', () => {
  it('tells onReconnect listeners once it is subscribed again (ends published meanwhile were missed)', async () => {
    const own = await startRedis();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const store = redisStore({ url: own.url, prefix })(() => 0, TIMINGS, () => {});
    try {
      await store.ready;
      const back = vi.fn();
      store.onReconnect!(back);
      const admin = createClient({ url: own.url });
      await admin.connect();
      expect(Number(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']))).toBe(1);
      await admin.close();
      await vi.waitFor(() => expect(back).toHaveBeenCalledTimes(1), { timeout: 5_000 });
      // One line each way, naming no URL.
      expect(error.mock.calls.map(([line]) => String(line))).toEqual([expect.stringMatching(/^redis \(pub\/sub\): \w*Error( \w+)?; reconnecting$/), 'redis (pub/sub): connected again']);
    } finally {
      await store.close();
      error.mockRestore();
      await own.stop();
    }
  }, 15_000); // past the wait above, so that a failure still stops the Redis
});

describe('the Redis store and persistence', () => {
  it.each([
    ['snapshots only (appendonly no): warns, since a restart would bring revoked sessions back', 'snapshot', true],
    ['the AOF (appendonly yes): no warning', 'aof', false],
  ] as const)('%s', async (_, persistence, warns) => {
    const own = await startRedis({ persistence });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const store = redisStore({ url: own.url, prefix })(() => 0, TIMINGS, () => {});
      await store.ready; // which includes the look at CONFIG
      expect(warn.mock.calls.some(([line]) => /^redis: appendonly is off.*--appendonly yes --appendfsync always/.test(String(line)))).toBe(warns);
      await store.close();
    } finally {
      warn.mockRestore();
      await own.stop();
    }
  });

  it('rejects a timeout that is not a positive number', () => {
    expect(() => redisStore({ url: 'redis://127.0.0.1:1', timeout: 0 })).toThrow(/^sessionwarden: redisStore `timeout`/);
  });
});
