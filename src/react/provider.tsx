import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { SessionManager, type SessionOptions } from 'sessionwarden';

const SessionContext = createContext<SessionManager | null>(null);

/** Bad input to the React bindings: a `TypeError` that says what was wrong. */
export const fail = (problem: string): never => {
  throw new TypeError(`sessionwarden: ${problem}`);
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

/** The provider's manager; a clear error outside one. */
export function useSessionManager(): SessionManager {
  const session = useContext(SessionContext);
  if (!session) throw new Error('sessionwarden: useSession() and its components must be used inside <SessionProvider>');
  return session;
}

