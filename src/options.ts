import type { ActivitySource, CheckOptions, JwtClaims, SessionOptions, ExpireReason } from './types';
import { domActivity } from './activity/dom';

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  idleTimeout: number;
  warnBefore: number;
  activity: readonly ActivitySource[];
  ignoreActivityDuringWarning: boolean;
  sampleInterval: number;
  clockSkew: number | 'auto';
  refresh: ((signal: AbortSignal) => Promise<string>) | undefined;
  refreshBefore: number;
  refreshTimeout: number;
  check: Required<Omit<CheckOptions, 'url' | 'request'>> & Pick<CheckOptions, 'url' | 'request'> | undefined;
  endOnClose: false | 'browser' | 'tab';
  closeGrace: number;
  closeBeacon: string | undefined;
  beforeExpire: ((reason: ExpireReason) => Promise<void> | void) | undefined;
  beforeExpireTimeout: number;
  channel: string | false;
  storageKey: string;
  roles: (claims: JwtClaims) => string[];
  permissions: Record<string, readonly string[]>;
  now: () => number;
}

/** Throws the error every bad option gets: its name, and what it must be. */
const need = (ok: unknown, name: string, must: string, Err: ErrorConstructor = TypeError): void => {
  if (!ok) throw new Err(`sessionwarden: option \`${name}\` must be ${must}`);
};

/** A duration: a number ≥ `min` (`Infinity` only where `infinite`), or `fallback` when not given. */
const duration = (name: string, value: unknown, fallback: number, min = 0, infinite = false): number => {
  if (value === undefined) return fallback;
  need(typeof value === 'number', name, 'a number (ms)');
  need((value as number) >= min && (infinite || (value as number) < Infinity), name, `a number ≥ ${min}${infinite ? '' : ', finite'}`, RangeError);
  return value as number;
};

/** A function, or `undefined` when not given. */
const fn = <T>(name: string, value: unknown): T | undefined => {
  need(value === undefined || typeof value === 'function', name, 'a function');
  return value as T | undefined;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Every option's name: any other is a mistake (a typo would silently leave a default in place). */
const KNOWN = ('idleTimeout warnBefore activity ignoreActivityDuringWarning sampleInterval token expiresAt clockSkew refresh ' +
  'refreshBefore refreshTimeout check endOnClose closeGrace closeBeacon beforeExpire beforeExpireTimeout crossTab storageKey ' +
  'roles permissions now').split(' ');

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

/** The known option nearest to `name`. */
const nearest = (name: string): string =>
  KNOWN.reduce((best, known) => (distance(name.toLowerCase(), known.toLowerCase()) < distance(name.toLowerCase(), best.toLowerCase()) ? known : best));

/** The default role reader: `claims.roles ?? claims.role ?? []`, a string becoming `[string]`. */
export const defaultRoles = (claims: JwtClaims): string[] =>
  [claims.roles ?? claims.role ?? []].flat().filter((role): role is string => typeof role === 'string');

/** Validates `options` and fills in the defaults; throws a `TypeError`/`RangeError` naming the option. */
export function resolveOptions(o: SessionOptions = {}): ResolvedOptions {
  need(isObject(o), 'options', 'an object');
  for (const name of Object.keys(o)) {
    if (!KNOWN.includes(name)) throw new TypeError(`sessionwarden: unknown option \`${name}\` (did you mean \`${nearest(name)}\`?)`);
  }
  const idleTimeout = duration('idleTimeout', o.idleTimeout, 1_800_000, 1, true);
  const warnBefore = duration('warnBefore', o.warnBefore, Math.min(120_000, idleTimeout / 4));
  need(warnBefore < idleTimeout, 'warnBefore', 'less than `idleTimeout`', RangeError);
  const activity = o.activity ?? [domActivity()];
  need(Array.isArray(activity) && activity.every((source) => typeof source?.start === 'function'), 'activity', 'an array of sources');
  const clockSkew = o.clockSkew ?? 'auto';
  need(clockSkew === 'auto' || Number.isFinite(clockSkew), 'clockSkew', "a finite number or 'auto'");
  const endOnClose = o.endOnClose ?? false;
  need([false, 'browser', 'tab'].includes(endOnClose), 'endOnClose', "false, 'browser' or 'tab'");
  const c = o.check;
  need(c === undefined || (isObject(c) && (c.url ?? c.request) !== undefined), 'check', 'an object with a `url` or a `request`');
  need(c?.url === undefined || typeof c.url === 'string', 'check.url', 'a string');
  const crossTab = o.crossTab ?? true;
  need(crossTab === !!crossTab || (typeof crossTab === 'string' && crossTab), 'crossTab', 'a boolean or a channel name');
  const storageKey = o.storageKey ?? 'sessionwarden';
  need(typeof storageKey === 'string' && storageKey, 'storageKey', 'a non-empty string');
  need(o.closeBeacon === undefined || typeof o.closeBeacon === 'string', 'closeBeacon', 'a URL string');
  const permissions = o.permissions ?? {};
  need(isObject(permissions) && Object.values(permissions).every(Array.isArray), 'permissions', 'role → permission arrays');
  return {
    idleTimeout,
    warnBefore,
    activity,
    ignoreActivityDuringWarning: o.ignoreActivityDuringWarning ?? true,
    sampleInterval: duration('sampleInterval', o.sampleInterval, 5_000),
    clockSkew,
    refresh: fn('refresh', o.refresh),
    refreshBefore: duration('refreshBefore', o.refreshBefore, warnBefore + 60_000),
    refreshTimeout: duration('refreshTimeout', o.refreshTimeout, 15_000, 1),
    check: c && { url: c.url, request: fn('check.request', c.request), interval: duration('check.interval', c.interval, 900_000, 1), onFocus: c.onFocus ?? true },
    endOnClose,
    closeGrace: duration('closeGrace', o.closeGrace, 10_000),
    closeBeacon: o.closeBeacon,
    beforeExpire: fn('beforeExpire', o.beforeExpire),
    beforeExpireTimeout: duration('beforeExpireTimeout', o.beforeExpireTimeout, 3_000),
    // 'tab': the session is this tab's alone; nothing, not even a logout, crosses to other tabs.
    channel: endOnClose !== 'tab' && crossTab !== false && (crossTab === true ? storageKey : crossTab),
    storageKey,
    roles: fn('roles', o.roles) ?? defaultRoles,
    permissions,
    now: fn('now', o.now) ?? Date.now,
  };
}
