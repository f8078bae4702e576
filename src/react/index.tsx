import { createContext, useContext, useEffect, useInsertionEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { SessionManager, type SessionEvents, type SessionOptions, type SessionSnapshot } from 'sessionwarden';

const SessionContext = createContext<SessionManager | null>(null);

const fail = (problem: string): never => {
  throw new TypeError(`sessionwarden/react: ${problem}`);
};

/** Props of {@link SessionProvider}: a `manager` you own, or `options` for one the provider owns. */
export interface SessionProviderProps {
  /** A manager you created (and destroy): the provider starts it on mount and stops it on unmount. */
  manager?: SessionManager;
  /**
   * Options for a manager the provider creates (once, on first render), starts on mount and
   * destroys on unmount. Later changes are ignored. Without `manager` and `options`, the defaults.
   */
  options?: SessionOptions;
  /** The app. */
  children?: ReactNode;
}

/**
 * Makes a session available to {@link useSession} and the components below it.
 *
 * Rendering touches no DOM (safe on the server): the manager starts in an effect, so it runs in the
 * browser only. StrictMode's double effects stop (or destroy) and start it again, leaving it running.
 *
 * @throws `TypeError` when `manager` is not a `SessionManager`, or both `manager` and `options` are given.
 */
export function SessionProvider({ manager, options, children }: SessionProviderProps) {
  if (manager !== undefined && (typeof manager?.subscribe !== 'function' || options !== undefined)) {
    fail('<SessionProvider> takes a SessionManager as `manager`, or `options`, not both');
  }
  // Created at most once, and only when no manager is given; the constructor touches no DOM.
  const owned = useRef<SessionManager | null>(null);
  const session = manager ?? (owned.current ??= new SessionManager(options));
  useEffect(() => {
    session.start();
    return () => (session === manager ? session.stop() : session.destroy());
  }, [session, manager]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

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

/** The provider's manager; a clear error outside one. */
export function useSessionManager(): SessionManager {
  const session = useContext(SessionContext);
  if (!session) throw new Error('sessionwarden/react: useSession() and its components must be used inside <SessionProvider>');
  return session;
}

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
 * @throws `Error` outside a {@link SessionProvider}; `TypeError` (from the effect) for an unknown event type.
 */
export function useSessionEvent<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): void {
  const session = useSessionManager();
  if (typeof handler !== 'function') fail('useSessionEvent() takes a handler function');
  const latest = useRef(handler);
  // Updated at commit, not during render: a render React throws away must not swap the handler.
  useInsertionEffect(() => void (latest.current = handler));
  useEffect(() => {
    const listener = (payload: SessionEvents[K]) => latest.current(payload);
    session.on(type, listener);
    return () => session.off(type, listener);
  }, [session, type]);
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
