// @vitest-environment node
// Past one server: two demo server processes on one Redis (`REDIS_URL`, or a redis-server this test
// starts on a free loopback port). A session made on one is known to the other, and a revocation made
// on one reaches the event streams held by the other, at once. Every process started here is stopped.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { buildServer, startServer, useRedis } from './processes';

type Server = Awaited<ReturnType<typeof startServer>>;
let redis: Awaited<ReturnType<typeof useRedis>>;
let file: string;
let a: Server;
let b: Server;
const prefix = `sw-test-${randomBytes(6).toString('hex')}:`;

beforeAll(async () => {
  redis = await useRedis();
  file = await buildServer();
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefix, JWT_SECRET: randomBytes(32).toString('hex') };
  [a, b] = await Promise.all([startServer(file, env), startServer(file, env)]);
}, 30_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  // A shared Redis (REDIS_URL) keeps nothing of this test: its keys are under its own prefix.
  const client = createClient({ url: redis.url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) if (keys.length) await client.del(keys);
  await client.close();
  await redis?.stop();
  if (file) rmSync(file, { force: true });
});

/** A request to one server, from its own page (the `Origin` a browser sends). */
const call = (server: Server, path: string, init: { method?: string; cookie?: string; token?: string; json?: unknown } = {}) =>
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
const login = async (server: Server, username: string) => {
  const res = await call(server, '/api/login', { method: 'POST', json: { username, password: 'demo' } });
  expect(res.status).toBe(200);
  return { token: ((await res.json()) as { token: string }).token, cookie: res.headers.getSetCookie()[0]!.split(';')[0]! };
};

/** An event stream, read as it comes; `next()` resolves with the next event (or `null` once closed). */
async function stream(server: Server, cookie: string) {
  const res = await fetch(`${server.url}/api/events`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<Record<string, unknown> | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return JSON.parse(frame.replace(/^data: /, '')) as Record<string, unknown>;
      }
      const chunk = await reader.read();
      if (chunk.done) return null;
      buffer += chunk.value;
    }
  };
  return { next, cancel: () => reader.cancel() };
}

describe('two server processes on one Redis', () => {
  it('share sessions: signed in on A, refreshed on B, checked on A', async () => {
    const { token, cookie } = await login(a, 'editor');
    expect((await call(b, '/api/session', { token })).status).toBe(200);
    const refreshed = await call(b, '/api/refresh', { method: 'POST', cookie });
    expect(refreshed.status).toBe(200);
    const rotated = refreshed.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(rotated).not.toBe(cookie);
    expect((await call(a, '/api/refresh', { method: 'POST', cookie: rotated })).status).toBe(200);
    expect((await call(b, '/api/logout', { method: 'POST', token })).status).toBe(204);
    expect((await call(a, '/api/session', { token })).status).toBe(401);
  });

  it("the admin's revocation on A reaches the streams held by B (and A) at once; other users' streams go on", async () => {
    const editor = await login(a, 'editor');
    const viewer = await login(b, 'viewer');
    const onB = await stream(b, editor.cookie);
    const onA = await stream(a, editor.cookie);
    const other = await stream(b, viewer.cookie);
    for (const s of [onB, onA, other]) expect((await s.next())?.type).toBe('session');
    const admin = await login(a, 'admin');
    const sent = Date.now();
    const revoke = await call(a, '/api/admin/revoke', { method: 'POST', token: admin.token, json: { username: 'editor' } });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    expect(await onB.next()).toEqual({ type: 'revoked' });
    expect(await onB.next()).toBeNull(); // and closed
    expect(await onA.next()).toEqual({ type: 'revoked' });
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect((await call(b, '/api/session', { token: editor.token })).status).toBe(401);
    expect((await call(b, '/api/events', { cookie: editor.cookie })).status).toBe(401);
    expect((await call(a, '/api/session', { token: viewer.token })).status).toBe(200); // the viewer's session goes on
    await other.cancel();
  });

  it('a logout on B closes the stream held by A', async () => {
    const user = await login(b, 'viewer');
    const onA = await stream(a, user.cookie);
    await onA.next();
    expect((await call(b, '/api/logout', { method: 'POST', token: user.token })).status).toBe(204);
    expect(await onA.next()).toEqual({ type: 'revoked' });
  });
});
