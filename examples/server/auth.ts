import type { Context, MiddlewareHandler } from 'hono';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { allows, type DemoUser, type Permission } from './users';
import type { ServerSession, SessionStore } from './store';
import type { NodeBindings } from './security';

/** The demo's Hono environment: a guarded route finds its session in `c.get('session')`. */
export type AppEnv = { Bindings: NodeBindings; Variables: { session: ServerSession } };

/** What {@link createAuth} needs: the key and claims of the tokens, their lifetime, the clock and the sessions. */
export interface AuthOptions {
  /** HS256 key, at least 32 bytes (`createApp` checks). */
  secret: Uint8Array;
  /** `iss` of every token, checked on every token. */
  issuer: string;
  /** `aud` of every token (this API), checked on every token. */
  audience: string;
  /** JWT lifetime in milliseconds. */
  tokenTtl: number;
  /** The server's sliding idle expiry: how long past `exp` a token still names its session for a logout. */
  serverIdle: number;
  /** The clock (epoch ms). */
  now: () => number;
  /** Where sessions live. */
  store: SessionStore;
  /** The accounts, for the claims and the roles. */
  users: Readonly<Record<string, DemoUser>>;
}

/** Who a request is (from its bearer token and the live session it names) and what the user may do. */
export interface Auth {
  /** A short-lived JWT for the session; `iat`/`exp` come from the injected clock, so tests can expire it. */
  sign(session: ServerSession): Promise<string>;
  /**
   * The live session a bearer token names: undefined for none, tampered, of another issuer or
   * audience, expired (unless `expiredToo`), or a session that is gone.
   */
  bearerSession(c: Context, options?: { expiredToo?: boolean }): Promise<ServerSession | undefined>;
  /**
   * Every protected route: 401 unless the token and its server session are valid, then 403 unless a
   * role of the user grants `permission`. Roles are read from the server's user record, not from the
   * token, so a role change applies at once. Any authenticated request is use: it slides the idle
   * window and cancels a pending close (a reloaded page calls the API within the grace).
   */
  guard(permission: Permission): MiddlewareHandler<AppEnv>;
}

/** Signs and verifies the demo's tokens, and guards its routes by permission. */
export function createAuth({ secret, issuer, audience, tokenTtl, serverIdle, now, store, users }: AuthOptions): Auth {
  const sign = (session: ServerSession) => {
    const user = users[session.username]!;
    const iat = Math.floor(now() / 1000);
    return new SignJWT({ sid: session.id, roles: [...user.roles], name: user.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(session.username)
      .setIssuedAt(iat)
      .setExpirationTime(iat + Math.max(1, Math.round(tokenTtl / 1000)))
      .sign(secret);
  };

  const bearerSession = async (c: Context, { expiredToo = false } = {}): Promise<ServerSession | undefined> => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) return undefined;
    let payload: JWTPayload;
    try {
      // An expired token still names its session for a logout; up to serverIdle past exp, after which that session is gone anyway.
      const clockTolerance = expiredToo ? Math.ceil(serverIdle / 1000) : 0;
      ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer, audience, clockTolerance, currentDate: new Date(now()), requiredClaims: ['sub', 'sid', 'exp', 'iat'] }));
    } catch {
      return undefined; // never log the token, nor jose's error about it
    }
    const session = await store.get(payload.sid);
    return session?.username === payload.sub ? session : undefined;
  };

  const guard = (permission: Permission): MiddlewareHandler<AppEnv> => async (c, next) => {
    const session = await bearerSession(c);
    if (!session) return unauthorized(c);
    await store.touch(session);
    if (!allows(users[session.username]?.roles ?? [], permission)) return c.json({ error: 'forbidden', needs: permission }, 403);
    c.set('session', session);
    await next();
  };

  return { sign, bearerSession, guard };
}

/** 401 with the header RFC 6750 asks for, so a client knows the token (not the request) was refused. */
const unauthorized = (c: Context) => {
  c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
  return c.json({ error: 'unauthorized' }, 401);
};
