import { randomBytes } from 'node:crypto';

/** A server-side session: what a token's `sid` claim and the refresh cookie point to. */
export interface ServerSession {
  /** Random, unguessable; the JWT's `sid`. */
  readonly id: string;
  readonly username: string;
  readonly createdAt: number;
  /** The refresh values issued to this session, oldest first; the last one is the current one. */
  readonly refreshes: string[];
  /** The last request that counts as use (not the check, not the beacon): the sliding idle window. */
  lastSeen: number;
  /** Set by the close beacon: the session ends `closeGrace` later unless a request comes first. */
  closingAt?: number;
}

/** What a refresh cookie value says about its session. */
export interface RefreshLookup {
  session: ServerSession;
  /** `false` when the value was already rotated out: replaying it means it was copied. */
  current: boolean;
}

/** A random opaque value (192 bits, base64url): session ids and refresh values. */
export const randomId = (): string => randomBytes(24).toString('base64url');

/** The in-memory store, as returned by {@link createStore}. */
export type Store = ReturnType<typeof createStore>;

/**
 * The embedded in-memory store (no database: a restart signs everyone out, which suits a demo).
 *
 * Expiry is lazy: a session is judged when it is looked up, and `sweep()` (called from one unref'd
 * interval in `main.ts`) drops the ones nobody asks about. So there is no timer per session, nothing
 * to clear on logout, and a test moves time with its injected `now` alone.
 */
export function createStore(now: () => number, serverIdle: number, closeGrace: number) {
  const sessions = new Map<string, ServerSession>();
  /** Every refresh value still belonging to a live session → that session's id. */
  const refreshOwner = new Map<string, string>();

  const isOver = (s: ServerSession, at: number) =>
    at - s.lastSeen >= serverIdle || (s.closingAt !== undefined && at - s.closingAt >= closeGrace);

  const remove = (session: ServerSession) => {
    sessions.delete(session.id);
    for (const value of session.refreshes) refreshOwner.delete(value);
  };

  /** The live session with this id; one that ran out is deleted here, on access. */
  const get = (id: unknown): ServerSession | undefined => {
    const session = typeof id === 'string' ? sessions.get(id) : undefined;
    if (session && isOver(session, now())) {
      remove(session);
      return undefined;
    }
    return session;
  };

  const addRefresh = (session: ServerSession) => {
    const value = randomId();
    session.refreshes.push(value);
    refreshOwner.set(value, session.id);
    return value;
  };

  return {
    /** Live (and not yet swept) sessions; for the users list and tests. */
    sessions: sessions as ReadonlyMap<string, ServerSession>,
    get,
    create(username: string): ServerSession {
      const session: ServerSession = { id: randomId(), username, createdAt: now(), refreshes: [], lastSeen: now() };
      sessions.set(session.id, session);
      addRefresh(session);
      return session;
    },
    /** The session a refresh value belongs to, current or already rotated out; no side effects but lazy expiry. */
    byRefresh(value: string | undefined): RefreshLookup | undefined {
      const session = value ? get(refreshOwner.get(value)) : undefined;
      return session && { session, current: session.refreshes.at(-1) === value };
    },
    /** Issues the next refresh value; the previous ones stay known so that a replay is detected. */
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
    endsAt(session: ServerSession): number {
      const idleEnd = session.lastSeen + serverIdle;
      return session.closingAt === undefined ? idleEnd : Math.min(idleEnd, session.closingAt + closeGrace);
    },
    delete(session: ServerSession) {
      remove(session);
    },
    /** Ends every session of a user; returns how many there were. */
    revokeUser(username: string): number {
      let count = 0;
      for (const session of [...sessions.values()]) {
        if (session.username !== username) continue;
        remove(session);
        count++;
      }
      return count;
    },
    /** Drops the sessions that ran out; returns how many. */
    sweep(): number {
      const before = sessions.size;
      for (const id of [...sessions.keys()]) get(id);
      return before - sessions.size;
    },
  };
}
