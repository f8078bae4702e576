// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { MIN, claimsOf, cookieOf, setup } from './helpers';

describe('example server: sliding idle expiry', () => {
  it('the check does not slide the idle window; a request does', async () => {
    const { req, login, check, advance } = setup({ tokenTtl: 60 * MIN }); // so that only the server session decides
    const idle = await login('viewer');
    const used = await login('editor');
    advance(4 * MIN);
    expect(await check(idle.token)).toBe(200); // not use
    expect((await req('/api/posts', { token: used.token })).status).toBe(200); // use: slides to 14 min
    advance(6 * MIN); // 10 min since login, 6 since the last use
    expect(await check(idle.token)).toBe(401);
    expect(await check(used.token)).toBe(200);
  });

  it('a session unseen for serverIdle is gone (check 401, refresh 401); a minute earlier it is not', async () => {
    const { login, check, refresh, advance } = setup();
    const a = await login('viewer');
    advance(9 * MIN);
    const res = await refresh(a.cookie); // refreshes only while the user is active: counts as use
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    advance(10 * MIN - 1);
    expect(await check(token)).toBe(401); // the JWT ran out long ago: 401 either way
    expect((await refresh(cookieOf(res))).status).toBe(200); // but the server session was alive
  });

  it('idle sessions are deleted lazily on access and by sweep(), with no timer per session', async () => {
    const { login, refresh, advance, store } = setup();
    const a = await login('viewer');
    await login('editor');
    advance(10 * MIN);
    expect(store.sessions.size).toBe(2); // nothing has looked yet
    expect((await refresh(a.cookie)).status).toBe(401);
    expect(store.sessions.size).toBe(1); // dropped on access
    expect(store.sweep()).toBe(1);
    expect(store.sessions.size).toBe(0);
  });
});

describe('example server: refresh cookie rotation', () => {
  it('rotates the cookie on each refresh and issues a token for the same session', async () => {
    const { req, login, refresh, advance } = setup();
    const a = await login('editor');
    advance(4 * MIN);
    const first = await refresh(a.cookie);
    expect(first.status).toBe(200);
    const rotated = cookieOf(first);
    expect(rotated).toMatch(/^__Host-sw_refresh=/);
    expect(rotated).not.toBe(a.cookie);
    const { token } = (await first.json()) as { token: string };
    expect(claimsOf(token)).toMatchObject({ sid: claimsOf(a.token).sid, sub: 'editor', iat: claimsOf(a.token).iat as number + 240 });
    expect((await req('/api/posts', { token })).status).toBe(200);
    const second = await refresh(rotated);
    expect(second.status).toBe(200);
    expect(cookieOf(second)).not.toBe(rotated);
  });

  it('a replayed old value (after the rotation grace) revokes the whole session, and the current value stops working too', async () => {
    const { login, refresh, check, advance } = setup();
    const a = await login('editor');
    const first = await refresh(a.cookie);
    const { token } = (await first.json()) as { token: string };
    advance(30_000);
    const replay = await refresh(a.cookie);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: expect.stringMatching(/reused/) });
    expect(await check(token)).toBe(401);
    expect((await refresh(cookieOf(first))).status).toBe(401);
  });

  it('answers 401 without a cookie or with an unknown one', async () => {
    const { refresh, req } = setup();
    expect((await req('/api/refresh', { method: 'POST' })).status).toBe(401);
    expect((await refresh('__Host-sw_refresh=made-up')).status).toBe(401);
  });
});

describe('example server: the close beacon', () => {
  const beacon = (s: ReturnType<typeof setup>, init: { cookie?: string; body?: string; query?: string } = {}) =>
    s.req(`/api/close${init.query ?? ''}`, { method: 'POST', cookie: init.cookie, body: init.body ?? '', headers: { 'content-type': 'text/plain;charset=UTF-8' } });

  it('no request within closeGrace after the beacon: the session is gone', async () => {
    const s = setup();
    const a = await s.login('viewer');
    expect((await beacon(s, { cookie: a.cookie })).status).toBe(204);
    s.advance(9_999);
    expect(s.store.sweep()).toBe(0);
    s.advance(1);
    expect(await s.check(a.token)).toBe(401);
    expect((await s.refresh(a.cookie)).status).toBe(401);
  });

  it.each([
    ['an API request', (s: ReturnType<typeof setup>, a: { token: string }) => s.req('/api/posts', { token: a.token })],
    ['a refresh', (s: ReturnType<typeof setup>, a: { cookie: string }) => s.refresh(a.cookie)],
    ['a check', (s: ReturnType<typeof setup>, a: { token: string }) => s.req('/api/session', { token: a.token })],
  ])('%s within closeGrace (a reload) keeps the session', async (_, request) => {
    const s = setup();
    const a = await s.login('viewer');
    await beacon(s, { cookie: a.cookie });
    s.advance(9_000);
    expect((await request(s, a)).status).toBe(200);
    s.advance(60_000);
    expect(s.store.sweep()).toBe(0);
    expect(s.store.sessions.size).toBe(1);
  });

  it('the beacon is not use: it does not slide the idle window', async () => {
    const s = setup({ tokenTtl: 60 * MIN });
    const a = await s.login('viewer');
    s.advance(9 * MIN);
    await beacon(s, { cookie: a.cookie });
    s.advance(5_000);
    expect(await s.check(a.token)).toBe(200); // clears the close, not the idle clock
    s.advance(MIN - 5_000);
    expect(await s.check(a.token)).toBe(401);
  });
});
