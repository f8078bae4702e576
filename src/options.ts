import type { ActivitySource, CheckOptions, JwtClaims, SessionOptions, ExpireReason } from './types';
import { domActivity } from './activity/dom';

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  idleTimeout: number;
  warnBefore: number;
  activity: ActivitySource[];
  ignoreActivityDuringWarning: boolean;
  sampleInterval: number;
  clockSkew: number | 'auto';
  refresh: (() => Promise<string>) | undefined;
  refreshBefore: number;
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

const fail = (name: string, must: string, Err: typeof TypeError = RangeError): never => {
  throw new Err(`sessionwarden: option \`${name}\` must be ${must}`);
};

/** A duration: a number ≥ 0 (`Infinity` only where `infinite`); `min` 1 where 0 makes no sense. */
const duration = (name: string, value: unknown, fallback: number, infinite = false, min = 0): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') return fail(name, 'a number (ms)', TypeError);
  return value >= min && (infinite || value < Infinity) ? value : fail(name, `a${infinite ? '' : ' finite'} number ≥ ${min}`);
};

const fn = <T>(name: string, value: unknown): T | undefined =>
  value === undefined || typeof value === 'function' ? (value as T | undefined) : fail(name, 'a function', TypeError);

/** The default role reader: `claims.roles ?? claims.role ?? []`, a string becoming `[string]`. */
export const defaultRoles = (claims: JwtClaims): string[] => {
  const roles = claims.roles ?? claims.role ?? [];
  return (Array.isArray(roles) ? roles : [roles]).filter((role): role is string => typeof role === 'string');
};

/** Validates `options` and fills in the defaults; throws a `TypeError`/`RangeError` naming the option. */
export function resolveOptions(options: SessionOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', TypeError);
  const o = options;
  const idleTimeout = duration('idleTimeout', o.idleTimeout, 1_800_000, true, 1);
  const warnBefore = duration('warnBefore', o.warnBefore, Math.min(120_000, idleTimeout / 4));
  if (warnBefore >= idleTimeout) fail('warnBefore', 'less than `idleTimeout`');
  const activity = o.activity ?? [domActivity()];
  if (!Array.isArray(activity) || activity.some((source) => typeof source?.start !== 'function')) {
    fail('activity', 'an array of sources', TypeError);
  }
  const sampleInterval = duration('sampleInterval', o.sampleInterval, 5_000);
  const clockSkew = o.clockSkew ?? 'auto';
  if (clockSkew !== 'auto' && !Number.isFinite(clockSkew)) fail('clockSkew', "a finite number or 'auto'", TypeError);
  const endOnClose = o.endOnClose ?? false;
  if (endOnClose !== false && endOnClose !== 'browser' && endOnClose !== 'tab') {
    fail('endOnClose', "false, 'browser' or 'tab'", TypeError);
  }
  let check: ResolvedOptions['check'];
  if (o.check !== undefined) {
    const c = o.check;
    if (typeof c !== 'object' || c === null) fail('check', 'an object', TypeError);
    if (c.url === undefined && c.request === undefined) fail('check', 'given a `url` or a `request`', TypeError);
    if (c.url !== undefined && typeof c.url !== 'string') fail('check.url', 'a string', TypeError);
    check = { url: c.url, request: fn('check.request', c.request), interval: duration('check.interval', c.interval, 900_000, false, 1), onFocus: c.onFocus ?? true };
  }
  const crossTab = o.crossTab ?? true;
  if (typeof crossTab !== 'boolean' && (typeof crossTab !== 'string' || !crossTab)) {
    fail('crossTab', 'a boolean or a channel name', TypeError);
  }
  const storageKey = o.storageKey ?? 'sessionwarden';
  if (typeof storageKey !== 'string' || !storageKey) fail('storageKey', 'a non-empty string', TypeError);
  if (o.closeBeacon !== undefined && typeof o.closeBeacon !== 'string') fail('closeBeacon', 'a URL string', TypeError);
  const permissions = o.permissions ?? {};
  if (typeof permissions !== 'object' || permissions === null ||
      Object.values(permissions).some((list) => !Array.isArray(list))) {
    fail('permissions', 'role → permission arrays', TypeError);
  }
  return {
    idleTimeout,
    warnBefore,
    activity,
    ignoreActivityDuringWarning: o.ignoreActivityDuringWarning ?? true,
    sampleInterval,
    clockSkew,
    refresh: fn('refresh', o.refresh),
    refreshBefore: duration('refreshBefore', o.refreshBefore, warnBefore + 60_000),
    check,
    endOnClose,
    closeGrace: duration('closeGrace', o.closeGrace, 10_000),
    closeBeacon: o.closeBeacon,
    beforeExpire: fn('beforeExpire', o.beforeExpire),
    beforeExpireTimeout: duration('beforeExpireTimeout', o.beforeExpireTimeout, 3_000),
    // 'tab': the session is this tab's alone; nothing, not even a logout, crosses to other tabs.
    channel: endOnClose === 'tab' || crossTab === false ? false : crossTab === true ? storageKey : crossTab,
    storageKey,
    roles: fn('roles', o.roles) ?? defaultRoles,
    permissions,
    now: fn('now', o.now) ?? Date.now,
  };
}
