import type { SessionOptions } from './options';
import type { SessionSignal } from './signal';
import { SessionCore } from './session-core';
import { isObject, isSignal } from './options';
import { need } from './errors';
import { jwtToken, type JwtTokenSignal } from './token/jwt-token';
import { sharedTabs } from './tabs/shared-tabs';
import type { TokenRefreshSignal } from './token/token-refresh';

/** Each optional signal's option, and what it takes now (the names, in development the shapes too). */
const SLOTS: Record<string, string> = {
  check: 'serverCheck({ url, interval, onFocus })',
  refresh: 'tokenRefresh(yourRefresh, { before, timeout })',
  endOnClose: "closeDetection('browser' | 'tab', { grace, beacon })",
  beforeExpire: 'beforeExpire(yourSave, { timeout })',
};
/** Options of 0.0.x that moved into a signal's own options. */
const MOVED: Record<string, string> = {
  refreshBefore: 'refresh', refreshTimeout: 'refresh', closeGrace: 'endOnClose', closeBeacon: 'endOnClose', beforeExpireTimeout: 'beforeExpire',
};

/**
 * Manages the user's session in one tab: ends it after inactivity (with a warning first), at the
 * token's expiry, when the server has revoked it, and, if asked, when the tab or the browser
 * closes; keeps every tab of the origin in step; and tells the UI the user's roles.
 *
 * It is {@link SessionCore} with the token (`token`, `expiresAt`, `clockSkew`, `roles`) and the
 * tabs (`crossTab`) built in; the optional signals are named imports in their own options.
 *
 * @example
 * ```ts
 * const session = new SessionManager({ idleTimeout: 30 * 60_000, token: jwt, check: serverCheck({ url: '/api/session' }) });
 * session.on('warning', ({ expiresAt }) => showDialog(expiresAt));
 * session.on('expired', ({ reason }) => location.assign('/'));
 * session.start();
 * ```
 */
export class SessionManager extends SessionCore {
  readonly #token: JwtTokenSignal;
  readonly #refresh: TokenRefreshSignal | undefined;

  /**
   * @throws `TypeError` or `RangeError` naming a bad option (an option of 0.0.x's shape: the new one);
   * `InvalidTokenError` for a malformed `token`.
   */
  constructor(options: SessionOptions = {}) {
    need(isObject(options), __DEV__ ? 'options must be an object' : 1);
    const { token, expiresAt, clockSkew, roles, crossTab = true, check, refresh, endOnClose, beforeExpire, ...core } = options;
    if (__DEV__) {
      // The shapes of 0.0.x: the error shows the new one.
      for (const [name, slot] of Object.entries(SLOTS)) {
        const value = options[name as keyof SessionOptions];
        need(value === undefined || isSignal(value), `option \`${name}\` takes ${slot} now`);
      }
      for (const name of Object.keys(MOVED)) need(!(name in options), `option \`${name}\` moved into ${SLOTS[MOVED[name]!]}`);
      need(crossTab === !!crossTab || (typeof crossTab == 'string' && crossTab), 'option `crossTab` must be a boolean or a channel name');
    }
    const jwt = jwtToken({ token, expiresAt, clockSkew, roles });
    // 'tab': the session is this tab's alone, kept across its reloads; nothing, not even a logout, crosses.
    const solo = (endOnClose as { solo?: boolean } | undefined)?.solo;
    const tabs = solo ? [sharedTabs({ storage: 'session', channel: false })] : crossTab === false ? [] : [sharedTabs({ channel: crossTab === true ? undefined : crossTab })];
    const optional = [check, refresh, endOnClose, beforeExpire].filter((signal): signal is SessionSignal => !!signal);
    super(core, [...tabs, jwt, ...optional], __DEV__ ? ['token', 'expiresAt', 'clockSkew', 'roles', 'crossTab', ...Object.keys(SLOTS)] : []);
    this.#token = jwt;
    this.#refresh = refresh as TokenRefreshSignal | undefined;
  }

  /** The current token, or `null`. */
  get token(): string | null {
    return this.#token.get();
  }

  /**
   * Replaces the token (`null` for none). After an expiry, the next `start()` begins a new session.
   * A token of another user (another `sub`) begins a new session here, and ends the old user's in
   * the other tabs (reason `'logout'`).
   * @throws `InvalidTokenError` for a malformed token; nothing changes then.
   */
  setToken(token: string | null): void {
    this.#token.set(token);
  }

  /**
   * Runs the `refresh` signal's function now, outside its schedule: for a tab that has no token yet.
   * It runs under the same Web Lock as every tab's scheduled refresh (`${storageKey}:refresh`), so it
   * never overlaps one; two calls at once in this tab share one. The new token is set as by
   * `setToken()`. Call it from the app, never from inside the refresh function.
   * @returns the new token.
   * @throws `TypeError` (at once) without a `refresh` option; the promise rejects with what the
   * function threw, an `InvalidTokenError`, or a `TimeoutError` after its `timeout`.
   */
  refresh(): Promise<string | null> {
    need(typeof this.#refresh?.now == 'function', __DEV__ ? 'refresh() needs the `refresh` option: tokenRefresh(yourRefresh)' : 23);
    return this.#refresh!.now();
  }
}
