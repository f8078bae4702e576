// @vitest-environment node
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../examples/server/users';
import { MIN, T0, claimsOf, setup } from './helpers';

describe('example server: login', () => {
  it('signs a demo user in: a 5-minute HS256 JWT with sub, sid, roles, iss, aud, and a __Host- refresh cookie (HttpOnly, SameSite=Strict, Secure, Path=/, no Domain)', async () => {
    const { login, store } = setup();
    const ok = await login('editor');
    expect(ok.res.status).toBe(200);
    expect(ok.user).toEqual({ name: 'Ed Editor', roles: ['editor'] });
    const claims = claimsOf(ok.token);
    expect(claims).toMatchObject({ sub: 'editor', roles: ['editor'], iat: T0 / 1000, exp: T0 / 1000 + 300, iss: 'sessionwarden-demo', aud: 'sessionwarden-demo-api' });
    expect(store.get(claims.sid)?.username).toBe('editor');
    expect(JSON.parse(Buffer.from(ok.token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    const cookie = ok.res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^__Host-sw_refresh=[\w-]{32,};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('rejects a wrong password, an unknown user and a malformed body with 401 and no cookie', async () => {
    const { login, req, store } = setup();
    for (const attempt of [await login('editor', 'nope'), await login('mallory'), await login('constructor')]) {
      expect(attempt.res.status).toBe(401);
      expect(attempt.cookie).toBe('');
    }
    expect((await req('/api/login', { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await req('/api/login', { method: 'POST', json: { username: 'admin', password: ['demo'] } })).status).toBe(401);
    expect(store.sessions.size).toBe(0);
  });

  it('a token lifetime option sets exp', async () => {
    const { login } = setup({ tokenTtl: 30_000 });
    const claims = claimsOf((await login('viewer')).token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(30);
  });
});

describe('example server: roles are enforced on the server', () => {
  const routes = [
    ['GET /api/posts', 'posts:read'],
    ['PUT /api/posts/1', 'posts:edit'],
    ['DELETE /api/posts/1', 'posts:delete'],
    ['GET /api/users', 'users:read'],
    ['POST /api/admin/revoke', 'users:revoke'],
  ] as const;
  const expected = { admin: [200, 200, 200, 200, 200], editor: [200, 200, 403, 403, 403], viewer: [200, 403, 403, 403, 403] };
  const call = (s: ReturnType<typeof setup>, route: string, token?: string) => {
    const [method, path] = route.split(' ') as [string, string];
    const json = method === 'PUT' ? { title: 'Edited' } : method === 'POST' ? { username: 'viewer' } : undefined;
    return s.req(path, { method, token, json });
  };

  for (const [role, statuses] of Object.entries(expected)) {
    for (const [i, [route, permission]] of routes.entries()) {
      it(`${role} → ${route}: ${statuses[i]}`, async () => {
        const s = setup();
        const { token } = await s.login(role);
        const res = await call(s, route, token);
        expect(res.status).toBe(statuses[i]);
        expect(statuses[i] === 200).toBe((PERMISSIONS[role as keyof typeof PERMISSIONS] as readonly string[]).includes(permission));
        if (res.status === 403) expect(await res.json()).toEqual({ error: 'forbidden', needs: permission });
      });
    }
  }

  it('without a token every role-gated route answers 401', async () => {
    const s = setup();
    for (const [route] of routes) expect((await call(s, route)).status).toBe(401);
  });

  it('a 403 changes nothing; an allowed edit and delete do', async () => {
    const s = setup();
    const [viewer, editor, admin] = [await s.login('viewer'), await s.login('editor'), await s.login('admin')];
    const titles = async () => ((await (await s.req('/api/posts', { token: viewer.token })).json()) as { id: number; title: string }[]).map((p) => `${p.id}:${p.title}`);
    const before = await titles();
    await s.req('/api/posts/1', { method: 'PUT', token: viewer.token, json: { title: 'Hacked' } });
    await s.req('/api/posts/2', { method: 'DELETE', token: editor.token });
    expect(await titles()).toEqual(before);
    expect((await s.req('/api/posts/1', { method: 'PUT', token: editor.token, json: { title: 'Edited' } })).status).toBe(200);
    expect((await s.req('/api/posts/2', { method: 'DELETE', token: admin.token })).status).toBe(200);
    expect((await s.req('/api/posts/2', { method: 'DELETE', token: admin.token })).status).toBe(404);
    expect(await titles()).toEqual(['1:Edited', ...before.slice(2)]);
  });
});

describe('example server: tokens', () => {
  it('answers 401 to a tampered, re-signed, unsigned or expired token, on routes and on the check', async () => {
    const { req, login, check, advance } = setup();
    const { token } = await login('viewer');
    const [h, p, sig] = token.split('.') as [string, string, string];
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = `${h}.${b64({ ...claimsOf(token), roles: ['admin'] })}.${sig}`;
    const unsigned = `${b64({ alg: 'none' })}.${p}.`;
    const otherKey = await new SignJWT(claimsOf(token)).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32).fill(7));
    for (const bad of [forged, unsigned, otherKey, `${token.slice(0, -3)}abc`, 'garbage']) {
      expect((await req('/api/posts', { token: bad })).status).toBe(401);
      expect(await check(bad)).toBe(401);
    }
    expect((await req('/api/posts', { token })).status).toBe(200);
    advance(5 * MIN + 1000); // past exp, well within the server idle window
    expect((await req('/api/posts', { token })).status).toBe(401);
    expect(await check(token)).toBe(401);
  });

  it('a token of one session does not open another user\'s session (sub must match sid)', async () => {
    const secret = 'a-demo-secret-of-at-least-32-bytes!';
    const { req, login } = setup({ secret });
    const editor = await login('editor');
    const mixed = await new SignJWT({ ...claimsOf(editor.token), sub: 'admin' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    expect((await req('/api/users', { token: mixed })).status).toBe(401);
  });

  it('rejects bad options', () => {
    expect(() => setup({ tokenTtl: -1 })).toThrow(RangeError);
    expect(() => setup({ serverIdle: Number.NaN })).toThrow(/serverIdle/);
    expect(() => setup({ secret: 'short' })).toThrow(/32 bytes/);
  });
});

describe('example server: the check endpoint, revocation and logout', () => {
  it('answers 200 with serverTime and the idle end, then 401 after an admin revokes every session of the user', async () => {
    const { req, login, check, advance } = setup();
    const editor = await login('editor');
    const editorElsewhere = await login('editor');
    advance(1000);
    const res = await req('/api/session', { token: editor.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ active: true, serverTime: T0 + 1000, expiresAt: T0 + 10 * MIN });
    const admin = await login('admin');
    const revoke = await req('/api/admin/revoke', { method: 'POST', token: admin.token, json: { username: 'editor' } });
    expect(await revoke.json()).toEqual({ revoked: 2 });
    expect(await check(editor.token)).toBe(401);
    expect(await check(editorElsewhere.token)).toBe(401);
    expect(await check(admin.token)).toBe(200);
    expect((await req('/api/admin/revoke', { method: 'POST', token: admin.token, json: { username: 'nobody' } })).status).toBe(400);
  });

  it('logout with the bearer token ends the session and clears the cookie', async () => {
    const { req, login, check, refresh } = setup();
    const a = await login('admin');
    const out = await req('/api/logout', { method: 'POST', token: a.token });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-sw_refresh=; Max-Age=0; Path=\/;.*Secure/);
    expect(await check(a.token)).toBe(401);
    expect((await refresh(a.cookie)).status).toBe(401);
  });

  it('logout with the refresh cookie alone (a tab without a token) ends the cookie\'s session', async () => {
    const { req, login, check, store } = setup();
    const a = await login('viewer');
    const out = await req('/api/logout', { method: 'POST', cookie: a.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-sw_refresh=; Max-Age=0; Path=\/;.*Secure/);
    expect(store.sessions.size).toBe(0);
    expect(await check(a.token)).toBe(401);
  });

  it('signing in again in the same browser replaces its previous session', async () => {
    const { req, login, check } = setup();
    const first = await login('viewer');
    const res = await req('/api/login', { method: 'POST', cookie: first.cookie, json: { username: 'editor', password: 'demo' } });
    expect(res.status).toBe(200);
    expect(await check(first.token)).toBe(401);
  });
});
