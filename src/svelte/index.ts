import type { SessionManager, SessionSnapshot } from 'sessionwarden';

/** A readable store of the session's snapshot (`$session` in Svelte 4 and 5), with the actions. */
export interface SessionStore {
  /** The store contract: calls `run` at once (synchronously) with the snapshot, then on every change; returns the unsubscribe. */
  subscribe(run: (snapshot: SessionSnapshot) => void): () => void;
  /** Ends a warning; see `SessionManager.extend`. */
  extend(): void;
  /** Ends the session in every tab. */
  logout(): void;
  /** Whether the user has `role`. Not a store: read `$session` beside it to follow role changes. Shapes the UI only. */
  hasRole(role: string): boolean;
  /** Whether the user's roles grant `permission`. Not a store: read `$session` beside it to follow role changes. Shapes the UI only. */
  can(permission: string): boolean;
  /** The manager itself, e.g. for `start()`, `setToken()` or `remaining()`. */
  manager: SessionManager;
}

/**
 * Wraps a manager in a store that fits Svelte's store contract, without importing Svelte:
 * `const session = sessionStore(manager)`, then `$session.state` in a component. Starting and
 * stopping the manager stay the app's (e.g. in `onMount`).
 *
 * @throws `TypeError` when `manager` is not a `SessionManager`.
 */
export function sessionStore(manager: SessionManager): SessionStore {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new TypeError(`sessionwarden: ${what}`);
  };
  need(typeof manager?.subscribe === 'function' && typeof manager.getSnapshot === 'function', 'sessionStore() takes a SessionManager');
  return {
    subscribe(run) {
      need(typeof run === 'function', 'subscribe() takes a function');
      // Subscribed before the first call, so a change that `run` itself causes is not missed.
      const unsubscribe = manager.subscribe(() => run(manager.getSnapshot()));
      run(manager.getSnapshot());
      return unsubscribe;
    },
    extend: () => manager.extend(),
    logout: () => manager.logout(),
    hasRole: (role) => manager.hasRole(role),
    can: (permission) => manager.can(permission),
    manager,
  };
}
