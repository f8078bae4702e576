import type { SharedRecord } from '../signal';

export type { SharedRecord };

/** Every reason a session can end for: what the record and the channel accept. */
export const REASONS: readonly string[] = ['idle', 'token', 'revoked', 'closed', 'logout'];

const reason = (value: unknown) => REASONS.includes(value as string);
/** What each field of the record and of a cross-tab message must be; numbers must be finite; other fields are ignored. */
const FIELDS: Record<string, (value: unknown) => boolean> = {
  v: (value) => value === 1,
  ended: reason,
  reason,
  token: (value) => value === null || typeof value === 'string',
  result: (value) => value === 'active',
  sub: (value) => typeof value === 'string',
  tokenId: (value) => typeof value === 'string',
  k: (value) => typeof value === 'string',
};
for (const key of ['lastActivity', 'endedAt', 'skew', 'tokenExp', 'provedAt', 'goneAt', 'at', 'proved']) FIELDS[key] = Number.isFinite;

/** Whether `value` is an object with every `required` field, and every known field well-formed: one check for records and messages. */
export const wellFormed = (value: unknown, required: readonly string[]): boolean =>
  typeof value === 'object' && value !== null &&
  required.every((key) => (value as Record<string, unknown>)[key] !== undefined) &&
  Object.entries(value).every(([key, field]) => field === undefined || !Object.hasOwn(FIELDS, key) || FIELDS[key]!(field));

/** Whether `value` is a well-formed record. */
export const isRecord = (value: unknown): value is SharedRecord => wellFormed(value, ['v', 'lastActivity']);

/** Storage that reports its own failures (private mode, quota, garbage) instead of throwing. */
export interface RecordStore {
  read(): SharedRecord | undefined;
  /** Merges `patch` into the record; with `only`, only when it accepts the record as it is (read once). */
  write(patch: Partial<SharedRecord>, only?: (record: SharedRecord | undefined) => boolean): void;
  clear(): void;
}

/** The record's times: none may be later than now. */
const TIMES = ['lastActivity', 'endedAt', 'provedAt', 'goneAt'] as const;

/**
 * The shared record in `storage()` under `key`. A time in it later than `now()` (another tab's
 * clock, or this one set back) reads as now and is repaired in storage.
 */
export function recordStore(storage: () => Storage, key: string, onError: (error: unknown, during: string) => void, now: () => number = Date.now): RecordStore {
  /**
   * The newest last activity this store read or wrote. A write on top of a missing or garbled
   * record (cleared storage, garbage) keeps it: a partial write (a check, a pagehide) must not
   * leave a record whose last activity is 0, which a reload or a new tab would read as idle for ages.
   */
  let known = 0;
  /** Runs `use` on the storage; a throw is reported, not passed on. */
  const attempt = <T>(use: (store: Storage) => T): T | undefined => {
    try {
      return use(storage());
    } catch (error) {
      onError(error, 'storage');
    }
  };
  const read = (): SharedRecord | undefined =>
    attempt((store) => {
      const raw = store.getItem(key);
      if (raw === null) return;
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed)) throw new TypeError(`sessionwarden: malformed record in storage key "${key}"`);
      const at = now();
      const future = TIMES.filter((time) => parsed[time]! > at);
      for (const time of future) parsed[time] = at;
      if (future.length) store.setItem(key, JSON.stringify(parsed));
      known = Math.max(known, parsed.lastActivity);
      return parsed;
    });
  return {
    read,
    write: (patch, only) =>
      attempt((store) => {
        const record = read();
        if (only && !only(record)) return;
        store.setItem(key, JSON.stringify({ lastActivity: known, ...record, ...patch, v: 1 }));
        known = Math.max(known, patch.lastActivity ?? 0);
      }),
    clear() {
      known = 0;
      attempt((store) => store.removeItem(key));
    },
  };
}
