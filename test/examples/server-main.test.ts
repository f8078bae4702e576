// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireSecret, start } from '../../examples/server/main';
import { setup } from './helpers';
import { buildServer, runServerFile } from './processes';

describe('example server: static files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>spa</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the SPA, its assets, an index.html fallback for its routes, and keeps /api JSON 404s', async () => {
    const { app } = setup({ staticDir: dir });
    const home = await app.request('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<title>spa</title>');
    const asset = await app.request('/assets/app.js');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toBe('console.log(1)');
    const route = await app.request('/dashboard?idle=5000');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>spa</title>');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    const api = await app.request('/api/nothing');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'not found' });
  });

  it('serves no files with staticDir: false', async () => {
    const { app } = setup({ staticDir: false });
    expect((await app.request('/')).status).toBe(404);
  });
});

describe('example server: main.ts', () => {
  it('listens on 127.0.0.1, prints the URL and the demo users, never logs a token, and stops cleanly', async () => {
    const logs: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
    }
    // A key of its own: CI runs this file with REDIS_URL set, where a missing JWT_SECRET refuses to start (tested below).
    const running = start({ port: 0, handleSignals: false, staticDir: false, secret: 'test-secret-of-at-least-32-bytes-long' });
    const url = await running.ready;
    expect(running.server.address()).toMatchObject({ address: '127.0.0.1' });
    const printed = logs.join('\n');
    expect(printed).toContain(url);
    expect(printed).toMatch(/password "demo"/);
    for (const [user, role] of [['admin', 'admin'], ['editor', 'editor'], ['viewer', 'viewer']]) expect(printed).toMatch(new RegExp(`${user}\\s+${role}`));

    const origin = { origin: url };
    const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { ...origin, 'content-type': 'application/json' }, body: '{"username":"admin","password":"demo"}' });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await fetch(`${url}/api/login`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
    const refreshed = await fetch(`${url}/api/refresh`, { method: 'POST', headers: { ...origin, cookie } });
    expect(refreshed.status).toBe(200);
    const again = await fetch(`${url}/api/refresh`, { method: 'POST', headers: { ...origin, cookie } }); // within the rotation grace
    expect(again.headers.getSetCookie()[0]!.split(';')[0]).toBe(refreshed.headers.getSetCookie()[0]!.split(';')[0]);

    const stopped = running.stop();
    expect(running.stop()).toBe(stopped); // idempotent
    await stopped;
    expect(running.server.listening).toBe(false);
    await expect(fetch(`${url}/api/session`)).rejects.toThrow();
    const all = logs.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]!);
    expect(all).not.toContain(cookie.split('=')[1]!);
  });
});

describe('example server: one key for every process', () => {
  let file: string;
  beforeAll(async () => {
    file = await buildServer();
  }, 30_000);
  afterAll(() => rmSync(file, { force: true }));

  it.each([
    ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:1', NODE_ENV: 'development' }, /REDIS_URL is set/],
    ['NODE_ENV=production', { REDIS_URL: '', NODE_ENV: 'production' }, /NODE_ENV=production/],
  ])('with %s and no JWT_SECRET, `node server.mjs` refuses to start, and says why', async (_, env, why) => {
    const { code, output } = await runServerFile(file, { JWT_SECRET: '', ...env });
    expect(code).toBe(1);
    expect(output).toMatch(/^sessionwarden: JWT_SECRET is required/m);
    expect(output).toMatch(why);
    expect(output).not.toMatch(/demo: http|\n\s+at /); // it never listened, and no stack trace
  });

  it('starts without JWT_SECRET in development on the in-memory store (a random key: one process)', async () => {
    const { output } = await runServerFile(file, { JWT_SECRET: '', REDIS_URL: '', NODE_ENV: 'development' });
    expect(output).toMatch(/sessionwarden demo: http:\/\/localhost:\d+/);
  });

  it('requireSecret: in code too, a given key or development passes', () => {
    expect(() => requireSecret(undefined, { NODE_ENV: 'production' })).toThrow(/^sessionwarden: JWT_SECRET is required/);
    expect(() => requireSecret(undefined, { REDIS_URL: 'redis://x' })).toThrow(/REDIS_URL/);
    expect(() => requireSecret(randomBytes(32), { NODE_ENV: 'production', REDIS_URL: 'redis://x' })).not.toThrow();
    expect(() => requireSecret(undefined, { NODE_ENV: 'development' })).not.toThrow();
  });
});
