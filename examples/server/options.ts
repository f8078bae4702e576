import type { EventHubOptions } from './events';
import type { SessionStore, Store, StoreFactory } from './store';
import type { DemoUser } from './users';

/** Options of `createApp` (app.ts); all durations in milliseconds, all times epoch ms. */
export interface ServerOptions<S extends SessionStore = Store> {
  /** HS256 key, at least 32 bytes (a string is taken as UTF-8). Default: random per start, so a restart signs everyone out. */
  secret?: Uint8Array | string;
  /** The tokens' `iss`, checked on every token. Default `'sessionwarden-demo'`. */
  issuer?: string;
  /** The tokens' `aud` (this API), checked on every token, so a token minted for another service with the same key is refused. Default `'sessionwarden-demo-api'`. */
  audience?: string;
  /** JWT lifetime. Default 5 minutes: short, because the client refreshes it while the user is active. */
  tokenTtl?: number;
  /** Sliding server-side idle expiry. Keep it above the client's `idleTimeout` + `refreshBefore`, so the client ends first. Default 10 minutes. */
  serverIdle?: number;
  /** How long a session survives the close beacon without a request (the client's `closeGrace`). Default 10 s. */
  closeGrace?: number;
  /**
   * How long a rotated-out refresh value still gets the current one (a second tab, a retry after a
   * lost response) instead of counting as theft. Keep it above the client's `refreshTimeout` plus its
   * first retry (15 s + 5 s). Default 30 s.
   */
  rotationGrace?: number;
  /** Absolute lifetime of a session without "Remember me", however active. Default 12 hours. */
  sessionMaxAge?: number;
  /** Absolute lifetime of a "Remember me" session, and its refresh cookie's `Max-Age`. Default 30 days. */
  rememberFor?: number;
  /**
   * Proxies of your own in front of the app (`true` is one): only then are `X-Forwarded-For` (the
   * client address, for the sign-in and stream limits) and `X-Forwarded-Proto` (https, for HSTS)
   * believed. Default `false`: anyone can send those headers.
   */
  trustProxy?: boolean | number;
  /**
   * Local http development in a browser that refuses a `Secure` cookie on http://localhost (Safari,
   * WebKitGTK): the refresh cookie is then `sw_refresh`, without `__Host-` and `Secure`. Refused with
   * `NODE_ENV=production`. Default `false`: `__Host-sw_refresh`, `Secure`, which Chromium and Firefox
   * keep on http://localhost and http://127.0.0.1 too.
   */
  devCookie?: boolean;
  /**
   * The origins the app's pages are served from, which alone may log in, refresh, log out and send the
   * close beacon. Default: the request's own origin (its scheme, see `trustProxy`, and `Host`). Set it
   * in production behind a proxy that rewrites `Host`.
   */
  origins?: readonly string[];
  /**
   * Sign-in attempts. Failures: 5 per username and 20 per client address, then a 30 s lock-out, doubling
   * up to 15 minutes. And every attempt, a success too, per client address: `perMinute` (default 30) on
   * average, as many at once.
   */
  loginLimits?: { perUser?: number; perAddress?: number; lockout?: number; maxLockout?: number; perMinute?: number };
  /** Live sessions per user: one more sign-in ends the user's oldest session, as a revocation does. Default 10. */
  sessionsPerUser?: number;
  /** The accounts. Default the three demo users (`users.ts`). */
  users?: Readonly<Record<string, DemoUser>>;
  /** The clock; tests inject one to move time without sleeping. Default `Date.now`. */
  now?: () => number;
  /** A built SPA served at `/` (with an `index.html` fallback); `false` for none. Default `examples/app/dist` if it was built. */
  staticDir?: string | false;
  /** Where sessions live: `redisStore({ url })` to share them between processes. Default: in memory (`createStore`). */
  store?: StoreFactory<S>;
  /** The event streams (`GET /api/events`): heartbeat interval, streams per session, per user and per client address. */
  events?: EventHubOptions;
}
