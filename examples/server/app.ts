import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { serveStatic } from '@hono/node-server/serve-static';
import { SignJWT, jwtVerify } from 'jose';
import { USERS, allows, authenticate, type Permission } from './users';
import { createStore, type ServerSession, type Store } from './store';

/** Options of {@link createApp}; all durations in milliseconds, all times epoch ms. */
export interface ServerOptions {
  /** HS256 key, at least 32 bytes (a string is taken as UTF-8). Default: random per start, so a restart signs everyone out. */
  secret?: Uint8Array | string;
  /** JWT lifetime. Default 5 minutes: short, because the client refreshes it while the user is active. */
  tokenTtl?: number;
  /** Sliding server-side idle expiry. Keep it above the client's `idleTimeout` + `refreshBefore`, so the client ends first. Default 10 minutes. */
  serverIdle?: number;
  /** How long a session survives the close beacon without a request (the client's `closeGrace`). Default 10 s. */
  closeGrace?: number;
  /** The clock; tests inject one to move time without sleeping. Default `Date.now`. */
  now?: () => number;
  /** A built SPA served at `/` (with an `index.html` fallback); `false` for none. Default `examples/app/dist` if it was built. */
  staticDir?: string | false;
}

type Env = { Variables: { session: ServerSession } };

/** The refresh cookie: opaque, HttpOnly, SameSite=Strict, sent to `/api` only; it rotates on each refresh. */
export const REFRESH_COOKIE = 'sw_refresh';

const positive = (name: string, value: number) => {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`createApp: \`${name}\` must be a positive number of milliseconds`);
  return value;
};

/** The demo API (login, refresh, check, logout, close beacon, role-gated routes) and, optionally, the built app. */
export function createApp(options: ServerOptions = {}): { app: Hono<Env>; store: Store } {
  const tokenTtl = positive('tokenTtl', options.tokenTtl ?? 5 * 60_000);
  const serverIdle = positive('serverIdle', options.serverIdle ?? 10 * 60_000);
  const closeGrace = positive('closeGrace', options.closeGrace ?? 10_000);
  const now = options.now ?? Date.now;
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : (options.secret ?? randomBytes(32));
  if (secret.byteLength < 32) throw new RangeError('createApp: `secret` must have at least 32 bytes for HS256');
  const store = createStore(now, serverIdle, closeGrace);
  const posts = new Map([
    [1, { id: 1, title: 'Welcome to the demo' }],
    [2, { id: 2, title: 'Sessions end when you stop working' }],
    [3, { id: 3, title: 'Only admins may delete posts' }],
  ]);
  const app = new Hono<Env>();

  const setRefreshCookie = (c: Context, value: string) =>
    setCookie(c, REFRESH_COOKIE, value, { httpOnly: true, sameSite: 'Strict', path: '/api', secure: new URL(c.req.url).protocol === 'https:' });

  /** A short-lived JWT for the session; `iat`/`exp` come from the injected clock, so tests can expire it. */
  const sign = (session: ServerSession) => {
    const user = USERS[session.username]!;
    const iat = Math.floor(now() / 1000);
    return new SignJWT({ sid: session.id, roles: [...user.roles], name: user.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(session.username)
      .setIssuedAt(iat)
      .setExpirationTime(iat + Math.max(1, Math.round(tokenTtl / 1000)))
      .sign(secret);
  };

  /** The live session behind the request's bearer token: undefined for none, tampered, expired, or a session that is gone. */
  const bearerSession = async (c: Context): Promise<ServerSession | undefined> => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(now()), requiredClaims: ['sub', 'sid', 'exp'] });
      const session = store.get(payload.sid);
      return session?.username === payload.sub ? session : undefined;
    } catch {
      return undefined; // never log the token, nor jose's error about it
    }
  };

  const unauthorized = (c: Context) => {
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return c.json({ error: 'unauthorized' }, 401);
  };

  /**
   * Every protected route: 401 unless the token and its server session are valid, then 403 unless a
   * role of the user grants `permission`. Roles are read from the server's user record, not from the
   * token, so a role change applies at once. Any authenticated request is use: it slides the idle
   * window and cancels a pending close (a reloaded page calls the API within the grace).
   */
  const guard = (permission: Permission): MiddlewareHandler<Env> => async (c, next) => {
    const session = await bearerSession(c);
    if (!session) return unauthorized(c);
    store.touch(session);
    if (!allows(USERS[session.username]?.roles ?? [], permission)) return c.json({ error: 'forbidden', needs: permission }, 403);
    c.set('session', session);
    await next();
  };

  const jsonBody = (c: Context): Promise<Record<string, unknown>> =>
    c.req.json().then((body: unknown) => (body && typeof body === 'object' ? (body as Record<string, unknown>) : {}), () => ({}));

  // Session answers must never be cached by the browser or a proxy.
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.post('/api/login', async (c) => {
    const { username, password } = await jsonBody(c);
    const user = authenticate(username, password);
    if (!user) return c.json({ error: 'wrong username or password' }, 401);
    // Signing in again in the same browser replaces that browser's previous session.
    const previous = store.byRefresh(getCookie(c, REFRESH_COOKIE));
    if (previous) store.delete(previous.session);
    const session = store.create(user.username);
    setRefreshCookie(c, session.refreshes.at(-1)!);
    return c.json({ token: await sign(session), user: { name: user.name, roles: user.roles } });
  });

  app.post('/api/refresh', async (c) => {
    const found = store.byRefresh(getCookie(c, REFRESH_COOKIE));
    if (!found?.current) {
      // A rotated-out value presented again was copied (the browser only holds the newest): end the session.
      if (found) store.delete(found.session);
      deleteCookie(c, REFRESH_COOKIE, { path: '/api' });
      return c.json({ error: found ? 'refresh token reused; session revoked' : 'unauthorized' }, 401);
    }
    store.touch(found.session); // the client refreshes only while the user is active
    setRefreshCookie(c, store.rotate(found.session));
    return c.json({ token: await sign(found.session) });
  });

  // The client's check.url: is the session still there? Not use, so it does not slide the idle window
  // (an idle user's open tab would otherwise keep the session forever); it does prove a page is there.
  app.get('/api/session', async (c) => {
    const session = await bearerSession(c);
    if (!session) return c.json({ active: false }, 401);
    store.alive(session);
    // expiresAt: when the server drops the session if the user does nothing (the client only uses it without a JWT exp).
    return c.json({ active: true, serverTime: now(), expiresAt: store.endsAt(session) });
  });

  app.post('/api/logout', async (c) => {
    const session = (await bearerSession(c)) ?? store.byRefresh(getCookie(c, REFRESH_COOKIE))?.session;
    if (session) store.delete(session);
    deleteCookie(c, REFRESH_COOKIE, { path: '/api' });
    return c.body(null, 204);
  });

  // navigator.sendBeacon from the closing tab: it sends cookies but no Authorization header, and its
  // body, if any, is text/plain, JSON or a form. The cookie says which session; a `sid` (query or body)
  // serves clients without the cookie. The answer is the same whether or not a session was found.
  app.post('/api/close', async (c) => {
    const session = store.byRefresh(getCookie(c, REFRESH_COOKIE))?.session ?? store.get(c.req.query('sid') ?? sidOf(await c.req.text().catch(() => '')));
    if (session) store.markClosing(session);
    return c.body(null, 204);
  });

  app.get('/api/posts', guard('posts:read'), (c) => c.json([...posts.values()]));
  app.put('/api/posts/:id', guard('posts:edit'), async (c) => {
    const post = posts.get(Number(c.req.param('id')));
    if (!post) return c.json({ error: 'not found' }, 404);
    const { title } = await jsonBody(c);
    // Lenient on purpose: a body without a title is a no-op edit (the e2e test checks the permission with `{}`).
    if (typeof title === 'string' && title.trim()) post.title = title.trim().slice(0, 200);
    return c.json(post);
  });
  app.delete('/api/posts/:id', guard('posts:delete'), (c) => {
    const id = Number(c.req.param('id'));
    return posts.delete(id) ? c.json({ deleted: id }) : c.json({ error: 'not found' }, 404);
  });
  app.get('/api/users', guard('users:read'), (c) => {
    store.sweep(); // count live sessions only
    const live = [...store.sessions.values()];
    return c.json(Object.entries(USERS).map(([username, u]) => ({ username, name: u.name, roles: u.roles, sessions: live.filter((s) => s.username === username).length })));
  });
  app.post('/api/admin/revoke', guard('users:revoke'), async (c) => {
    const { username } = await jsonBody(c);
    if (typeof username !== 'string' || !Object.hasOwn(USERS, username)) return c.json({ error: 'unknown user' }, 400);
    return c.json({ revoked: store.revokeUser(username) });
  });
  app.all('/api/*', (c) => c.json({ error: 'not found' }, 404));

  const root = staticRoot(options.staticDir);
  if (root) {
    app.use('*', serveStatic({ root }));
    // The SPA's own routes (/dashboard, …) get index.html; a missing file (/assets/x.js) stays a 404.
    app.get('*', async (c) => {
      if (/\.[a-z0-9]+$/i.test(c.req.path)) return c.notFound();
      c.header('Cache-Control', 'no-cache');
      return c.html(await readFile(join(root, 'index.html'), 'utf8'));
    });
  }

  app.onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path}: ${error.name}`); // no message: it could quote a header
    return c.json({ error: 'internal error' }, 500);
  });
  return { app, store };
}

/** A `sid` from a beacon body: `{"sid":"…"}`, `sid=…`, or the bare id. */
function sidOf(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { sid?: unknown }).sid === 'string' ? (parsed as { sid: string }).sid : undefined;
  } catch {
    return text.includes('=') ? (new URLSearchParams(text).get('sid') ?? undefined) : text;
  }
}

/** The directory to serve: the given one, or the built demo app next to this file or under the working directory. */
function staticRoot(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  const candidates = option !== undefined ? [resolve(option)] : [fileURLToPath(new URL('../app/dist', import.meta.url)), resolve('examples/app/dist')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found && option !== undefined) console.warn(`createApp: no index.html in ${candidates[0]}; serving the API only`);
  return found;
}
