import { getCurrentScope, inject, onScopeDispose, shallowReadonly, shallowRef, type App, type Directive, type Plugin, type Ref } from 'vue';
import { SessionManager, type SessionOptions, type SessionSnapshot } from 'sessionwarden';
import { sessionKey } from './key';

export { sessionKey };

const isManager = (value: unknown): value is SessionManager =>
  typeof (value as SessionManager)?.subscribe === 'function' && typeof (value as SessionManager).getSnapshot === 'function';

/**
 * The `v-can` directive for `session`: `<button v-can="'posts:edit'">` is hidden (`display: none`)
 * unless the user's roles grant the permission, and follows role changes. {@link sessionPlugin}
 * registers it; use this to register it yourself (e.g. under another name). Shapes the UI only.
 */
export function canDirective(session: SessionManager): Directive<HTMLElement, string> {
  // Per element: the permission, the element's own inline `display`, and the unsubscribe.
  const bound = new WeakMap<HTMLElement, [permission: string, display: string, stop: () => void]>();
  const apply = (el: HTMLElement) => {
    const [permission, display] = bound.get(el)!;
    el.style.display = session.can(permission) ? display : 'none';
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
    getSSRProps: ({ value }) => (session.can(value) ? {} : { style: { display: 'none' } }),
  };
}

/**
 * `app.use(sessionPlugin, managerOrOptions)`: provides the manager (see {@link useSession}),
 * registers `v-can`, starts the manager in the browser, and when the app unmounts (Vue ≥ 3.5's
 * `app.onUnmount`) stops it, or destroys it if the plugin created it from options.
 *
 * @throws `TypeError`/`RangeError` from `SessionManager` when the options are not valid.
 */
export const sessionPlugin: Plugin<[(SessionManager | SessionOptions)?]> = {
  install(app: App, managerOrOptions?: SessionManager | SessionOptions) {
    const given = isManager(managerOrOptions);
    const session = given ? managerOrOptions : new SessionManager(managerOrOptions);
    app.provide(sessionKey, session);
    app.directive('can', canDirective(session));
    // `createSSRApp` on the server installs plugins too: start only where there is a page.
    if (typeof document === 'object') session.start();
    app.onUnmount?.(() => (given ? session.stop() : session.destroy()));
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

/**
 * The session as a readonly reactive snapshot, plus the actions. Call it in `setup()` (or any
 * effect scope): it unsubscribes when the scope is disposed.
 *
 * @throws `Error` when the app did not `use(sessionPlugin)` or when called outside `setup()`.
 */
export function useSession(): UseSession {
  const session = getCurrentScope() && inject(sessionKey, null);
  if (!session) throw new Error('sessionwarden: call useSession() in setup() of an app with app.use(sessionPlugin, …)');
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
export { WarningDialog } from './dialog';
