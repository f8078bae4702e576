import { getCurrentScope, inject, onScopeDispose, shallowReadonly, shallowRef, type App, type Directive, type Plugin, type Ref } from 'vue';
import { appBinding, SessionManager, type SessionEvents, type SessionOptions, type SessionSnapshot } from 'sessionwarden';
import { sessionKey } from './key';

export { sessionKey };

const isManager = (value: unknown): value is SessionManager =>
  typeof (value as SessionManager)?.subscribe === 'function' && typeof (value as SessionManager).getSnapshot === 'function';

/** A directive that hides its element (`display: none`) unless `allowed(value)`, following the session. */
function gate(session: SessionManager, allowed: (value: string) => boolean): Directive<HTMLElement, string> {
  // Per element: the value, the element's own inline `display`, and the unsubscribe.
  const bound = new WeakMap<HTMLElement, [value: string, display: string, stop: () => void]>();
  const apply = (el: HTMLElement) => {
    const [value, display] = bound.get(el)!;
    el.style.display = allowed(value) ? display : 'none';
  };
  return {
    mounted(el, { value }) {
      bound.set(el, [value, el.style.display, session.subscribe(() => apply(el))]);
      apply(el);
    },
    updated(el, { value }) {
      bound.get(el)![0] = value;
      apply(el);
    },
    unmounted(el) {
      bound.get(el)?.[2]();
      bound.delete(el);
    },
    // Server rendering: the same decision, as an inline style.
    getSSRProps: ({ value }) => (allowed(value) ? {} : { style: { display: 'none' } }),
  };
}

/**
 * The `v-can` directive for `session`: `<button v-can="'posts:edit'">` is hidden (`display: none`)
 * unless the user's roles grant the permission, and follows role changes. {@link sessionPlugin}
 * registers it; use this to register it yourself (e.g. under another name). Shapes the UI only.
 */
export function canDirective(session: SessionManager): Directive<HTMLElement, string> {
  return gate(session, (permission) => session.can(permission));
}

/**
 * The `v-role` directive for `session`: `<a v-role="'admin'">` is hidden (`display: none`) unless
 * the user has the role, follows role changes and hides once the session ends (as React's
 * `<RequireRole>` and Angular's `*swRole`). {@link sessionPlugin} registers it; use this to register
 * it yourself. Shapes the UI only: the server decides.
 */
export function roleDirective(session: SessionManager): Directive<HTMLElement, string> {
  return gate(session, (role) => session.hasRole(role));
}

declare module 'vue' {
  /** The directives {@link sessionPlugin} registers, typed in templates (vue-tsc). */
  interface GlobalDirectives {
    /** `v-can="'posts:edit'"`: see {@link canDirective}. */
    vCan: Directive<HTMLElement, string>;
    /** `v-role="'admin'"`: see {@link roleDirective}. */
    vRole: Directive<HTMLElement, string>;
  }
}

/** The `config` of `app.use(sessionPlugin, managerOrOptions, config)`. */
export interface SessionPluginConfig {
  /**
   * Start without a token: a cookie session (install the plugin once the user has signed in), or
   * inactivity alone. Default `false`: the session starts only once the manager has a token.
   */
  startWithoutToken?: boolean;
}

/**
 * `app.use(sessionPlugin, managerOrOptions, config?)`: provides the manager (see {@link useSession}),
 * registers `v-can` and `v-role`, runs the session in the browser, and when the app unmounts (Vue ≥
 * 3.5's `app.onUnmount`) stops it, or destroys it if the plugin created it from options.
 *
 * It starts the session only once there is one to run, so that a visitor who has not signed in is
 * never signed out: at once if the manager has a token (or with `startWithoutToken`), else at the
 * first `setToken()` (after sign-in), without a reload; after a sign-out, the next `setToken()` (a new
 * sign-in) starts the new session. Before that it makes no request and emits no `'expired'`.
 *
 * An end found at start (an expired token, a closed browser, a logout in another tab) comes before
 * the components have subscribed: {@link useSessionEvent} hands it to each component of the first
 * render, once. See `appBinding()` in `sessionwarden`.
 *
 * @throws `TypeError`/`RangeError` from `SessionManager` when the options are not valid.
 */
export const sessionPlugin: Plugin<[(SessionManager | SessionOptions)?, SessionPluginConfig?]> = {
  install(app: App, managerOrOptions?: SessionManager | SessionOptions, config?: SessionPluginConfig) {
    const given = isManager(managerOrOptions);
    const session = given ? managerOrOptions : new SessionManager(managerOrOptions);
    app.provide(sessionKey, session);
    app.directive('can', canDirective(session));
    app.directive('role', roleDirective(session));
    // `createSSRApp` on the server installs plugins too: start only where there is a page.
    const unwatch = typeof document === 'object' ? appBinding(session).start(config?.startWithoutToken) : () => {};
    app.onUnmount?.(() => (unwatch(), given ? session.stop() : session.destroy()));
  },
};

/** What {@link useSession} returns. */
export interface UseSession {
  /** The snapshot, as a readonly ref that changes when the session does: `snapshot.value.state`. */
  snapshot: Readonly<Ref<SessionSnapshot>>;
  /** Ends a warning; see `SessionManager.extend`. */
  extend(): void;
  /** Ends the session in every tab. */
  logout(): void;
  /** Whether the user has `role` (reactive when read in a render or `computed`). Shapes the UI only. */
  hasRole(role: string): boolean;
  /** Whether the user's roles grant `permission` (reactive when read in a render or `computed`). Shapes the UI only. */
  can(permission: string): boolean;
  /** The manager itself, e.g. for `setToken()` or `remaining()`. */
  manager: SessionManager;
}

/** The app's manager, in `setup()` or an effect scope of an app with the plugin. */
function injected(what: string): SessionManager {
  const session = getCurrentScope() && inject(sessionKey, null);
  if (!session) throw new Error(`sessionwarden: call ${what}() in setup() of an app with app.use(sessionPlugin, …)`);
  return session;
}

/**
 * The session as a readonly reactive snapshot, plus the actions. Call it in `setup()` (or any
 * effect scope): it unsubscribes when the scope is disposed.
 *
 * @throws `Error` when the app did not `use(sessionPlugin)` or when called outside `setup()`.
 */
export function useSession(): UseSession {
  const session = injected('useSession');
  const snapshot = shallowRef(session.getSnapshot());
  // On the server nothing changes during a render, and no scope is disposed to unsubscribe.
  if (typeof document === 'object') onScopeDispose(session.subscribe(() => (snapshot.value = session.getSnapshot())));
  return {
    snapshot: shallowReadonly(snapshot),
    extend: () => session.extend(),
    logout: () => session.logout(),
    // Reading the snapshot first makes a render or `computed` that calls these follow role changes.
    hasRole: (role) => (snapshot.value ? session.hasRole(role) : false),
    can: (permission) => (snapshot.value ? session.can(permission) : false),
    manager: session,
  };
}

/**
 * Calls `handler` on each `type` event until the calling component (or effect scope) is disposed.
 * Call it in `setup()`; on the server it does nothing.
 *
 * `'expired'` for an end found at start (an expired token, a closed browser, a logout in another
 * tab) comes once, even though the plugin started the session before any component subscribed: to
 * every component of the first render (a route's component too), and no component that mounts later
 * (a route change after the end) is told: it reads `snapshot.value.state` instead. See `appBinding()`
 * in `sessionwarden`.
 *
 * @throws `Error` when the app did not `use(sessionPlugin)` or when called outside `setup()`;
 * `TypeError` for an unknown event type or a `handler` that is not a function.
 */
export function useSessionEvent<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): void {
  const session = injected('useSessionEvent');
  if (typeof handler !== 'function') throw new TypeError('sessionwarden: useSessionEvent() takes a handler function');
  if (typeof document === 'object') onScopeDispose(appBinding(session).on(type, handler));
}
export { WarningDialog } from './dialog';
