import type { SessionManager } from './session-manager';
import type { SessionEvents } from './types';

type Expired = SessionEvents['expired'];
type Listener = [handler: (payload: Expired) => void, owner: object];

/**
 * How a UI binding runs a session for the app: what `sessionwarden/react`'s `SessionProvider`,
 * `sessionwarden/vue`'s `sessionPlugin` and `sessionwarden/angular`'s `provideSession` use, for a
 * binding of your own (Svelte, Solid, Lit …). One per manager: {@link appBinding} returns the same.
 */
export interface AppBinding {
  /**
   * Starts the session only once there is one to run, so that a visitor who has not signed in is
   * never signed out: now if the manager has a token (or with `withoutToken`: a cookie session, or
   * inactivity alone), else at the first `setToken()`; and after an end (a sign-out), each new token
   * (a new sign-in) starts the new session, without a reload. Before that it makes no request and
   * emits nothing. Call it in the browser. `start()` called by the app itself keeps its meaning.
   * @param run - runs the manager's `start()` (Angular's: outside its zone, wherever `setToken()` was called).
   * @returns the function that stops watching for a token (it leaves the session as it is).
   */
  start(withoutToken?: boolean, run?: (start: () => void) => void): () => void;
  /**
   * Listens like the manager's `on()`. For `'expired'`, a handler also hears an end that came before
   * it subscribed, once: an end found at start (an expired token, a closed browser, a logout in
   * another tab) comes before the app's components have subscribed. Such an end is kept for them:
   *
   * - an end that no handler heard is handed, in a microtask, to the handlers that subscribe next,
   *   and to every one subscribing until the end of that task (one render); then it is dropped;
   * - an end that handlers heard is handed to those that subscribe in the rest of the same task
   *   (the rest of the render, e.g. a route's component after its layout), then dropped.
   *
   * So every component of the render that finds the end is told once, and one that mounts later (a
   * route change after the end) is not told: it reads `state === 'expired'` from the snapshot. Once a
   * new session began (a sign-in), an earlier end is not handed to anyone.
   *
   * @param owner - one object per component, the same across its re-subscriptions (React's
   * StrictMode runs effects twice): an owner is told of an end at most once. Default: this call's own.
   * @returns the function that removes the handler.
   * @throws `TypeError` for an unknown event type (as `on()`).
   */
  on<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void, owner?: object): () => void;
}

const bindings = new WeakMap<SessionManager, AppBinding>();

/**
 * The {@link AppBinding} of `session` (made on first use, then the same): starts the session once
 * there is one to run, and delivers an end found at start to the components that subscribe after it.
 */
export function appBinding(session: SessionManager): AppBinding {
  let binding = bindings.get(session);
  if (binding) return binding;
  const listeners = new Set<Listener>();
  /** The last end, and the owners told of it. */
  let kept: [Expired, WeakSet<object>] | undefined;
  /** Keeps `end` until the current task is over. */
  const dropSoon = (end = kept) => setTimeout(() => kept === end && (kept = undefined));
  const deliver = (payload: Expired) => {
    const told = new WeakSet<object>();
    for (const [handler, owner] of [...listeners]) told.add(owner), handler(payload);
    kept = [payload, told];
    if (listeners.size) dropSoon();
  };
  /** (Again) after `destroy()`, which removes every handler. */
  const arm = () => {
    session.off('expired', deliver);
    session.on('expired', deliver);
  };
  arm();
  binding = {
    start(withoutToken = false, run = (go) => go()) {
      arm();
      let token = session.token;
      let live = true;
      const go = () => session.start();
      if (withoutToken || token !== null) run(go);
      const unwatch = session.subscribe(() => {
        const next = session.token;
        if (next === token || (token = next) === null) return;
        // After the end, setToken() makes the next start() a new session only once it returns.
        queueMicrotask(() => live && session.token === next && run(go));
      });
      return () => {
        live = false;
        unwatch();
      };
    },
    on(type, handler, owner = {}) {
      if (type !== 'expired') return session.on(type, handler);
      const listener: Listener = [handler as Listener[0], owner];
      listeners.add(listener);
      const end = kept;
      if (end && !end[1].has(owner)) {
        queueMicrotask(() => {
          // A new session since (a sign-in) makes an earlier end old news.
          if (!listeners.has(listener) || kept !== end || end[1].has(owner) || session.state !== 'expired') return;
          end[1].add(owner);
          listener[0](end[0]);
          dropSoon(end);
        });
      }
      return () => void listeners.delete(listener);
    },
  };
  bindings.set(session, binding);
  return binding;
}
