import type { SessionManager } from 'sessionwarden';

/** `true` in a test build (`vite build --mode test`: vite.config.ts defines it), never in the demo's own. */
declare const __DEMO_TEST_BUILD__: boolean | undefined;

/**
 * Demo timings: idle 60 s, the warning 20 s before, close grace 10 s. Only a test build takes
 * `?idle=…&warn=…&grace=…` (ms) from the URL, for tests that must not wait a minute: in any other,
 * a link such as `/dashboard?idle=2&warn=1` would sign its visitor out in every tab.
 */
const overrides = new URLSearchParams(typeof __DEMO_TEST_BUILD__ !== 'undefined' && __DEMO_TEST_BUILD__ ? location.search : '');
const ms = (name: string, fallback: number) => Number(overrides.get(name)) || fallback;
export const timings = { idleTimeout: ms('idle', 60_000), warnBefore: ms('warn', 20_000), closeGrace: ms('grace', 10_000) };

/** The page's query string with `signedOut` set (or removed, for `null`), as `?…` or `''`. */
export const withQuery = ({ signedOut }: { signedOut: string | null }): string => {
  const params = new URLSearchParams(location.search);
  params.delete('signedOut');
  if (signedOut) params.set('signedOut', signedOut);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** Where the "Remember me" choice of the last sign-in is kept: a preference, not a secret (never the token). */
const REMEMBER_KEY = 'sessionwarden-demo:remember';

/** Whether the last sign-in in this browser asked to be remembered (its refresh cookie survives a restart). */
export const remembered = (): boolean => {
  try {
    return localStorage.getItem(REMEMBER_KEY) === '1';
  } catch {
    return false;
  }
};

/**
 * The token lives in memory only (never in storage, out of reach of XSS persistence). A new tab
 * or a reload gets one from the HttpOnly refresh cookie, which rotates on each use.
 *
 * This is the manager's `refresh` option, so it must not take the Web Lock
 * `sessionwarden:refresh`: the manager already holds it while it calls this (one tab at a time),
 * and asking for it again here would wait forever. A tab that needs a token now (a new tab) calls
 * `session.refresh()`, which runs this under that lock. `signal` aborts a call the manager has
 * given up on (after `refreshTimeout`).
 */
export async function refreshToken(signal?: AbortSignal): Promise<string> {
  const res = await fetch('/api/refresh', { method: 'POST', signal });
  if (!res.ok) throw new Error(`refresh failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Signs in; `remember` asks for a refresh cookie that survives a browser restart. */
export async function login(username: string, password: string, remember = false): Promise<string> {
  const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, remember }) });
  if (!res.ok) throw new Error(((await res.json()) as { error: string }).error);
  try {
    if (remember) localStorage.setItem(REMEMBER_KEY, '1');
    else localStorage.removeItem(REMEMBER_KEY);
  } catch {
    // no storage: the session simply ends with the browser
  }
  return ((await res.json()) as { token: string }).token;
}

/** An authenticated API call with the session's current token, read when the call is made (counted as activity by requestActivity()). */
export async function api<T>(session: SessionManager, path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, ...init.headers } });
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
