import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { appBinding, SessionManager, type SessionOptions } from 'sessionwarden';

const SessionContext = createContext<SessionManager | null>(null);

/** Bad input to the React bindings: a `TypeError` that says what was wrong. */
export const fail = (problem: string): never => {
  throw new TypeError(`sessionwarden: ${problem}`);
};

/** Props of {@link SessionProvider}: a `manager` you own, or `options` for one the provider owns. */
export interface SessionProviderProps {
  /** A manager you created (and destroy): the provider starts it as below and stops it on unmount. */
  manager?: SessionManager;
  /**
   * Options for a manager the provider creates (once, on first render), starts as below and
   * destroys on unmount. Later changes are ignored. Without `manager` and `options`, the defaults.
   */
  options?: SessionOptions;
  /**
   * Start without a token: a cookie session (render the provider, or set this, once the user has
   * signed in), or inactivity alone. Default `false`: the provider starts the session only once it
   * has a token. A change to `true` starts it then.
   */
  startWithoutToken?: boolean;
  /** The app. */
  children?: ReactNode;
}

/**
 * Makes a session available to {@link useSession} and the components below it, and runs it for the
 * app (see `appBinding()` in `sessionwarden`).
 *
 * It starts the session only once there is one to run, so that a visitor who has not signed in is
 * never signed out: on mount if the manager has a token (or with `startWithoutToken`), else at the
 * first `setToken()` (after sign-in), without a reload; after a sign-out, the next `setToken()` (a new
 * sign-in) starts the new session. Before that it makes no request and emits no `'expired'`.
 *
 * An end found at start (an expired token, a closed browser, a logout in another tab) reaches the
 * components: the provider starts the session in its effect, after those of the components below
 * it, so every `useSessionEvent('expired', …)` of the first render hears it once; one that subscribes
 * later in the same task hears it too, and a component that mounts after that does not.
 *
 * Rendering touches no DOM (safe on the server): the manager starts in an effect, so it runs in the
 * browser only. StrictMode's double effects stop (or destroy) and start it again, leaving it running.
 *
 * @throws `TypeError` when `manager` is not a `SessionManager`, or both `manager` and `options` are given.
 */
export function SessionProvider({ manager, options, startWithoutToken = false, children }: SessionProviderProps) {
  if (manager !== undefined && (typeof manager?.subscribe !== 'function' || options !== undefined)) {
    fail('<SessionProvider> takes a SessionManager as `manager`, or `options`, not both');
  }
  // Created at most once, and only when no manager is given; the constructor touches no DOM.
  const owned = useRef<SessionManager | null>(null);
  const session = manager ?? (owned.current ??= new SessionManager(options));
  useEffect(() => () => (session === manager ? session.stop() : session.destroy()), [session, manager]);
  // Children's effects run first: their handlers are there when an end is found at start.
  useEffect(() => appBinding(session).start(startWithoutToken), [session, startWithoutToken]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The provider's manager; a clear error outside one. */
export function useSessionManager(): SessionManager {
  const session = useContext(SessionContext);
  if (!session) throw new Error('sessionwarden: useSession() and its components must be used inside <SessionProvider>');
  return session;
}

