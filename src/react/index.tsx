import { useEffect, useInsertionEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { appBinding, type SessionEvents, type SessionManager, type SessionSnapshot } from 'sessionwarden';
import { fail, useSessionManager } from './provider';

export { SessionProvider, useSessionManager, type SessionProviderProps } from './provider';

/** The actions of {@link useSession}: the same functions for as long as the manager is the same. */
export interface SessionActions {
  /** Ends a warning; see `SessionManager.extend`. */
  extend(): void;
  /** Ends the session in every tab. */
  logout(): void;
  /** Whether the user has `role`. Shapes the UI only: the server decides. */
  hasRole(role: string): boolean;
  /** Whether the user's roles grant `permission`. Shapes the UI only: the server decides. */
  can(permission: string): boolean;
  /** The manager itself, e.g. for `setToken()` or `remaining()`. */
  manager: SessionManager;
}

/** What {@link useSession} returns: the snapshot's fields and the actions. */
export interface UseSession extends SessionSnapshot, SessionActions {}

/**
 * The session's snapshot (through `useSyncExternalStore`: a re-render only when it changes, and the
 * same snapshot on the server and during hydration) and its actions.
 *
 * @throws `Error` outside a {@link SessionProvider}.
 */
export function useSession(): UseSession {
  const session = useSessionManager();
  const [subscribe, getSnapshot, actions] = useMemo(
    () => [
      (listener: () => void) => session.subscribe(listener),
      () => session.getSnapshot(),
      {
        extend: () => session.extend(),
        logout: () => session.logout(),
        hasRole: (role: string) => session.hasRole(role),
        can: (permission: string) => session.can(permission),
        manager: session,
      },
    ] as const,
    [session],
  );
  return { ...useSyncExternalStore(subscribe, getSnapshot, getSnapshot), ...actions };
}

/**
 * Calls the latest `handler` on each `type` event: subscribed once per manager and event type, so
 * an inline arrow function does not resubscribe on every render.
 *
 * `'expired'` for an end found at start (an expired token, a closed browser, a logout in another
 * tab) comes once, even though the component subscribed after the session started: to every
 * component of the first render, and to those that subscribe later in the same task; a component
 * that mounts after that (a route change after the end) is not told, and reads `state` instead.
 * See `appBinding()` in `sessionwarden`.
 *
 * @throws `Error` outside a {@link SessionProvider}; `TypeError` (from the effect) for an unknown event type.
 */
export function useSessionEvent<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): void {
  const session = useSessionManager();
  if (typeof handler !== 'function') fail('useSessionEvent() takes a handler function');
  const latest = useRef(handler);
  // The component, across StrictMode's double effects: it is told of an end once.
  const owner = useRef({}).current;
  // Updated at commit, not during render: a render React throws away must not swap the handler.
  useInsertionEffect(() => void (latest.current = handler));
  useEffect(() => appBinding(session).on(type, (payload) => latest.current(payload), owner), [session, type, owner]);
}

/** Props of {@link Can}. */
export interface CanProps {
  /** The permission the children need. */
  permission: string;
  /** Shown instead when the user lacks it. Default nothing. */
  fallback?: ReactNode;
  /** Shown when the user has it. */
  children?: ReactNode;
}

/**
 * Renders `children` only for users whose roles grant `permission` (else `fallback`); follows role
 * changes. Shapes the UI only: the server decides.
 */
export function Can({ permission, fallback = null, children }: CanProps) {
  return <>{useSession().can(permission) ? children : fallback}</>;
}

/** Props of {@link RequireRole}. */
export interface RequireRoleProps {
  /** The role the children need. */
  role: string;
  /** Shown instead when the user lacks it. Default nothing. */
  fallback?: ReactNode;
  /** Shown when the user has it. */
  children?: ReactNode;
}

/** Renders `children` only for users with `role` (else `fallback`); follows role changes. Shapes the UI only. */
export function RequireRole({ role, fallback = null, children }: RequireRoleProps) {
  return <>{useSession().hasRole(role) ? children : fallback}</>;
}
export { WarningDialog, type SessionWarningDialogAttributes, type WarningDialogProps } from './dialog';
