import { randomBytes } from 'node:crypto';

/** One refresh value of a session and when it was issued (the one after it retired it). */
export interface RefreshValue {
  readonly value: string;
  readonly issuedAt: number;
}

/** A server-side session: what a token's `sid` claim and the refresh cookie point to. */
export interface ServerSession {
  /** Random, unguessable; the JWT's `sid`. */
  readonly id: string;
  readonly username: string;
  readonly createdAt: number;
  /** "Remember me": the refresh cookie outlives the browser (it still ends at `expiresAt`). */
  readonly remember: boolean;
  /** The absolute end, however active the user is (epoch ms). */
  readonly expiresAt: number;
  /**
   * The refresh values issued to this session, oldest first; the last one is the current one. At
   * most {@link KEPT_REFRESH_VALUES}: a rotated-out value older than those is simply unknown.
   */
  readonly refreshes: RefreshValue[];
  /** The last request that counts as use (not the check, not the beacon): the sliding idle window. */
  lastSeen: number;
  /** Set by the close beacon: the session ends `closeGrace` later unless a request comes first. */
  closingAt?: number;
}

/**
 * What a refresh cookie value says about its session:
 * - `'current'`: the newest value;
 * - `'grace'`: rotated out less than `rotationGrace` ago (a second tab, or a retry after a lost
 *   response): it may have the current value, but it does not rotate again;
 * - `'reused'`: rotated out longer ago: the browser only holds the newest, so this one was copied.
 */
export interface RefreshLookup {
  session: ServerSession;
  status: 'current' | 'grace' | 'reused';
}

/**
 * The store cannot answer now (Redis down, stalled or restarting; a call past its timeout). The app
 * answers `503` with `Retry-After`: the client retries, and never reads it as a sign-out.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** What a new session needs: "Remember me", its absolute lifetime, and how many live sessions its user may hold. */
export interface NewSession {
  remember: boolean;
  maxAge: number;
  /** Live sessions per user: past it, the user's oldest live sessions end (told as any end is). Default: no limit. */
  limit?: number;
}

/** How many refresh values a session keeps for reuse detection (the current one included). */
export const KEPT_REFRESH_VALUES = 10;

/** A random opaque value (192 bits, base64url): session ids and refresh values. */
export const randomId = (): string => randomBytes(24).toString('base64url');

/** Timings of {@link createStore}, in milliseconds. */
export interface StoreTimings {
  serverIdle: number;
  closeGrace: number;
  rotationGrace: number;
}

/** Whether a session is over at `at`: its absolute end, its idle window, or the close beacon's grace. */
export const isOver = (s: ServerSession, at: number, { serverIdle, closeGrace }: StoreTimings): boolean =>
  at >= s.expiresAt || at - s.lastSeen >= serverIdle || (s.closingAt !== undefined && at - s.closingAt >= closeGrace);

/** When the session ends if nothing happens (server clock, epoch ms). */
export const endsAt = (s: ServerSession, { serverIdle, closeGrace }: StoreTimings): number => {
  const idleEnd = Math.min(s.lastSeen + serverIdle, s.expiresAt);
  return s.closingAt === undefined ? idleEnd : Math.min(idleEnd, s.closingAt + closeGrace);
};

/** The in-memory store, as returned by {@link createStore}. */
export type Store = ReturnType<typeof createStore>;

type Awaitable<T> = T | Promise<T>;

/**
 * What the app needs of a store: the in-memory one answers at once, the Redis one (`redis-store.ts`)
 * with promises, so the app awaits every call. `current()` and `endsAt()` read the session object only.
 */
export interface SessionStore {
  get(id: unknown): Awaitable<ServerSession | undefined>;
  /** A new session; past `limit` live sessions of the user, the oldest end (told to `onEnd`, as a revocation). */
  create(username: string, options: NewSession): Awaitable<ServerSession>;
  byRefresh(value: string | undefined): Awaitable<RefreshLookup | undefined>;
  current(session: ServerSession): string;
  rotate(session: ServerSession): Awaitable<string>;
  touch(session: ServerSession): Awaitable<void>;
  alive(session: ServerSession): Awaitable<void>;
  markClosing(session: ServerSession): Awaitable<void>;
  endsAt(session: ServerSession): number;
  /** Ends a session; `replaced` when the same browser signed in again (its streams close without a word). */
  delete(session: ServerSession, replaced?: boolean): Awaitable<void>;
  revokeUser(username: string): Awaitable<number>;
  /** Live sessions of a user. */
  count(username: string): Awaitable<number>;
  sweep(): Awaitable<number>;
  /**
   * A shared store calls `listener` each time it is connected again after a loss: the ends of sessions
   * told meanwhile (pub/sub) were missed, so whoever holds event streams looks their sessions up again.
   */
  onReconnect?(listener: () => void): void;
}

/**
 * Makes a store for the app: its clock, its timings, and `onEnd`, called with the id of each session
 * that ends (logout, revocation, expiry found; `replaced` by a new sign-in in the same browser), in
 * every server process that shares the store, so that each closes its event streams of that session.
 */
export type StoreFactory<S extends SessionStore = SessionStore> = (now: () => number, timings: StoreTimings, onEnd: (id: string, replaced: boolean) => void) => S;

/**
 * The embedded in-memory store (no database: a restart signs everyone out, which suits a demo).
 *
 * Expiry is lazy: a session is judged when it is looked up, and `sweep()` (called from one unref'd
 * interval in `main.ts`) drops the ones nobody asks about. So there is no timer per session, nothing
 * to clear on logout, and a test moves time with its injected `now` alone.
 */
export function createStore(now: () => number, timings: StoreTimings, onEnd: (id: string, replaced: boolean) => void = () => {}) {
  const sessions = new Map<string, ServerSession>();
  /** Every refresh value still kept by a live session → that session's id. */
  const refreshOwner = new Map<string, string>();
  /** Each user's session ids, oldest first. */
  const byUser = new Map<string, Set<string>>();

  const remove = (session: ServerSession, replaced = false) => {
    if (!sessions.delete(session.id)) return;
    for (const { value } of session.refreshes) refreshOwner.delete(value);
    const ids = byUser.get(session.username);
    ids?.delete(session.id);
    if (ids?.size === 0) byUser.delete(session.username);
    onEnd(session.id, replaced);
  };
  /** The user's live sessions, oldest first (the ones that ran out are dropped on the way). */
  const sessionsOf = (username: string) => [...(byUser.get(username) ?? [])].map(get).filter((s): s is ServerSession => s !== undefined);

  /** The live session with this id; one that ran out is deleted here, on access. */
  const get = (id: unknown): ServerSession | undefined => {
    const session = typeof id === 'string' ? sessions.get(id) : undefined;
    if (session && isOver(session, now(), timings)) {
      remove(session);
      return undefined;
    }
    return session;
  };

  const addRefresh = (session: ServerSession) => {
    const value = randomId();
    session.refreshes.push({ value, issuedAt: now() });
    refreshOwner.set(value, session.id);
    // Bounded: the oldest values are forgotten (a replay of one is then just unknown, not detected).
    for (const { value: old } of session.refreshes.splice(0, session.refreshes.length - KEPT_REFRESH_VALUES)) refreshOwner.delete(old);
    return value;
  };

  return {
    /** Live (and not yet swept) sessions; for the users list and tests. */
    sessions: sessions as ReadonlyMap<string, ServerSession>,
    get,
    create(username: string, { remember, maxAge, limit = Infinity }: NewSession): ServerSession {
      const at = now();
      const session: ServerSession = { id: randomId(), username, createdAt: at, remember, expiresAt: at + maxAge, refreshes: [], lastSeen: at };
      sessions.set(session.id, session);
      byUser.set(username, (byUser.get(username) ?? new Set()).add(session.id));
      addRefresh(session);
      if ((byUser.get(username)?.size ?? 0) > limit) {
        const live = sessionsOf(username);
        for (const old of live.slice(0, Math.max(0, live.length - limit))) remove(old);
      }
      return session;
    },
    /** The session a refresh value belongs to, and whether the value is current; no side effects but lazy expiry. */
    byRefresh(value: string | undefined): RefreshLookup | undefined {
      const session = value ? get(refreshOwner.get(value)) : undefined;
      if (!session) return undefined;
      const index = session.refreshes.findIndex((r) => r.value === value);
      const retiredAt = session.refreshes[index + 1]?.issuedAt;
      if (retiredAt === undefined) return { session, status: 'current' };
      return { session, status: now() - retiredAt < timings.rotationGrace ? 'grace' : 'reused' };
    },
    /** The session's current refresh value. */
    current: (session: ServerSession): string => session.refreshes.at(-1)!.value,
    /** Issues the next refresh value; the previous ones stay known (up to a bound) so that a replay is detected. */
    rotate: addRefresh,
    /** A request of the session that counts as use: slides the idle window and cancels a close. */
    touch(session: ServerSession) {
      session.lastSeen = now();
      session.closingAt = undefined;
    },
    /** A sign of life that is not use (the check): a page is still there, but the idle window stays put. */
    alive(session: ServerSession) {
      session.closingAt = undefined;
    },
    /** The close beacon: a page went away; the next request of the session, if any, clears this. */
    markClosing(session: ServerSession) {
      session.closingAt = now();
    },
    /** When the session ends if nothing happens (server clock, epoch ms). */
    endsAt: (session: ServerSession): number => endsAt(session, timings),
    delete(session: ServerSession, replaced?: boolean) {
      remove(session, replaced);
    },
    /** Ends every session of a user; returns how many there were. */
    revokeUser(username: string): number {
      const live = sessionsOf(username);
      for (const session of live) remove(session);
      return live.length;
    },
    /** Live sessions of a user. */
    count: (username: string): number => sessionsOf(username).length,
    /** Drops the sessions that ran out; returns how many. */
    sweep(): number {
      const before = sessions.size;
      for (const id of [...sessions.keys()]) get(id);
      return before - sessions.size;
    },
  };
}
