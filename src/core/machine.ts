import type { ExpireReason, WarningReason } from '../types';

/** The session as the pure machine sees it. Immutable: every change is a new object. */
export interface Machine {
  readonly phase: 'active' | 'warning' | 'expired';
  /** The last activity counted (epoch ms, local clock). */
  readonly lastActivity: number;
  /** When the current warning began; `0` when there is none. */
  readonly warnedAt: number;
  readonly warning: WarningReason | null;
  readonly reason: ExpireReason | null;
}

/** The limits the machine decides by. */
export interface Limits {
  readonly idleTimeout: number;
  readonly warnBefore: number;
  readonly ignoreActivityDuringWarning: boolean;
}

/** A fresh session whose last activity is `at`. */
export const begin = (at: number): Machine => ({ phase: 'active', lastActivity: at, warnedAt: 0, warning: null, reason: null });

/** A session ended for `reason` (no-op when it has ended already: an end happens once). */
export const end = (m: Machine, reason: ExpireReason): Machine =>
  m.phase === 'expired' ? m : { ...m, phase: 'expired', warning: null, reason };

/** The nearest end: the idle end or `tokenEnd`, whichever comes first (a tie is an idle end). */
export const endOf = (m: Machine, limits: Limits, tokenEnd: number): number =>
  Math.min(m.lastActivity + limits.idleTimeout, tokenEnd);

/** When the machine must next be stepped: the warning while active, the end while warning. */
export const deadlineOf = (m: Machine, limits: Limits, tokenEnd: number): number =>
  m.phase === 'expired' ? Infinity : endOf(m, limits, tokenEnd) - (m.phase === 'active' ? limits.warnBefore : 0);

/**
 * One decision at `now`, given the latest reported activity `activityAt` (a time after `now` counts as `now`).
 * Activity counts while active; during a warning only if it happened before the warning began
 * (news from another tab) or when `ignoreActivityDuringWarning` is off.
 * Returns `m` itself when nothing changed.
 */
export function step(m: Machine, limits: Limits, tokenEnd: number, now: number, activityAt = -Infinity): Machine {
  if (m.phase === 'expired') return m;
  const counts = m.phase === 'active' || !limits.ignoreActivityDuringWarning || activityAt < m.warnedAt;
  // No activity from the future (another clock, or this one set back): it counts as now.
  const lastActivity = Math.min(counts && activityAt > m.lastActivity ? activityAt : m.lastActivity, now);
  const idleEnd = lastActivity + limits.idleTimeout;
  const cause: WarningReason = tokenEnd < idleEnd ? 'token' : 'idle';
  const sessionEnd = Math.min(idleEnd, tokenEnd);
  if (now >= sessionEnd) return { phase: 'expired', lastActivity, warnedAt: m.warnedAt, warning: null, reason: cause };
  if (now >= sessionEnd - limits.warnBefore) {
    const same = m.phase === 'warning' && lastActivity === m.lastActivity;
    if (same && m.warning === cause) return m;
    // Counted activity moved the end but not out of the warning window: a new warning.
    return { phase: 'warning', lastActivity, warnedAt: same ? m.warnedAt : now, warning: cause, reason: null };
  }
  return m.phase === 'active' && lastActivity === m.lastActivity ? m : begin(lastActivity);
}

/** `extend()`: the user is here now; a token warning stays unless the token's end moved. */
export const extend = (m: Machine, limits: Limits, tokenEnd: number, now: number): Machine =>
  m.phase === 'expired' ? m : step({ ...m, lastActivity: Math.max(m.lastActivity, now) }, limits, tokenEnd, now);
