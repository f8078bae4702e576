import type { ExpireReason } from '../types';

/** The session record shared by the tabs of an origin (versioned; anything else reads as absent). */
export interface SharedRecord {
  v: 1;
  /** Last activity in any tab (epoch ms). */
  lastActivity: number;
  /** Set once the session ended, with when. */
  ended?: ExpireReason;
  endedAt?: number;
  /** Learned clock offset (server − client ms). */
  skew?: number;
  /** `exp` (seconds) of the newest token in use, so a tab can skip a refresh another tab did. */
  tokenExp?: number;
  /** Last proof that the server session is alive: a check or an app request's 2xx. */
  provedAt?: number;
  /** When the last page of the session was hidden for good (pagehide). */
  goneAt?: number;
}

/** Every reason a session can end for: what the record and the channel accept. */
export const REASONS: readonly string[] = ['idle', 'token', 'revoked', 'closed', 'logout'];
const num = (value: unknown) => value === undefined || Number.isFinite(value);

/** Whether `value` is a well-formed record. */
export const isRecord = (value: unknown): value is SharedRecord => {
  const r = value as SharedRecord;
  return typeof r === 'object' && r !== null && r.v === 1 && Number.isFinite(r.lastActivity) &&
    (r.ended === undefined || REASONS.includes(r.ended)) &&
    num(r.endedAt) && num(r.skew) && num(r.tokenExp) && num(r.provedAt) && num(r.goneAt);
};

/** Storage that reports its own failures (private mode, quota, garbage) instead of throwing. */
export interface RecordStore {
  read(): SharedRecord | undefined;
  write(patch: Partial<SharedRecord>): void;
  clear(): void;
}

export function recordStore(storage: () => Storage, key: string, onError: (error: unknown, during: string) => void): RecordStore {
  /**
   * The newest last activity this store read or wrote. A write on top of a missing or garbled
   * record (cleared storage, garbage) keeps it: a partial write (a check, a pagehide) must not
   * leave a record whose last activity is 0, which a reload or a new tab would read as idle for ages.
   */
  let known: number | undefined;
  const read = (): SharedRecord | undefined => {
    let raw: string | null = null;
    try {
      raw = storage().getItem(key);
      if (raw === null) return undefined;
      const parsed: unknown = JSON.parse(raw);
      if (isRecord(parsed)) {
        known = Math.max(known ?? -Infinity, parsed.lastActivity);
        return parsed;
      }
    } catch (error) {
      onError(error, 'storage');
      return undefined;
    }
    onError(new TypeError(`sessionwarden: ignored a malformed record in storage key "${key}"`), 'storage');
    return undefined;
  };
  return {
    read,
    write(patch) {
      try {
        const next = { lastActivity: known ?? 0, ...read(), ...patch, v: 1 };
        storage().setItem(key, JSON.stringify(next));
        if (patch.lastActivity !== undefined) known = Math.max(known ?? -Infinity, patch.lastActivity);
      } catch (error) {
        onError(error, 'storage');
      }
    },
    clear() {
      known = undefined;
      try {
        storage().removeItem(key);
      } catch (error) {
        onError(error, 'storage');
      }
    },
  };
}
