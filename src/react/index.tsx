import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { SessionManager, type SessionEvents, type SessionOptions, type SessionSnapshot } from 'sessionwarden';

const SessionContext = createContext<SessionManager | null>(null);

/** Props of {@link SessionProvider}: a `manager` you own, or `options` for one the provider owns. */
export interface SessionProviderProps {
  /** A manager you created; the provider starts it on mount and stops it on unmount. */
  manager?: SessionManager;
  /** Options for a manager the provider creates, starts on mount and destroys on unmount. */
  options?: SessionOptions;
  /** The app. */
  children?: ReactNode;
}

/**
 * Makes a session available to {@link useSession} below it. Touches no DOM while rendering (safe
 * on the server); starts in an effect, so StrictMode's double effects stop and start it again.
 */
export function SessionProvider({ manager, options, children }: SessionProviderProps) {
  const [session] = useState(() => manager ?? new SessionManager(options));
  useEffect(() => {
    session.start();
    return () => (session === manager ? session.stop() : session.destroy());
  }, [session, manager]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** What {@link useSession} returns: the snapshot and the actions. */
export interface UseSession extends SessionSnapshot {
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

const useManager = (): SessionManager => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('sessionwarden/react: use this hook inside <SessionProvider>');
  return session;
};

/** The session's snapshot (re-rendering only when it changes) and its actions. */
export function useSession(): UseSession {
  const session = useManager();
  const [subscribe] = useState(() => (listener: () => void) => session.subscribe(listener));
  const snapshot = useSyncExternalStore(subscribe, () => session.getSnapshot(), () => session.getSnapshot());
  return {
    ...snapshot,
    extend: () => session.extend(),
    logout: () => session.logout(),
    hasRole: (role) => session.hasRole(role),
    can: (permission) => session.can(permission),
    manager: session,
  };
}

/** Calls the latest `handler` on each `type` event, subscribed once per manager. */
export function useSessionEvent<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): void {
  const session = useManager();
  const latest = useRef(handler);
  latest.current = handler;
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

/** Renders `children` only for users whose roles grant `permission`. Shapes the UI only: the server decides. */
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

/** Renders `children` only for users with `role`. Shapes the UI only: the server decides. */
export function RequireRole({ role, fallback = null, children }: RequireRoleProps) {
  return <>{useSession().hasRole(role) ? children : fallback}</>;
}
