// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createApp } from '../../examples/server/app';

const MIN = 60_000;
function setup() {
  let clock = 1_700_000_000_000;
  const { app, store } = createApp({ now: () => clock, tokenTtl: 5 * MIN, serverIdle: 10 * MIN, closeGrace: 10_000 });
  const req = (path: string, init: RequestInit & { token?: string; cookie?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.cookie) headers.set('cookie', init.cookie);
    return app.request(path, { ...init, headers });
  };
  const login = async (username: string, password = 'demo') => {
    const res = await req('/api/login', { method: 'POST', body: JSON.stringify({ username, password }), headers: { 'content-type': 'application/json' } });
    const body = (await res.json()) as { token: string; user: { roles: string[] } };
    const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
    return { res, ...body, cookie };
  };
  return { req, login, store, advance: (ms: number) => (clock += ms) };
}

describe('example server', () => {
  it('logs the demo users in, with an HttpOnly refresh cookie; rejects a wrong password', async () => {
    const { login } = setup();
    const ok = await login('editor');
    expect(ok.res.status).toBe(200);
    expect(ok.user.roles).toEqual(['editor']);
    expect(ok.res.headers.get('set-cookie')).toMatch(/sw_refresh=.+HttpOnly.+SameSite=Strict/);
    const claims = JSON.parse(Buffer.from(ok.token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'editor', roles: ['editor'] });
    expect(claims.exp - claims.iat).toBe(300);
    expect((await login('editor', 'nope')).res.status).toBe(401);
    expect((await login('mallory')).res.status).toBe(401);
  });

  it('enforces every role on the server: viewer 403 on admin routes, editor edits but cannot delete', async () => {
    const { req, login } = setup();
    const viewer = await login('viewer');
    const editor = await login('editor');
    const admin = await login('admin');
    expect((await req('/api/posts', { token: viewer.token })).status).toBe(200);
    expect((await req('/api/posts/1', { method: 'PUT', token: viewer.token, body: '{"title":"x"}' })).status).toBe(403);
    expect((await req('/api/users', { token: viewer.token })).status).toBe(403);
    expect((await req('/api/admin/revoke', { method: 'POST', token: viewer.token, body: '{"username":"editor"}' })).status).toBe(403);
    expect((await req('/api/posts/1', { method: 'PUT', token: editor.token, body: '{"title":"edited"}' })).status).toBe(200);
    expect((await req('/api/posts/1', { method: 'DELETE', token: editor.token })).status).toBe(403);
    expect((await req('/api/posts/2', { method: 'DELETE', token: admin.token })).status).toBe(200);
    expect((await req('/api/users', { token: admin.token })).status).toBe(200);
  });

  it('answers 401 to a tampered or expired token', async () => {
    const { req, login, advance } = setup();
    const { token } = await login('admin');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'], sub: 'viewer' })).toString('base64url')}.${s}`;
    expect((await req('/api/posts', { token: forged })).status).toBe(401);
    expect((await req('/api/posts', { token: `${token.slice(0, -2)}xx` })).status).toBe(401);
    advance(5 * MIN + 1000);
    expect((await req('/api/posts', { token })).status).toBe(401);
  });

  it('the check endpoint answers active with serverTime, then 401 after logout and after an admin revoke', async () => {
    const { req, login } = setup();
    const editor = await login('editor');
    const check = await req('/api/session', { token: editor.token });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ active: true, serverTime: 1_700_000_000_000 });
    const admin = await login('admin');
    expect(await (await req('/api/admin/revoke', { method: 'POST', token: admin.token, body: '{"username":"editor"}' })).json()).toEqual({ revoked: 1 });
    expect((await req('/api/session', { token: editor.token })).status).toBe(401);
    expect((await req('/api/logout', { method: 'POST', token: admin.token })).status).toBe(204);
    expect((await req('/api/session', { token: admin.token })).status).toBe(401);
  });

  it('slides the idle window on use, not on the check', async () => {
    const { req, login, advance } = setup();
    const idle = await login('viewer');
    advance(4 * MIN);
    await req('/api/session', { token: idle.token }); // the check does not count as use
    advance(7 * MIN); // 11 min since the last use > serverIdle (10 min)
    expect((await req('/api/refresh', { method: 'POST', cookie: idle.cookie })).status).toBe(401);

    const used = await login('editor');
    advance(4 * MIN);
    expect((await req('/api/posts', { token: used.token })).status).toBe(200); // use slides the window
    advance(7 * MIN); // 11 min since login, 7 since the last use
    expect((await req('/api/refresh', { method: 'POST', cookie: used.cookie })).status).toBe(200);
  });

  it('rotates the refresh cookie and ends the session when an old value is replayed', async () => {
    const { req, login } = setup();
    const a = await login('editor');
    const first = await req('/api/refresh', { method: 'POST', cookie: a.cookie });
    expect(first.status).toBe(200);
    const rotated = first.headers.get('set-cookie')!.split(';')[0]!;
    expect(rotated).not.toBe(a.cookie);
    const { token } = (await first.json()) as { token: string };
    expect((await req('/api/refresh', { method: 'POST', cookie: a.cookie })).status).toBe(401); // replay
    expect((await req('/api/session', { token })).status).toBe(401); // the whole session ended
    expect((await req('/api/refresh', { method: 'POST', cookie: rotated })).status).toBe(401);
  });

  it('ends a session closeGrace after the close beacon unless a request comes first', async () => {
    const { req, login, advance } = setup();
    const closed = await login('viewer');
    expect((await req('/api/close', { method: 'POST', cookie: closed.cookie })).status).toBe(204);
    advance(10_001);
    expect((await req('/api/session', { token: closed.token })).status).toBe(401);

    const reloaded = await login('viewer');
    await req('/api/close', { method: 'POST', cookie: reloaded.cookie });
    advance(3_000);
    expect((await req('/api/posts', { token: reloaded.token })).status).toBe(200); // the reloaded page's request
    advance(20_000);
    expect((await req('/api/session', { token: reloaded.token })).status).toBe(200);
  });
});
