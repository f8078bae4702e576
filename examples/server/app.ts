import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { createLimiter, createRateLimiter, type Limiter, type RateLimiter } from './limiter';
import { USERS, authenticate } from './users';
import { createAuth, type AppEnv } from './auth';
import { refreshCookie } from './cookie';
import { serveBuiltApp } from './static';
import { createStore, type RefreshLookup, type ServerSession, type SessionStore, type Store, type StoreFactory } from './store';
import { hasType, requestInfo, sameOriginGet, sameOriginOnly, securityHeaders } from './security';
import { createEventHub, eventsRoute, type EventHub } from './events';
import type { ServerOptions } from './options';

export type { ServerOptions } from './options';
export { REFRESH_COOKIE } from './cookie';

const positive = (name: string, value: number) => {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`createApp: \`${name}\` must be a positive number of milliseconds`);
  return value;
};

/** The demo API (login, refresh, check, logout, close beacon, role-gated routes) and, optionally, the built app. */
export function createApp<S extends SessionStore = Store>(options: ServerOptions<S> = {}): { app: Hono<AppEnv>; store: S; limits: { users: Limiter; addresses: Limiter; signIns: RateLimiter }; events: EventHub } {
  const tokenTtl = positive('tokenTtl', options.tokenTtl ?? 5 * 60_000);
  const serverIdle = positive('serverIdle', options.serverIdle ?? 10 * 60_000);
  const closeGrace = positive('closeGrace', options.closeGrace ?? 10_000);
  const rotationGrace = positive('rotationGrace', options.rotationGrace ?? 30_000);
  const sessionMaxAge = positive('sessionMaxAge', options.sessionMaxAge ?? 12 * 3_600_000);
  const rememberFor = positive('rememberFor', options.rememberFor ?? 30 * 86_400_000);
  const { issuer = 'sessionwarden-demo', audience = 'sessionwarden-demo-api', trustProxy = false } = options;
  const proxies = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  if (!Number.isInteger(proxies) || proxies < 0) throw new RangeError('createApp: `trustProxy` must be a boolean or the number of proxies in front of the app');
  const sessionsPerUser = options.sessionsPerUser ?? 10;
  if (!Number.isInteger(sessionsPerUser) || sessionsPerUser < 1) throw new RangeError('createApp: `sessionsPerUser` must be a positive integer');
  if (options.devCookie && process.env.NODE_ENV === 'production') throw new Error('createApp: `devCookie` is for local http development only; it is refused with NODE_ENV=production');
  const cookie = refreshCookie(options.devCookie ?? false);
  const users = options.users ?? USERS;
  const now = options.now ?? Date.now;
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : (options.secret ?? randomBytes(32));
  if (secret.byteLength < 32) throw new RangeError('createApp: `secret` must have at least 32 bytes for HS256');
  // Each session that ends (here or, with a shared store, in another process) closes its event streams here.
  const store = ((options.store ?? createStore) as StoreFactory<S>)(now, { serverIdle, closeGrace, rotationGrace }, (id, replaced) => events.end(id, replaced));
  const events = createEventHub(store, now, options.events);
  store.onReconnect?.(() => void events.check()); // ends told while this process was cut off were missed
  const { sign, bearerSession, guard } = createAuth({ secret, issuer, audience, tokenTtl, serverIdle, now, store, users });
  const { perUser = 5, perAddress = 20, lockout = 30_000, maxLockout = 15 * 60_000, perMinute = 30 } = options.loginLimits ?? {};
  const limits = {
    users: createLimiter(now, { free: perUser, lockout, maxLockout }),
    addresses: createLimiter(now, { free: perAddress, lockout, maxLockout }),
    signIns: createRateLimiter(now, { perMinute: positive('loginLimits.perMinute', perMinute) }),
  };
  const posts = new Map([
    [1, { id: 1, title: 'Welcome to the demo' }],
    [2, { id: 2, title: 'Sessions end when you stop working' }],
    [3, { id: 3, title: 'Only admins may delete posts' }],
  ]);
  const app = new Hono<AppEnv>();

  const info = (c: Context) => requestInfo(c, proxies);

  /**
   * The session's current refresh value. A session cookie (no Max-Age: the browser drops it when it
   * quits) unless the user asked to be remembered; then it lasts until the session's absolute end.
   */
  const setRefreshCookie = (c: Context<AppEnv>, session: ServerSession) =>
    cookie.set(c, store.current(session), session.remember ? Math.max(1, Math.floor((session.expiresAt - now()) / 1000)) : undefined);
  /** The session of the request's refresh cookie; `'several'` when it carries two (one was tossed in: see cookie.ts). */
  const cookieSession = async (c: Context<AppEnv>): Promise<RefreshLookup | undefined | 'several'> => {
    const sent = cookie.read(c);
    if (sent.status === 'several') return 'several';
    return sent.status === 'one' ? await store.byRefresh(sent.value) : undefined;
  };
  const tooMany = (c: Context<AppEnv>, wait: number, error: string) => {
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return c.json({ error }, 429);
  };

  const jsonBody = (c: Context<AppEnv>): Promise<Record<string, unknown>> =>
    c.req.json().then((body: unknown) => (body && typeof body === 'object' ? (body as Record<string, unknown>) : {}), () => ({}));

  app.use('*', securityHeaders((c) => info(c).protocol === 'https:'));
  // Session answers must never be cached by the browser or a proxy.
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  // What a cookie authenticates (or sets) must come from the app's own pages: see security.ts.
  const csrf = sameOriginOnly((c) => options.origins ?? [info(c).origin]);
  for (const path of ['/api/login', '/api/refresh', '/api/logout', '/api/close']) app.post(path, csrf);

  app.post('/api/login', async (c) => {
    // JSON only: a cross-site form can post text/plain or a form encoding, never JSON without CORS.
    if (!hasType(c, 'application/json')) return c.json({ error: 'send application/json' }, 415);
    const { username, password, remember } = await jsonBody(c);
    const userKey = `user:${typeof username === 'string' ? username.toLowerCase() : ''}`;
    const addressKey = `address:${info(c).address}`;
    // Locked out: nothing is tried, not even the right password, so guessing costs time.
    const wait = Math.max(limits.users.retryIn(userKey), limits.addresses.retryIn(addressKey));
    if (wait > 0) return tooMany(c, wait, 'too many failed sign-ins; try again later');
    // Every attempt counts here, a success too (each one makes a session): no address signs in without end.
    const rate = limits.signIns.take(addressKey);
    if (rate > 0) return tooMany(c, rate, 'too many sign-ins from this address; try again later');
    const user = authenticate(username, password, users);
    if (!user) {
      limits.users.fail(userKey);
      limits.addresses.fail(addressKey);
      return c.json({ error: 'wrong username or password' }, 401);
    }
    // The user's count starts over; the address's does not (one account of the attacker's own must not reset it).
    limits.users.reset(userKey);
    // Signing in again in the same browser replaces that browser's previous session.
    const previous = await cookieSession(c);
    // Two cookies: which one is this browser's own is unknown, so neither session ends; both cookies go (the new one is set after).
    if (previous === 'several') cookie.clear(c);
    // Not a revocation: that browser's tabs carry on with the new session (or end the old user's, 'logout').
    else if (previous) await store.delete(previous.session, true);
    const lifetime = remember === true ? { remember: true, maxAge: rememberFor } : { remember: false, maxAge: sessionMaxAge };
    const session = await store.create(user.username, { ...lifetime, limit: sessionsPerUser });
    setRefreshCookie(c, session);
    return c.json({ token: await sign(session), user: { name: user.name, roles: user.roles }, remember: session.remember });
  });

  app.post('/api/refresh', async (c) => {
    const found = await cookieSession(c);
    if (found === 'several') {
      cookie.clear(c); // the browser's own and the tossed one: this browser signs in again
      return c.json({ error: 'two refresh cookies; both cleared' }, 401);
    }
    if (!found || found.status === 'reused') {
      // A value rotated out longer than rotationGrace ago was copied (the browser only holds the newest): end the session.
      if (found) await store.delete(found.session);
      cookie.clear(c);
      return c.json({ error: found ? 'refresh token reused; session revoked' : 'unauthorized' }, 401);
    }
    // The client refreshes only while the user is active: use. Within the grace, the previous value gets the
    // current one again (a second tab, a lost answer) without another rotation. Both at once: one round trip to a store.
    await Promise.all([store.touch(found.session), found.status === 'current' ? store.rotate(found.session) : undefined]);
    setRefreshCookie(c, found.session);
    return c.json({ token: await sign(found.session) });
  });

  // The client's check.url: is the session still there? Not use, so it does not slide the idle window
  // (an idle user's open tab would otherwise keep the session forever); it does prove a page is there.
  app.get('/api/session', async (c) => {
    const session = await bearerSession(c);
    if (!session) return c.json({ active: false }, 401);
    await store.alive(session);
    // expiresAt: when the server drops the session if the user does nothing (the client only uses it without a JWT exp).
    return c.json({ active: true, serverTime: now(), expiresAt: store.endsAt(session) });
  });

  // A bearer token, when sent, decides which session ends: the one it names (even expired), and no
  // other; the cookie is cleared only if it belongs to that session (another tab may have signed in
  // as someone else since). Without a token, the refresh cookie's session ends.
  app.post('/api/logout', async (c) => {
    const sent = await cookieSession(c);
    const found = sent === 'several' ? undefined : sent;
    const bearer = c.req.header('authorization') !== undefined;
    const session = bearer ? await bearerSession(c, { expiredToo: true }) : found?.session;
    if (session) await store.delete(session);
    if (!found || found.session === session) cookie.clear(c);
    return c.body(null, 204);
  });

  // navigator.sendBeacon from the closing tab: it sends cookies and Origin but no Authorization header,
  // and no body (or text/plain for a string). Only the session's own refresh cookie says which session:
  // nothing else (a `sid` is in every token, so anyone could name one). The answer is the same whether
  // or not a session was found.
  app.post('/api/close', async (c) => {
    if (!hasType(c, undefined, 'text/plain')) return c.json({ error: 'unsupported content type' }, 415);
    const found = await cookieSession(c);
    if (found === 'several') cookie.clear(c);
    else if (found && found.status !== 'reused') await store.markClosing(found.session);
    return c.body(null, 204);
  });

  // Sign-out pushed at once (the client's serverEvents()): cookie-authenticated, so from the app's own pages only.
  app.get('/api/events', sameOriginGet((c) => options.origins ?? [info(c).origin]), eventsRoute(store, events, cookie, (c) => info(c).address));

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
  app.get('/api/users', guard('users:read'), async (c) => {
    const counts = await Promise.all(Object.keys(users).map((username) => store.count(username))); // live sessions only
    return c.json(Object.entries(users).map(([username, u], i) => ({ username, name: u.name, roles: u.roles, sessions: counts[i] })));
  });
  app.post('/api/admin/revoke', guard('users:revoke'), async (c) => {
    const { username } = await jsonBody(c);
    if (typeof username !== 'string' || !Object.hasOwn(users, username)) return c.json({ error: 'unknown user' }, 400);
    return c.json({ revoked: await store.revokeUser(username) }); // their event streams say so at once
  });
  app.all('/api/*', (c) => c.json({ error: 'not found' }, 404));

  serveBuiltApp(app, options.staticDir);

  app.onError((error, c) => {
    // The store cannot answer (Redis down, stalled, restarting): say so at once; the client retries, and a 503 never signs anyone out.
    if (error.name === 'StoreUnavailableError') {
      c.header('Retry-After', '2');
      return c.json({ error: 'sessions are unavailable; try again shortly' }, 503);
    }
    console.error(`${c.req.method} ${c.req.path}: ${error.name}`); // no message: it could quote a header
    return c.json({ error: 'internal error' }, 500);
  });
  return { app, store, limits, events };
}
