import { randomBytes } from 'node:crypto';

/** A server-side session: what the token's `sid` points to. */
export interface ServerSession {
  id: string;
  username: string;
  /** The current refresh value; a reused older one revokes the session. */
  refresh: string;
  usedRefresh: Set<string>;
  /** Last request that counts as use (not the check, not the beacon): the sliding idle window. */
  lastSeen: number;
  /** Set by the close beacon: the session ends after the grace unless a request comes first. */
  closingAt?: number;
}

export const randomId = () => randomBytes(24).toString('base64url');

/**
 * The embedded in-memory store. Expiry is lazy (checked on access and in `sweep()`), so no timer
 * runs per session.
 */
export function createStore(now: () => number, serverIdle: number, closeGrace: number) {
  const sessions = new Map<string, ServerSession>();
  const expired = (s: ServerSession) =>
    now() - s.lastSeen > serverIdle || (s.closingAt !== undefined && now() - s.closingAt > closeGrace);
  const get = (id: string | undefined): ServerSession | undefined => {
    const session = id ? sessions.get(id) : undefined;
    if (session && expired(session)) {
      sessions.delete(session.id);
      return undefined;
    }
    return session;
  };
  return {
    sessions,
    create(username: string): ServerSession {
      const session = { id: randomId(), username, refresh: randomId(), usedRefresh: new Set<string>(), lastSeen: now() };
      sessions.set(session.id, session);
      return session;
    },
    get,
    byRefresh(value: string | undefined): { session?: ServerSession; reused: boolean } {
      if (!value) return { reused: false };
      for (const session of sessions.values()) {
        if (session.refresh === value) return { session: get(session.id), reused: false };
        if (session.usedRefresh.has(value)) return { session, reused: true };
      }
      return { reused: false };
    },
    /** Any request of the session but the check and the beacon: the user is using it. */
    touch(session: ServerSession) {
      session.lastSeen = now();
      session.closingAt = undefined;
    },
    delete(id: string) {
      sessions.delete(id);
    },
    revokeUser(username: string): number {
      let count = 0;
      for (const session of [...sessions.values()]) {
        if (session.username === username) {
          sessions.delete(session.id);
          count++;
        }
      }
      return count;
    },
    sweep() {
      for (const session of [...sessions.values()]) get(session.id);
    },
  };
}
