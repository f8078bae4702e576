// @vitest-environment node
// Redis fails under two demo server processes: stalled (SIGSTOP), killed (SIGKILL) with revocations in
// flight, and restarted. Every request fails fast (503) meanwhile, no process exits, the streams
// stay open, everything comes back by itself, and no revocation the server acknowledged is lost.
// The Redis is the test's own (AOF, fsync at every write, as docs/server.md asks), never REDIS_URL's.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { buildServer, startRedis, startServer, until, type OwnRedis, type ServerProcess } from './processes';

/** Every stream is looked up every 200 ms. A store call waits 300 ms on A, 3 s on B: a 503 from B within a second is not a timeout. */
const ENV = { JWT_SECRET: randomBytes(32).toString('hex'), REDIS_PREFIX: 'sw:' };
const TIMEOUT = { a: 300, b: 3_000 };
const OPTIONS = { events: { heartbeat: 200 } };
let redis: OwnRedis;
let file: string;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  [redis, file] = await Promise.all([startRedis(), buildServer()]);
  const env = (timeout: number) => ({ ...ENV, REDIS_URL: redis.url, REDIS_TIMEOUT: String(timeout) });
  [a, b] = await Promise.all([startServer(file, env(TIMEOUT.a), { options: OPTIONS }), startServer(file, env(TIMEOUT.b), { options: OPTIONS })]);
}, 30_000);
afterAll(async () => {
  redis?.resume();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  if (file) rmSync(file, { force: true });
});

interface Call {
  method?: string;
  cookie?: string;
  token?: string;
  json?: unknown;
  address?: string;
}
/** A request to one server from its own page; the status, or `'network'` if the connection failed. */
const call = (server: ServerProcess, path: string, init: Call = {}) =>
  fetch(server.url + path, {
    method: init.method ?? 'GET',
    headers: {
      origin: server.url,
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json ? { 'content-type': 'application/json' } : {}),
    },
    body: init.json ? JSON.stringify(init.json) : undefined,
  });
const statusOf = (server: ServerProcess, path: string, init: Call = {}) => call(server, path, init).then((res) => res.status, () => 'network' as const);

const login = async (server: ServerProcess, username: string) => {
  const res = await call(server, '/api/login', { method: 'POST', json: { username, password: 'demo' } });
  expect(res.status).toBe(200);
  return { token: ((await res.json()) as { token: string }).token, cookie: res.headers.getSetCookie()[0]!.split(';')[0]! };
};
/** An event stream; `events` fills as they come, `closed` once it ended. */
async function stream(server: ServerProcess, cookie: string) {
  const res = await fetch(`${server.url}/api/events`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const state = { events: [] as string[], closed: false };
  void (async () => {
    let buffer = '';
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += chunk.value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          state.events.push((JSON.parse(buffer.slice(0, end).replace(/^data: /, '')) as { type: string }).type);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // cancelled
    }
    state.closed = true;
  })();
  await until(() => state.events.length > 0, 'the first event');
  return state;
}
/** Both processes alive, and neither reported an unhandled rejection or an uncaught exception. */
const bothAlive = () => {
  for (const server of [a, b]) {
    expect(server.exited()).toBeNull();
    expect(server.errors()).not.toMatch(/Unhandled|uncaught|triggerUncaughtException/i);
  }
};

describe('Redis stalled (SIGSTOP)', () => {
  it('every request answers 503 within the store timeout, streams stay open; all comes back after SIGCONT', async () => {
    const editor = await login(a, 'editor');
    const onB = await stream(b, editor.cookie);
    redis.pause();
    try {
      const beats = onB.events.length;
      // All at once: each server answers 503 once its store timeout is over, not later (and not never).
      await Promise.all(
        ([
          [a, '/api/session', { token: editor.token }],
          [b, '/api/refresh', { method: 'POST', cookie: editor.cookie }],
          [a, '/api/login', { method: 'POST', json: { username: 'viewer', password: 'demo' } }],
          [b, '/api/events', { cookie: editor.cookie }],
          [a, '/api/posts', { token: editor.token }],
        ] as const).map(async ([server, path, init]) => {
          const started = Date.now();
          expect(await statusOf(server, path, init), path).toBe(503);
          expect(Date.now() - started, `${path} answered within the timeout (ms)`).toBeLessThan((server === a ? TIMEOUT.a : TIMEOUT.b) * 2 + 1_000);
        }),
      );
      // Meanwhile (3 s and more, 15 heartbeat intervals) heartbeats stopped (nothing vouches for the session, one may have been on its way), but the stream stays.
      expect(onB.closed).toBe(false);
      expect(onB.events.length).toBeLessThanOrEqual(beats + 1);
    } finally {
      redis.resume();
    }
    await until(async () => (await statusOf(a, '/api/session', { token: editor.token })) === 200, 'A to answer again');
    await until(() => onB.events.at(-1) === 'heartbeat' && !onB.closed, 'heartbeats again on B');
    bothAlive();
  }, 20_000);
});

describe('Redis killed with revocations in flight, then restarted', () => {
  it('no process exits, requests fail fast, everything reconnects, and every acknowledged revocation holds', async () => {
    // Sessions on both processes, a snapshot that holds them all (what a restart without AOF would load), streams on each.
    const users = ['admin', 'editor', 'viewer'];
    const sessions = [];
    for (let i = 0; i < 24; i++) sessions.push(await login(i % 2 ? b : a, users[i % 3]!));
    const snapshot = createClient({ url: redis.url }).on('error', () => {});
    await snapshot.connect();
    await snapshot.sendCommand(['SAVE']);
    await snapshot.close();
    const kept = sessions.filter((_, i) => i % 4 === 3); // never revoked: they must come back too
    const victims = sessions.filter((_, i) => i % 4 !== 3);
    const watched = await stream(b, kept[0]!.cookie);
    const doomed = await stream(a, victims[0]!.cookie);

    // Revocations (logouts) on both processes, two at a time; Redis is killed after the sixth is acknowledged, with the rest in flight.
    const outcomes = new Map<(typeof sessions)[number], number | 'network'>();
    const lanes = [0, 1].map(async (lane) => {
      for (let i = lane; i < victims.length; i += 2) outcomes.set(victims[i]!, await statusOf(i % 2 ? a : b, '/api/logout', { method: 'POST', token: victims[i]!.token }));
    });
    await until(() => [...outcomes.values()].filter((status) => status === 204).length >= 6, 'six revocations acknowledged');
    await redis.kill();
    await Promise.all(lanes);
    expect([...outcomes.values()].every((status) => status === 204 || status === 503), 'a revocation answered 204 or, Redis gone, 503').toBe(true);

    // Down: a 503 at once (well before B's 3 s timeout: a disconnected store does not wait), nothing crashes.
    for (const server of [a, b]) {
      const started = Date.now();
      expect(await statusOf(server, '/api/session', { token: kept[0]!.token })).toBe(503);
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    expect((await call(a, '/api/login', { method: 'POST', json: { username: 'viewer', password: 'demo' } })).headers.get('retry-after')).toBe('2');
    bothAlive();

    await redis.restart();
    for (const server of [a, b]) await until(async () => (await statusOf(server, '/api/session', { token: kept[1]!.token })) === 200, 'each process to reconnect by itself');

    // The revocations answered 503 were not acknowledged: the client retries them, now.
    for (const [session, status] of outcomes) {
      if (status !== 204) expect(await statusOf(a, '/api/logout', { method: 'POST', token: session.token })).toBe(204);
    }
    const acknowledged = victims.filter((session) => outcomes.get(session) === 204);
    expect(acknowledged.length, 'revocations acknowledged before the kill').toBeGreaterThanOrEqual(6);
    expect(acknowledged.length, 'revocations refused (503) after it').toBeLessThan(victims.length);
    for (const session of victims) {
      expect(await statusOf(b, '/api/session', { token: session.token }), `revoked (${outcomes.get(session)} at the kill)`).toBe(401);
      expect(await statusOf(a, '/api/refresh', { method: 'POST', cookie: session.cookie })).toBe(401);
    }
    for (const session of kept) expect(await statusOf(a, '/api/session', { token: session.token })).toBe(200);

    // Pub/sub is back too: a revocation on A reaches the stream held by B at once.
    expect(await statusOf(a, '/api/logout', { method: 'POST', token: kept[0]!.token })).toBe(204);
    await until(() => watched.events.at(-1) === 'revoked' && watched.closed, 'the stream on B to hear revoked');
    // The stream of a session revoked during the outage ends too, at the latest at its next heartbeat.
    await until(() => doomed.closed, 'the stream of a session revoked meanwhile to end');
    bothAlive();
  }, 30_000);
});
