import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { serveStatic } from '@hono/node-server/serve-static';
import { SignJWT, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { USERS, allows, type Permission } from './users';
import { createStore, randomId, type ServerSession } from './store';

/** Options of {@link createApp}; all durations in milliseconds. */
export interface ServerOptions {
  /** HS256 secret; a random one per start by default. */
  secret?: Uint8Array;
  /** JWT lifetime. Default 5 minutes. */
  tokenTtl?: number;
  /** Sliding server-side idle expiry; must exceed the client's idleTimeout + refresh lead. Default 10 minutes. */
  serverIdle?: number;
  /** How long after a close beacon the session survives without a request. Default 10 s. */
  closeGrace?: number;
  now?: () => number;
  /** A built SPA to serve at `/`. */
  staticDir?: string;
}

type Env = { Variables: { session: ServerSession; roles: string[] } };
const REFRESH_COOKIE = 'sw_refresh';

/** The demo API: login, refresh, the check endpoint, logout, the close beacon and role-gated routes. */
export function createApp(options: ServerOptions = {}) {
  const { tokenTtl = 5 * 60_000, serverIdle = 10 * 60_000, closeGrace = 10_000, now = Date.now } = options;
  const secret = options.secret ?? randomBytes(32);
  const store = createStore(now, serverIdle, closeGrace);
  const posts = new Map([[1, 'Welcome to the demo'], [2, 'Sessions end when you stop working']].map(([id, title]) => [id as number, { id, title }]));
  const app = new Hono<Env>();

  const issue = async (c: Context, session: ServerSession) => {
    const user = USERS[session.username]!;
    const iat = Math.floor(now() / 1000);
    const token = await new SignJWT({ sid: session.id, roles: user.roles, name: user.name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(session.username)
      .setIssuedAt(iat)
      .setExpirationTime(iat + Math.round(tokenTtl / 1000))
      .sign(secret);
    setCookie(c, REFRESH_COOKIE, session.refresh, { httpOnly: true, sameSite: 'Strict', path: '/api' });
    return token;
  };

  /** The session behind a valid bearer token, or undefined (bad signature, expired, gone). */
  const verify = async (c: Context): Promise<{ session: ServerSession; roles: string[] } | undefined> => {
    const token = c.req.header('authorization')?.match(/^Bearer (.+)$/)?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(now()) });
      const session = store.get(payload.sid as string);
      return session && { session, roles: payload.roles as string[] };
    } catch {
      return undefined;
    }
  };

  /** Verifies the token and, when given, the permission: 401 for the session, 403 for the role. */
  const guard = (permission?: Permission): MiddlewareHandler<Env> => async (c, next) => {
    const found = await verify(c);
    if (!found) return c.json({ error: 'unauthorized' }, 401);
    if (permission && !allows(found.roles, permission)) return c.json({ error: 'forbidden', needs: permission }, 403);
    store.touch(found.session);
    c.set('session', found.session);
    c.set('roles', found.roles);
    await next();
  };

  app.post('/api/login', async (c) => {
    const { username, password } = await c.req.json().catch(() => ({}) as Record<string, unknown>);
    const user = typeof username === 'string' ? USERS[username] : undefined;
    if (!user || user.password !== password) return c.json({ error: 'wrong username or password' }, 401);
    const session = store.create(username as string);
    return c.json({ token: await issue(c, session), user: { name: user.name, roles: user.roles } });
  });

  app.post('/api/refresh', async (c) => {
    const { session, reused } = store.byRefresh(getCookie(c, REFRESH_COOKIE));
    if (reused && session) store.delete(session.id); // a stolen refresh value was replayed: end it all
    if (!session || reused) return c.json({ error: 'unauthorized' }, 401);
    session.usedRefresh.add(session.refresh);
    session.refresh = randomId();
    store.touch(session); // the client refreshes only while the user is active
    return c.json({ token: await issue(c, session) });
  });

  // The client's backup check: alive or not. Not user activity, so it does not slide the idle window.
  app.get('/api/session', async (c) => {
    const found = await verify(c);
    if (!found) return c.json({ active: false }, 401);
    found.session.closingAt = undefined; // a page of this session is still there
    return c.json({ active: true, serverTime: now() });
  });

  app.post('/api/logout', async (c) => {
    const session = (await verify(c))?.session ?? store.byRefresh(getCookie(c, REFRESH_COOKIE)).session;
    if (session) store.delete(session.id);
    deleteCookie(c, REFRESH_COOKIE, { path: '/api' });
    return c.body(null, 204);
  });

  // navigator.sendBeacon from the last closing tab: no Authorization header, so the cookie says who.
  app.post('/api/close', (c) => {
    const { session } = store.byRefresh(getCookie(c, REFRESH_COOKIE));
    if (session) session.closingAt = now();
    return c.body(null, 204);
  });

  app.get('/api/posts', guard('posts:read'), (c) => c.json([...posts.values()]));
  app.put('/api/posts/:id', guard('posts:edit'), async (c) => {
    const post = posts.get(Number(c.req.param('id')));
    if (!post) return c.json({ error: 'not found' }, 404);
    const { title } = await c.req.json().catch(() => ({ title: undefined }));
    if (typeof title === 'string' && title.trim()) post.title = title.trim().slice(0, 200);
    return c.json(post);
  });
  app.delete('/api/posts/:id', guard('posts:delete'), (c) => c.json({ deleted: posts.delete(Number(c.req.param('id'))) }));
  app.get('/api/users', guard('users:read'), (c) =>
    c.json(Object.entries(USERS).map(([username, u]) => ({ username, name: u.name, roles: u.roles, sessions: [...store.sessions.values()].filter((s) => s.username === username).length }))));
  app.post('/api/admin/revoke', guard('users:revoke'), async (c) => {
    const { username } = await c.req.json().catch(() => ({ username: undefined }));
    if (typeof username !== 'string' || !USERS[username]) return c.json({ error: 'unknown user' }, 400);
    return c.json({ revoked: store.revokeUser(username) });
  });
  app.all('/api/*', (c) => c.json({ error: 'not found' }, 404));

  const dir = options.staticDir;
  if (dir && existsSync(join(dir, 'index.html'))) {
    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: dir }));
    app.get('*', (c) => c.html(index)); // the SPA's own routes
  }
  return { app, store };
}
