/** Demo timings; the e2e tests shorten them with `?idle=…&warn=…&grace=…` on the dashboard URL. */
const query = new URLSearchParams(location.search);
const ms = (name: string, fallback: number) => Number(query.get(name)) || fallback;
export const timings = { idleTimeout: ms('idle', 60_000), warnBefore: ms('warn', 20_000), closeGrace: ms('grace', 10_000) };

/**
 * The token lives in memory only (never in storage, out of reach of XSS persistence). A new tab
 * or a reload gets one from the HttpOnly refresh cookie. The cookie rotates on each use, so calls
 * are serialized across tabs with the same Web Lock sessionwarden uses for its refresh: a tab never
 * replays a value another tab has just rotated.
 */
export async function refreshToken(): Promise<string> {
  const call = async () => {
    const res = await fetch('/api/refresh', { method: 'POST' });
    if (!res.ok) throw new Error(`refresh failed: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  };
  return navigator.locks ? navigator.locks.request('sessionwarden:refresh', call) : call();
}

export async function login(username: string, password: string): Promise<string> {
  const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(((await res.json()) as { error: string }).error);
  return ((await res.json()) as { token: string }).token;
}

/** An authenticated API call (counted as activity by requestActivity()). */
export async function api<T>(token: string | null, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...init.headers } });
  if (!res.ok) throw new Error(res.status === 403 ? 'Not allowed for your role (403)' : `Request failed (${res.status})`);
  return res.json() as Promise<T>;
}

const seconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`);

/** What the home page tells the user after a session ended, by reason. */
export const signedOutMessage = (reason: string | null): string | null =>
  ({
    idle: `You were signed out after ${seconds(timings.idleTimeout)} of inactivity.`,
    token: 'Your session expired. Please sign in again.',
    revoked: 'Your session was ended by an administrator or on another device.',
    closed: 'Your session ended when the browser was closed.',
    logout: 'You signed out.',
  })[reason ?? ''] ?? null;
