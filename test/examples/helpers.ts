import { createApp, type ServerOptions } from '../../examples/server/app';

export const MIN = 60_000;
export const T0 = 1_700_000_000_000;

/** Decoded JWT payload (no verification: tests look at what the server put in). */
export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** `name=value` of a response's Set-Cookie, or `''`. */
export const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(';')[0] ?? '';

/** An app on a fake clock, with helpers that speak its API in-process (`app.request`). */
export function setup(options: ServerOptions = {}) {
  let clock = T0;
  const { app, store } = createApp({ tokenTtl: 5 * MIN, serverIdle: 10 * MIN, closeGrace: 10_000, staticDir: false, now: () => clock, ...options });
  const req = (path: string, init: RequestInit & { token?: string; cookie?: string; json?: unknown } = {}) => {
    const { token, cookie, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (cookie) headers.set('cookie', cookie);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return app.request(path, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  };
  const login = async (username: string, password = 'demo') => {
    const res = await req('/api/login', { method: 'POST', json: { username, password } });
    const body = (await res.json()) as { token: string; user: { name: string; roles: string[] } };
    return { res, ...body, cookie: cookieOf(res) };
  };
  /** The check endpoint's status for a token. */
  const check = async (token: string) => (await req('/api/session', { token })).status;
  const refresh = (cookie: string) => req('/api/refresh', { method: 'POST', cookie });
  return { app, store, req, login, check, refresh, advance: (ms: number) => (clock += ms), now: () => clock };
}
