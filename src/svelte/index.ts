import type { SessionManager, SessionSnapshot } from 'sessionwarden';

/** A Svelte readable store of the session's snapshot (Svelte 4 and 5: `$session`), with the actions. */
export interface SessionStore {
  /** The store contract: calls `run` at once with the snapshot, then on every change. */
  subscribe(run: (snapshot: SessionSnapshot) => void): () => void;
  /** Ends a warning; see `SessionManager.extend`. */
  extend(): void;
  /** Ends the session in every tab. */
  logout(): void;
  /** Whether the user has `role` (UI only). */
  hasRole(role: string): boolean;
  /** Whether the user may `permission` (UI only). */
  can(permission: string): boolean;
  /** The manager itself. */
  manager: SessionManager;
}

/** Wraps a manager in a store that fits Svelte's store contract; no Svelte import needed. */
export function sessionStore(session: SessionManager): SessionStore {
  if (typeof session?.subscribe !== 'function' || typeof session.getSnapshot !== 'function') {
    throw new TypeError('sessionwarden/svelte: sessionStore() takes a SessionManager');
  }
  return {
    subscribe(run) {
      run(session.getSnapshot());
      return session.subscribe(() => run(session.getSnapshot()));
    },
    extend: () => session.extend(),
    logout: () => session.logout(),
    hasRole: (role) => session.hasRole(role),
    can: (permission) => session.can(permission),
    manager: session,
  };
}
