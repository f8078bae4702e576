import type { ActivitySource, JwtClaims } from './types';
import type { SessionSignal } from './signal';
import { domActivity } from './activity/dom';

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

/** Bad input to a method: a `TypeError` that says what was wrong. */
export const need = (ok: unknown, problem: string, Err: ErrorConstructor = TypeError): void => {
  if (!ok) throw new Err(`sessionwarden: ${problem}`);
};

/** The error every bad option gets: where it was given (`option \`x\``, `serverCheck() option \`x\``), and what it must be. */
export const must = (ok: unknown, name: string, what: string, Err: ErrorConstructor = TypeError): void =>
  need(ok, `${name} must be ${what}`, Err);

/** A duration: a number ≥ `min` (`Infinity` only where `infinite`), or `fallback` when not given. */
export const duration = (name: string, value: unknown, fallback: number, min = 0, infinite = false): number => {
  if (value === undefined) return fallback;
  must(typeof value === 'number', name, 'a number (ms)');
  must((value as number) >= min && (infinite || (value as number) < Infinity), name, `a number ≥ ${min}${infinite ? '' : ', finite'}`, RangeError);
  return value as number;
};

/** A function, or `undefined` when not given. */
export const fn = <T>(name: string, value: unknown): T | undefined => {
  must(value === undefined || typeof value === 'function', name, 'a function');
  return value as T | undefined;
};

/** Whether `value` is a signal module (what `serverCheck()` and its kind return). */
export const isSignal = (value: unknown): value is SessionSignal => typeof (value as SessionSignal)?.attach === 'function';

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The default `warnBefore`: at least 20 s for a person to answer (WCAG 2.2.1) wherever `idleTimeout` ≥ 40 s; 2 min for 30 min. */
export const defaultWarnBefore = (idleTimeout: number): number => Math.min(120_000, Math.max(20_000, idleTimeout / 4), idleTimeout / 2);

/** The kernel's option names. */
const KNOWN = 'idleTimeout warnBefore activity ignoreActivityDuringWarning sampleInterval signals storageKey permissions now'.split(' ');

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
 * out before (an unknown name is compared with them too, for "did you mean").
 * @throws `TypeError`/`RangeError` naming the option.
 */
export function resolveOptions(o: CoreOptions, known: readonly string[]): Resolved {
  must(isObject(o), 'options', 'an object');
  const names = [...KNOWN, ...known];
  for (const name of Object.keys(o)) {
    const near = (n: string) => distance(name.toLowerCase(), n.toLowerCase());
    need(KNOWN.includes(name), `unknown option \`${name}\` (did you mean \`${names.reduce((a, b) => (near(b) < near(a) ? b : a))}\`?)`);
  }
  const idleTimeout = duration('option `idleTimeout`', o.idleTimeout, 1_800_000, 1, true);
  const warnBefore = duration('option `warnBefore`', o.warnBefore, defaultWarnBefore(idleTimeout));
  must(warnBefore < idleTimeout, 'option `warnBefore`', 'less than `idleTimeout`', RangeError);
  const activity = o.activity ?? [domActivity()];
  must(Array.isArray(activity) && activity.every((source) => typeof source?.start === 'function'), 'option `activity`', 'an array of sources');
  const signals = o.signals ?? [];
  must(Array.isArray(signals) && signals.every(isSignal), 'option `signals`', 'an array of signals');
  const storageKey = o.storageKey ?? 'sessionwarden';
  must(typeof storageKey === 'string' && storageKey, 'option `storageKey`', 'a non-empty string');
  const permissions = o.permissions ?? {};
  must(isObject(permissions) && Object.values(permissions).every(Array.isArray), 'option `permissions`', 'role → permission arrays');
  return {
    idleTimeout,
    warnBefore,
    activity,
    ignoreActivityDuringWarning: o.ignoreActivityDuringWarning ?? true,
    sampleInterval: duration('option `sampleInterval`', o.sampleInterval, 5_000),
    signals,
    storageKey,
    permissions,
    now: fn('option `now`', o.now) ?? Date.now,
  };
}
