import { getCurrentScope, inject, onScopeDispose, readonly, shallowRef, type App, type Directive, type InjectionKey, type Plugin, type ShallowRef } from 'vue';
import { SessionManager, type SessionOptions, type SessionSnapshot } from 'sessionwarden';

/** Where the plugin provides the manager. */
export const sessionKey: InjectionKey<SessionManager> = Symbol('sessionwarden');

const isManager = (value: unknown): value is SessionManager =>
  typeof (value as SessionManager)?.subscribe === 'function' && typeof (value as SessionManager).getSnapshot === 'function';

/** `v-can="'posts:edit'"`: hides the element unless the user may; follows role changes. */
export function canDirective(session: SessionManager): Directive<HTMLElement, string> {
  const bound = new WeakMap<HTMLElement, { permission: string; stop: () => void }>();
  const apply = (el: HTMLElement) => (el.style.display = session.can(bound.get(el)!.permission) ? '' : 'none');
  return {
    mounted(el, { value }) {
      bound.set(el, { permission: value, stop: session.subscribe(() => apply(el)) });
      apply(el);
    },
    updated(el, { value }) {
      bound.get(el)!.permission = value;
      apply(el);
    },
    unmounted(el) {
      bound.get(el)?.stop();
      bound.delete(el);
    },
  };
}

/**
 * `app.use(sessionPlugin, managerOrOptions)`: provides the manager, registers `v-can`, starts it
 * (in the browser) and stops it when the app unmounts (destroys it if the plugin created it).
 */
export const sessionPlugin: Plugin<[SessionManager | SessionOptions | undefined]> = {
  install(app: App, managerOrOptions?: SessionManager | SessionOptions) {
    const owned = !isManager(managerOrOptions);
    const session = isManager(managerOrOptions) ? managerOrOptions : new SessionManager(managerOrOptions);
    app.provide(sessionKey, session);
    app.directive('can', canDirective(session));
    if (typeof window === 'object') session.start();
    app.onUnmount?.(() => (owned ? session.destroy() : session.stop()));
  },
};

/** What {@link useSession} returns. */
export interface UseSession {
  /** The snapshot, readonly and reactive. */
  snapshot: Readonly<ShallowRef<SessionSnapshot>>;
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

/** The session as a readonly reactive snapshot plus the actions; unsubscribes with its scope. */
export function useSession(): UseSession {
  const session = inject(sessionKey, null);
  if (!session) throw new Error('sessionwarden/vue: useSession() needs app.use(sessionPlugin, …)');
  const snapshot = shallowRef(session.getSnapshot());
  const unsubscribe = session.subscribe(() => (snapshot.value = session.getSnapshot()));
  if (getCurrentScope()) onScopeDispose(unsubscribe);
  return {
    snapshot: readonly(snapshot) as Readonly<ShallowRef<SessionSnapshot>>,
    extend: () => session.extend(),
    logout: () => session.logout(),
    hasRole: (role) => session.hasRole(role),
    can: (permission) => session.can(permission),
    manager: session,
  };
}
