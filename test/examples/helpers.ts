import { createApp, type ServerOptions } from '../../examples/server/app';

export const MIN = 60_000;
export const T0 = 1_700_000_000_000;
/** The origin `app.request()` gives its requests (`http://localhost/...`): the app's own. */
export const ORIGIN = 'http://localhost';

/** Decoded JWT payload (no verification: tests look at what the server put in). */
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** `name=value` of a response's Set-Cookie, or `''`. */
export const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(';')[0] ?? '';

export interface RequestOptions extends RequestInit {
  token?: string;
  cookie?: string;
  json?: unknown;
  /** The `Origin` header, as a browser sends it with every POST; default the app's own, `null` for none. */
  origin?: string | null;
  /** The client's socket address (what `@hono/node-server` gives the app). Default `'127.0.0.1'`. */
  address?: string;
}

/** An app on a fake clock, with helpers that speak its API in-process (`app.request`). */
export function setup(options: ServerOptions = {}) {
  let clock = T0;
  const { app, store, limits, events } = createApp({ tokenTtl: 5 * MIN, serverIdle: 10 * MIN, closeGrace: 10_000, staticDir: false, now: () => clock, ...options });
  const req = (path: string, init: RequestOptions = {}) => {
    const { token, cookie, json, origin = ORIGIN, address = '127.0.0.1', ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (cookie) headers.set('cookie', cookie);
    if (origin !== null && !headers.has('origin')) headers.set('origin', origin);
    if (json !== undefined) headers.set('content-type', 'application/json');
    const env = { incoming: { socket: { remoteAddress: address } } };
    return app.request(path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }, env);
  };
  const login = async (username: string, password = 'demo', init: RequestOptions & { remember?: boolean } = {}) => {
    const { remember, ...rest } = init;
    const res = await req('/api/login', { method: 'POST', json: { username, password, ...(remember === undefined ? {} : { remember }) }, ...rest });
    const body = (await res.json()) as { token: string; user: { name: string; roles: string[] }; remember?: boolean; error?: string };
    return { res, ...body, cookie: cookieOf(res) };
  };
  /** The check endpoint's status for a token. */
  const check = async (token: string) => (await req('/api/session', { token })).status;
  const refresh = (cookie: string, init: RequestOptions = {}) => req('/api/refresh', { method: 'POST', cookie, ...init });
  return { app, store, limits, events, req, login, check, refresh, advance: (ms: number) => (clock += ms), now: () => clock };
}
