// @vitest-environment node
// What a reviewer tried against the demo server, one describe per finding: each test is the attack
// (or the everyday mishap) and what the server must answer.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEPT_REFRESH_VALUES } from '../../examples/server/store';
import { MIN, ORIGIN, claimsOf, cookieOf, setup } from './helpers';

const SECRET = 'a-demo-secret-of-at-least-32-bytes!';
const tokenOf = async (res: Response) => ((await res.json()) as { token: string }).token;

describe('refresh rotation: a short grace for the previous value', () => {
  it('two refreshes with the same cookie (two tabs, or a retry after a lost answer) both get the current value and a token', async () => {
    const s = setup();
    const a = await s.login('editor');
    s.advance(4 * MIN);
    const first = await s.refresh(a.cookie);
    expect(first.status).toBe(200);
    s.advance(20_000); // the lost answer's retry, refreshTimeout + first backoff later
    const again = await s.refresh(a.cookie);
    expect(again.status).toBe(200);
    expect(cookieOf(again)).toBe(cookieOf(first)); // the current value again: no second rotation
    const token = await tokenOf(again);
    expect(claimsOf(token)).toMatchObject({ sid: claimsOf(a.token).sid, sub: 'editor' });
    expect(await s.check(token)).toBe(200);
    const next = await s.refresh(cookieOf(again)); // and the session goes on rotating
    expect(next.status).toBe(200);
    expect(cookieOf(next)).not.toBe(cookieOf(first));
  });

  it('outside the grace, the previous value is a replay: the session is revoked', async () => {
    const s = setup();
    const a = await s.login('editor');
    const first = await s.refresh(a.cookie);
    const token = await tokenOf(first);
    s.advance(30_000);
    const replay = await s.refresh(a.cookie);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: expect.stringMatching(/reused/) });
    expect(await s.check(token)).toBe(401);
    expect((await s.refresh(cookieOf(first))).status).toBe(401);
  });

  it('a value two rotations old is a replay even within the grace of the newer rotation', async () => {
    const s = setup({ rotationGrace: 10_000 });
    const a = await s.login('viewer');
    s.advance(60_000);
    const first = await s.refresh(a.cookie);
    s.advance(60_000);
    await s.refresh(cookieOf(first));
    expect((await s.refresh(a.cookie)).status).toBe(401);
  });

  it('a session keeps a bounded number of refresh values through a long day of rotations', async () => {
    const s = setup({ tokenTtl: 5 * MIN, serverIdle: 10 * MIN });
    const a = await s.login('editor');
    const values = [a.cookie];
    for (let i = 0; i < 150; i++) {
      s.advance(3 * MIN);
      const res = await s.refresh(values.at(-1)!);
      expect(res.status).toBe(200);
      values.push(cookieOf(res));
    }
    const session = s.store.get(claimsOf(a.token).sid)!;
    expect(session.refreshes.length).toBe(KEPT_REFRESH_VALUES);
    // Forgotten values are merely unknown; the kept old ones still reveal a replay.
    expect((await s.refresh(values[0]!)).status).toBe(401);
    expect(s.store.get(session.id)).toBe(session);
    s.advance(30_000);
    expect((await s.refresh(values.at(-2)!)).status).toBe(401);
    expect(s.store.get(session.id)).toBeUndefined();
  });
});

describe('CSRF: only the app\'s own pages may log in, refresh, log out and close', () => {
  it('a cross-site form post to /api/login (text/plain, urlencoded, multipart) signs no one in', async () => {
    const s = setup();
    const json = JSON.stringify({ username: 'admin', password: 'demo' });
    const bodies: [string, string][] = [
      ['text/plain', json],
      ['application/x-www-form-urlencoded', 'username=admin&password=demo'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nadmin\r\n--x--'],
    ];
    for (const origin of ['https://evil.example', ORIGIN]) {
      for (const [type, body] of bodies) {
        const res = await s.req('/api/login', { method: 'POST', body, headers: { 'content-type': type }, origin });
        expect(res.status, `${origin} ${type}`).toBe(origin === ORIGIN ? 415 : 403);
        expect(res.headers.getSetCookie()).toEqual([]);
      }
    }
    expect(s.store.sessions.size).toBe(0);
  });

  it('login with JSON from another origin, another port of this host, or without Origin is refused', async () => {
    const s = setup();
    for (const origin of ['https://evil.example', 'http://localhost:8080', 'null', null]) {
      const res = await s.login('admin', 'demo', { origin });
      expect(res.res.status, String(origin)).toBe(403);
      expect(res.cookie).toBe('');
    }
    expect((await s.login('admin')).res.status).toBe(200);
  });

  const cookieEndpoints = [
    ['/api/refresh', (s: ReturnType<typeof setup>, cookie: string, init: Parameters<ReturnType<typeof setup>['req']>[1]) => s.req('/api/refresh', { method: 'POST', cookie, ...init })],
    ['/api/logout', (s: ReturnType<typeof setup>, cookie: string, init: Parameters<ReturnType<typeof setup>['req']>[1]) => s.req('/api/logout', { method: 'POST', cookie, ...init })],
    ['/api/close', (s: ReturnType<typeof setup>, cookie: string, init: Parameters<ReturnType<typeof setup>['req']>[1]) => s.req('/api/close', { method: 'POST', cookie, ...init })],
  ] as const;

  for (const [path, call] of cookieEndpoints) {
    it(`${path} refuses a cross-site, same-site or Origin-less request with 403 and leaves the session alone`, async () => {
      const s = setup();
      const a = await s.login('viewer');
      const attempts = [
        { origin: 'https://evil.example' },
        { origin: 'http://localhost:3000' }, // another port of the same host: same site, another origin
        { origin: 'http://sub.localhost' },
        { origin: 'null' },
        { origin: null },
        { headers: { 'sec-fetch-site': 'same-site' } },
        { headers: { 'sec-fetch-site': 'cross-site' } },
      ];
      for (const init of attempts) {
        const res = await call(s, a.cookie, init);
        expect(res.status, JSON.stringify(init)).toBe(403);
        expect(res.headers.getSetCookie(), JSON.stringify(init)).toEqual([]);
      }
      s.advance(10_000); // past closeGrace, had a close got through
      expect(await s.check(a.token)).toBe(200);
      // The same request from the app's own page works.
      expect((await call(s, a.cookie, { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBeLessThan(300);
    });
  }

  it('the close beacon takes what sendBeacon sends (no body, or text/plain) and nothing else', async () => {
    const s = setup();
    const a = await s.login('viewer');
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect((await s.req('/api/close', { method: 'POST', cookie: a.cookie, body: '{}', headers: { 'content-type': type } })).status, type).toBe(415);
    }
    s.advance(10_000);
    expect(await s.check(a.token)).toBe(200);
    expect((await s.req('/api/close', { method: 'POST', cookie: a.cookie, body: '', headers: { 'content-type': 'text/plain;charset=UTF-8' } })).status).toBe(204);
    expect((await s.req('/api/close', { method: 'POST', cookie: a.cookie })).status).toBe(204);
  });

  it('`origins` names the app\'s origins when the request cannot (a proxy rewrites Host)', async () => {
    const s = setup({ origins: ['https://app.example'] });
    expect((await s.login('admin', 'demo', { origin: 'https://app.example' })).res.status).toBe(200);
    expect((await s.login('admin', 'demo', { origin: ORIGIN })).res.status).toBe(403);
  });

  it('behind a trusted proxy the app\'s origin is https (X-Forwarded-Proto); an untrusted header changes nothing', async () => {
    const https = { origin: 'https://localhost', headers: { 'x-forwarded-proto': 'https' } };
    expect((await setup({ trustProxy: true }).login('admin', 'demo', https)).res.status).toBe(200);
    expect((await setup().login('admin', 'demo', https)).res.status).toBe(403);
  });
});

describe('the close beacon needs the session\'s own cookie', () => {
  it('a sid in the query or the body (text, JSON, form) without the cookie closes nothing', async () => {
    const s = setup();
    const a = await s.login('editor');
    const sid = claimsOf(a.token).sid as string;
    for (const [query, body] of [[`?sid=${sid}`, ''], ['', sid], ['', JSON.stringify({ sid })], ['', `sid=${sid}`]] as const) {
      expect((await s.req(`/api/close${query}`, { method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } })).status).toBe(204);
    }
    s.advance(10_000);
    expect(await s.check(a.token)).toBe(200);
  });

  it('a replayed old cookie value closes nothing; the current one does', async () => {
    const s = setup();
    const a = await s.login('editor');
    const rotated = cookieOf(await s.refresh(a.cookie));
    s.advance(30_000);
    await s.req('/api/close', { method: 'POST', cookie: a.cookie });
    s.advance(10_000);
    expect(s.store.sweep()).toBe(0);
    await s.req('/api/close', { method: 'POST', cookie: rotated });
    s.advance(10_000);
    expect(s.store.sweep()).toBe(1);
  });
});

describe('login attempts are limited per username and per client address, with lock-out backoff', () => {
  it('300 wrong passwords, then the right one: locked out (429, Retry-After) and the password is not even tried', async () => {
    const s = setup();
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) statuses.add((await s.login('admin', `guess-${i}`)).res.status);
    expect([...statuses].sort()).toEqual([401, 429]);
    const right = await s.login('admin');
    expect(right.res.status).toBe(429);
    expect(Number(right.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(right.cookie).toBe('');
    expect(s.store.sessions.size).toBe(0);
  });

  it('5 free failures, then 30 s, 60 s, 120 s … up to 15 minutes; after the lock the right password works and the count starts over', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) expect((await s.login('editor', 'wrong')).res.status).toBe(401);
    expect((await s.login('editor', 'wrong')).res.status).toBe(401); // the 6th failure starts the lock-out
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) {
      const locked = await s.login('editor', 'wrong');
      expect(locked.res.status).toBe(429);
      const seconds = Number(locked.res.headers.get('retry-after'));
      locks.push(seconds);
      s.advance(seconds * 1000 - 1);
      expect((await s.login('editor', 'wrong')).res.status).toBe(429);
      s.advance(1);
      expect((await s.login('editor', 'wrong')).res.status).toBe(401); // tried, failed, locked again for twice as long
    }
    expect(locks).toEqual([30, 60, 120, 240, 480, 900, 900]);
    s.advance(900_000);
    expect((await s.login('editor')).res.status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await s.login('editor', 'wrong')).res.status).toBe(401);
  });

  it('the limit applies to the username whatever its case, and to unknown usernames alike (no enumeration)', async () => {
    const s = setup();
    for (const [i, name] of ['Admin', 'ADMIN', 'admin', 'aDmin', 'admiN', 'AdMiN'].entries()) await s.login(name, 'wrong', { address: `10.0.0.${i}` });
    expect((await s.login('admin', 'demo', { address: '10.9.9.9' })).res.status).toBe(429);
    for (let i = 0; i < 6; i++) await s.login('nobody', 'wrong', { address: `10.1.0.${i}` });
    expect((await s.login('nobody', 'wrong', { address: '10.2.0.1' })).res.status).toBe(429);
  });

  it('one address guessing many usernames is locked out after 20 failures, other addresses are not; its own sign-in does not reset it', async () => {
    const s = setup();
    const attacker = '203.0.113.7';
    for (let i = 0; i < 19; i++) expect((await s.login(`user${i}`, 'wrong', { address: attacker })).res.status).toBe(401);
    expect((await s.login('viewer', 'demo', { address: attacker })).res.status).toBe(200); // the attacker's own account
    expect((await s.login('user19', 'wrong', { address: attacker })).res.status).toBe(401);
    expect((await s.login('user20', 'wrong', { address: attacker })).res.status).toBe(401); // the 21st failure locks
    expect((await s.login('viewer', 'demo', { address: attacker })).res.status).toBe(429);
    expect((await s.login('viewer', 'demo', { address: '198.51.100.1' })).res.status).toBe(200);
  });

  it('X-Forwarded-For names the client only behind a trusted proxy, and only the entry the proxy added', async () => {
    const guess = (s: ReturnType<typeof setup>, i: number, xff: string) => s.login(`user${i}`, 'wrong', { address: '10.0.0.1', headers: { 'x-forwarded-for': xff } });
    // Untrusted: a made-up header per request does not escape the socket address's limit.
    const direct = setup();
    for (let i = 0; i < 21; i++) await guess(direct, i, `198.51.100.${i}`);
    expect((await direct.login('viewer', 'demo', { address: '10.0.0.1', headers: { 'x-forwarded-for': '192.0.2.1' } })).res.status).toBe(429);
    // Behind one proxy: the client may prepend anything; the proxy's entry (the rightmost) is the address.
    const proxied = setup({ trustProxy: 1 });
    for (let i = 0; i < 21; i++) await guess(proxied, i, `198.51.100.${i}, 203.0.113.7`);
    expect((await proxied.login('viewer', 'demo', { address: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } })).res.status).toBe(429);
    expect((await proxied.login('viewer', 'demo', { address: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.8' } })).res.status).toBe(200);
  });

  it('rejects a bad trustProxy', () => {
    expect(() => setup({ trustProxy: -1 })).toThrow(/trustProxy/);
    expect(() => setup({ trustProxy: 1.5 })).toThrow(/trustProxy/);
  });
});

describe('tokens carry and must match iss and aud', () => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

  it('issues iss and aud, and refuses a token with the same key but another issuer or audience, or none', async () => {
    const s = setup({ secret: SECRET });
    const a = await s.login('admin');
    const claims = claimsOf(a.token);
    expect(claims).toMatchObject({ iss: 'sessionwarden-demo', aud: 'sessionwarden-demo-api' });
    const { iss: _iss, aud: _aud, ...bare } = claims;
    for (const forged of [{ ...claims, aud: 'billing-api' }, { ...claims, iss: 'another-service' }, bare, { ...bare, iss: claims.iss }]) {
      const token = await sign(forged);
      expect((await s.req('/api/users', { token })).status, JSON.stringify(forged)).toBe(401);
      expect(await s.check(token)).toBe(401);
    }
    expect((await s.req('/api/users', { token: await sign(claims) })).status).toBe(200);
  });

  it('takes its own issuer and audience', async () => {
    const s = setup({ issuer: 'https://auth.example', audience: 'https://api.example' });
    const a = await s.login('viewer');
    expect(claimsOf(a.token)).toMatchObject({ iss: 'https://auth.example', aud: 'https://api.example' });
    expect(await s.check(a.token)).toBe(200);
  });
});

describe('cookie tossing: a page on another port or subdomain plants a refresh cookie', () => {
  afterEach(() => vi.unstubAllEnvs());
  const HOST = '__Host-sw_refresh';
  const cleared = (res: Response) => res.headers.getSetCookie().filter((header) => header.startsWith(`${HOST}=; Max-Age=0;`));

  it('the cookie is __Host-, Secure, Path=/, no Domain, on plain http too and outside production', async () => {
    for (const s of [setup(), setup({ trustProxy: true })]) {
      const header = (await s.login('viewer')).res.headers.getSetCookie()[0]!;
      expect(header).toMatch(/^__Host-sw_refresh=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    }
  });

  it("two refresh cookies (the attacker's beside the victim's, in either order): refresh, stream and beacon are refused and both cookies cleared, the partitioned copy too", async () => {
    const s = setup();
    const victim = await s.login('editor');
    const attacker = await s.login('viewer', 'demo', { address: '203.0.113.7' });
    for (const cookie of [`${attacker.cookie}; ${victim.cookie}`, `${victim.cookie}; ${attacker.cookie}`]) {
      const refresh = await s.refresh(cookie);
      expect(refresh.status, cookie).toBe(401); // today: the first one wins, and the victim is signed in as the attacker
      expect(await refresh.json()).not.toHaveProperty('token');
      expect(cleared(refresh)).toEqual([`${HOST}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure`, `${HOST}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure; Partitioned`]);
      const stream = await s.req('/api/events', { cookie, origin: null });
      expect(stream.status).toBe(401);
      expect(cleared(stream)).toHaveLength(2);
      const beacon = await s.req('/api/close', { method: 'POST', cookie });
      expect(beacon.status).toBe(204);
      expect(cleared(beacon)).toHaveLength(2);
      const logout = await s.req('/api/logout', { method: 'POST', cookie });
      expect(cleared(logout)).toHaveLength(2);
    }
    s.advance(10_000); // past closeGrace: the beacons closed nothing, the logouts ended nothing
    expect(await s.check(victim.token)).toBe(200);
    expect(await s.check(attacker.token)).toBe(200);
  });

  it('a sign-in with two cookies ends neither session, clears both and sets its own', async () => {
    const s = setup();
    const victim = await s.login('editor');
    const attacker = await s.login('viewer', 'demo', { address: '203.0.113.7' });
    const again = await s.login('editor', 'demo', { cookie: `${attacker.cookie}; ${victim.cookie}` });
    expect(again.res.status).toBe(200);
    const headers = again.res.headers.getSetCookie();
    expect(headers.slice(0, 2).every((header) => header.startsWith(`${HOST}=; Max-Age=0;`))).toBe(true);
    expect(headers[2]).toMatch(/^__Host-sw_refresh=[\w-]+;/); // last: the browser keeps this one
    expect(await s.check(victim.token)).toBe(200);
    expect(await s.check(attacker.token)).toBe(200);
  });

  it('a cookie of another name (the old sw_refresh, which a page on another port could write for any path) is not the refresh cookie', async () => {
    const s = setup();
    const attacker = await s.login('viewer');
    const value = attacker.cookie.split('=')[1];
    expect((await s.refresh(`sw_refresh=${value}`)).status).toBe(401);
    expect((await s.req('/api/events', { cookie: `sw_refresh=${value}`, origin: null })).status).toBe(401);
    expect((await s.refresh(`__Secure-sw_refresh=${value}`)).status).toBe(401);
    expect((await s.refresh(`__Host-sw_refresh=${value}`)).status).toBe(200);
  });

  it('a 401 clears the cookie with the attributes it was set with (else the browser keeps it)', async () => {
    const s = setup();
    const res = await s.refresh(`${HOST}=made-up`);
    expect(res.status).toBe(401);
    expect(cleared(res)[0]).toBe(`${HOST}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure`);
  });

  it('devCookie, for Safari and WebKitGTK on http://localhost: sw_refresh without Secure, Path=/; doubled, refused and cleared on every path; refused in production', async () => {
    const s = setup({ devCookie: true });
    const a = await s.login('viewer');
    expect(a.res.headers.getSetCookie()[0]).toMatch(/^sw_refresh=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await s.refresh(a.cookie)).status).toBe(200);
    const doubled = await s.refresh(`sw_refresh=old-path-api-copy; ${a.cookie}`);
    expect(doubled.status).toBe(401);
    expect(doubled.headers.getSetCookie()).toEqual(['/', '/api', '/api/refresh'].map((path) => `sw_refresh=; Max-Age=0; Path=${path}; HttpOnly; SameSite=Strict`));
    vi.stubEnv('NODE_ENV', 'production');
    expect(() => setup({ devCookie: true })).toThrow(/devCookie.*production/);
  });
});

describe('security headers', () => {
  it('every answer forbids framing and sniffing and carries a same-origin Content-Security-Policy', async () => {
    const s = setup();
    for (const res of [await s.req('/api/session'), (await s.login('viewer')).res, await s.req('/api/nothing')]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull(); // not over http
    }
  });

  it('HSTS over https only', async () => {
    const res = await setup({ trustProxy: true }).req('/api/session', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    // The Secure cookie (always, on http too) does not make the answer https.
    expect((await setup().req('/api/session')).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('logout ends the session it is told, and no other', () => {
  it('a tab\'s logout with its own token after another tab signed in as someone else leaves the new session and its cookie alone', async () => {
    const s = setup();
    const editor = await s.login('editor');
    const admin = await s.login('admin', 'demo', { cookie: editor.cookie }); // the second tab, same browser
    // The first tab's 'expired' handler: its own token, and the browser's cookie, which is now the admin's.
    const out = await s.req('/api/logout', { method: 'POST', token: editor.token, cookie: admin.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()).toEqual([]);
    expect(await s.check(editor.token)).toBe(401);
    expect(await s.check(admin.token)).toBe(200);
    expect((await s.refresh(admin.cookie)).status).toBe(200);
  });

  it('an expired token still ends its own session', async () => {
    const s = setup();
    const a = await s.login('viewer');
    s.advance(6 * MIN); // past exp, within serverIdle
    expect((await s.req('/api/logout', { method: 'POST', token: a.token })).status).toBe(204);
    expect((await s.refresh(a.cookie)).status).toBe(401);
  });

  it('a tampered token ends nothing, not even the cookie\'s session', async () => {
    const s = setup();
    const a = await s.login('viewer');
    expect((await s.req('/api/logout', { method: 'POST', token: `${a.token}x`, cookie: a.cookie })).status).toBe(204);
    expect(await s.check(a.token)).toBe(200);
  });
});

describe('"Remember me"', () => {
  const attributes = (res: Response) => res.headers.getSetCookie()[0] ?? '';

  it('unchecked (the default): a session cookie, which the browser drops when it quits', async () => {
    const s = setup();
    for (const extra of [{}, { remember: false }, { remember: 'yes' }, { remember: 1 }]) {
      const res = await s.req('/api/login', { method: 'POST', json: { username: 'viewer', password: 'demo', ...extra } });
      expect(attributes(res)).toMatch(/^__Host-sw_refresh=/);
      expect(attributes(res)).not.toMatch(/Max-Age|Expires/i);
      expect(await res.json()).toMatchObject({ remember: false });
    }
  });

  it('checked: a persistent cookie of bounded lifetime (30 days), counted down at each rotation', async () => {
    const s = setup();
    const a = await s.login('viewer', 'demo', { remember: true });
    expect(a.remember).toBe(true);
    expect(attributes(a.res)).toMatch(/; Max-Age=2592000(;|$)/);
    s.advance(5 * MIN);
    expect(attributes(await s.refresh(a.cookie))).toMatch(/; Max-Age=2591700(;|$)/);
  });

  it('a remembered session still ends with inactivity, revocation, logout and at its absolute end', async () => {
    const s = setup({ tokenTtl: 60 * MIN });
    const idle = await s.login('viewer', 'demo', { remember: true });
    s.advance(10 * MIN);
    expect((await s.refresh(idle.cookie)).status).toBe(401);

    const revoked = await s.login('editor', 'demo', { remember: true });
    const admin = await s.login('admin');
    await s.req('/api/admin/revoke', { method: 'POST', token: admin.token, json: { username: 'editor' } });
    expect((await s.refresh(revoked.cookie)).status).toBe(401);

    const lasting = setup({ rememberFor: 30 * MIN });
    let cookie = (await lasting.login('viewer', 'demo', { remember: true })).cookie;
    for (let t = 0; t < 25 * MIN; t += 5 * MIN) {
      lasting.advance(5 * MIN);
      const res = await lasting.refresh(cookie);
      expect(res.status).toBe(200);
      cookie = cookieOf(res);
    }
    lasting.advance(5 * MIN); // 30 minutes since sign-in, however active
    expect((await lasting.refresh(cookie)).status).toBe(401);
  });

  it('a session without it ends after sessionMaxAge (12 hours by default), however active', async () => {
    const s = setup();
    let cookie = (await s.login('viewer')).cookie;
    for (let t = 0; t < 12 * 60 * MIN - 4 * MIN; t += 4 * MIN) {
      s.advance(4 * MIN);
      const res = await s.refresh(cookie);
      expect(res.status).toBe(200);
      cookie = cookieOf(res);
    }
    s.advance(4 * MIN);
    expect((await s.refresh(cookie)).status).toBe(401);
  });
});
