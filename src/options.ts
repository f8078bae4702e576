import type { ActivitySource, JwtClaims } from './types';
import type { SessionSignal } from './signal';
import { domActivity } from './activity/dom';
import { need, type Problem } from './errors';

export { need };

/** Options of {@link SessionCore} (and of {@link SessionManager}). All durations in milliseconds, all times epoch ms. */
export interface CoreOptions {
  /** Inactivity that ends the session. Default `1_800_000` (30 min); `Infinity` turns inactivity off. */
  idleTimeout?: number;
  /**
   * Lead time of the `'warning'` event. Default `min(120_000, max(20_000, idleTimeout / 4), idleTimeout / 2)`:
   * at least 20 s to answer wherever `idleTimeout` ≥ 40 s (WCAG 2.2.1), 2 min for 30 min. Must be `< idleTimeout`.
   */
  warnBefore?: number;
  /** Activity sources. Default `[domActivity()]`; `[]` for none. */
  activity?: readonly ActivitySource[];
  /** While the warning is shown, only `extend()` keeps the session. Default `true`. */
  ignoreActivityDuringWarning?: boolean;
  /** At most one cross-tab activity message, storage write and `'activity'` event per interval. Default `5_000`. */
  sampleInterval?: number;
  /** More signals, each a named import: e.g. `[serverCheck({ url: '/api/session' })]`. */
  signals?: readonly SessionSignal[];
  /** Prefix of storage keys, the channel name and Web Lock names. Default `'sessionwarden'`. */
  storageKey?: string;
  /** Role → permissions, for `can()`. Default `{}`. */
  permissions?: Record<string, readonly string[]>;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link SessionManager}: the kernel's, the token's and the tabs', and a slot for each optional signal. */
export interface SessionOptions extends CoreOptions {
  /** A JWT; its `exp` ends the session. `null`/`undefined` mean no token; `''` is malformed. */
  token?: string | null;
  /** An absolute end when there is no JWT (server clock, epoch ms); ends the session with reason `'token'`. */
  expiresAt?: number | null;
  /**
   * Server minus client clock in ms, or `'auto'`: learned from a new token's `iat` when within ±5 min
   * (an older token is taken as old, not the clock as wrong), refined by each check and by the `Date`
   * header of the API's answers that `requestActivity()` sees. Default `'auto'`.
   */
  clockSkew?: number | 'auto';
  /** Roles from the claims. Default `claims.roles ?? claims.role ?? []`. */
  roles?: (claims: JwtClaims) => readonly string[];
  /** Share the session across tabs; a string names the channel. Default `true`. */
  crossTab?: boolean | string;
  /** The backup server check: `serverCheck({ url, interval, onFocus })`. */
  check?: SessionSignal;
  /** Refreshes the token before `exp`: `tokenRefresh(fetchToken, { before, timeout })`. */
  refresh?: SessionSignal;
  /** Ends the session when the browser or the tab closes: `closeDetection('browser' | 'tab', { grace, beacon })`. */
  endOnClose?: SessionSignal;
  /** Awaited before `'expired'`, the place to auto-save: `beforeExpire(save, { timeout })`. */
  beforeExpire?: SessionSignal;
}

/** The kernel's options after validation, with every default filled in. */
export interface Resolved {
  idleTimeout: number;
  warnBefore: number;
  activity: readonly ActivitySource[];
  ignoreActivityDuringWarning: boolean;
  sampleInterval: number;
  signals: readonly SessionSignal[];
  storageKey: string;
  permissions: Record<string, readonly string[]>;
  now: () => number;
}

/**
 * A duration: a number ≥ `min` (`Infinity` only where `infinite`), or `fallback` when not given. Checked
 * in production too: a `NaN` or a string would leave a session that never ends, or ends at once.
 */
export const duration = (name: Problem, value: unknown, fallback: number, min = 0, infinite = false): number => {
  if (value === undefined) return fallback;
  const number = typeof value == 'number';
  // A `TypeError` for what is not a number, a `RangeError` for a number out of range (`NaN` included).
  need(number && value >= min && (infinite || value < Infinity), __DEV__ ? `${name} must be a number ≥ ${min}${infinite ? '' : ', finite'}` : name, number ? RangeError : TypeError);
  return value as number;
};

/** A function, or `undefined` when not given. */
export const fn = <T>(name: Problem, value: unknown): T | undefined => {
  need(value === undefined || typeof value == 'function', __DEV__ ? `${name} must be a function` : name);
  return value as T | undefined;
};

/** Whether `value` is a signal module (what `serverCheck()` and its kind return). */
export const isSignal = (value: unknown): value is SessionSignal => typeof (value as SessionSignal)?.attach === 'function';

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The default `warnBefore`: at least 20 s for a person to answer (WCAG 2.2.1) wherever `idleTimeout` ≥ 40 s; 2 min for 30 min. */
export const defaultWarnBefore = (idleTimeout: number): number => Math.min(120_000, Math.max(20_000, idleTimeout / 4), idleTimeout / 2);

/** The kernel's option names. */
const KNOWN = /* @__PURE__ */ 'idleTimeout warnBefore activity ignoreActivityDuringWarning sampleInterval signals storageKey permissions now'.split(' ');

/** How many single-letter edits turn `a` into `b` (Levenshtein), for "did you mean". */
const distance = (a: string, b: string): number => {
  let row = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
};

/**
 * Validates the kernel's `options` and fills in the defaults. `known` are the names a subclass took
 * out before (an unknown name is compared with them too, for "did you mean"). Development checks
 * every option; production only what would otherwise leave a broken session (docs/errors.md).
 * @throws `TypeError`/`RangeError` naming the option.
 */
export function resolveOptions(o: CoreOptions, known: readonly string[]): Resolved {
  need(isObject(o), __DEV__ ? 'options must be an object' : 1);
  if (__DEV__) {
    const names = [...KNOWN, ...known];
    for (const name of Object.keys(o)) {
      const near = (n: string) => distance(name.toLowerCase(), n.toLowerCase());
      need(KNOWN.includes(name), `unknown option \`${name}\` (did you mean \`${names.reduce((a, b) => (near(b) < near(a) ? b : a))}\`?)`);
    }
  }
  const idleTimeout = duration(__DEV__ ? 'option `idleTimeout`' : 3, o.idleTimeout, 1_800_000, 1, true);
  const warnBefore = duration(__DEV__ ? 'option `warnBefore`' : 4, o.warnBefore, defaultWarnBefore(idleTimeout));
  need(warnBefore < idleTimeout, __DEV__ ? 'option `warnBefore` must be less than `idleTimeout`' : 5, RangeError);
  const activity = o.activity ?? [domActivity()];
  const signals = o.signals ?? [];
  const storageKey = o.storageKey ?? 'sessionwarden';
  const permissions = o.permissions ?? {};
  // A source or signal that is not one would fail later, in start() or in the constructor's attach.
  need(Array.isArray(activity) && activity.every((source) => typeof source?.start == 'function'), __DEV__ ? 'option `activity` must be an array of sources' : 6);
  need(Array.isArray(signals), __DEV__ ? 'option `signals` must be an array of signals' : 7);
  if (__DEV__) need(typeof storageKey == 'string' && storageKey, 'option `storageKey` must be a non-empty string');
  // In production too: a role mapped to a string would grant every part of it (`'users:delete'.includes('users')`).
  need(isObject(permissions) && Object.values(permissions).every(Array.isArray), __DEV__ ? 'option `permissions` must be role → permission arrays' : 9);
  return {
    idleTimeout,
    warnBefore,
    activity,
    ignoreActivityDuringWarning: o.ignoreActivityDuringWarning ?? true,
    sampleInterval: duration(__DEV__ ? 'option `sampleInterval`' : 10, o.sampleInterval, 5_000),
    signals,
    storageKey,
    permissions,
    now: fn(__DEV__ ? 'option `now`' : 11, o.now) ?? Date.now,
  };
}
