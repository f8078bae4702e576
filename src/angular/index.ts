import {
  computed,
  DestroyRef,
  Directive,
  effect,
  inject,
  InjectionToken,
  makeEnvironmentProviders,
  NgZone,
  PLATFORM_ID,
  provideEnvironmentInitializer,
  signal,
  TemplateRef,
  untracked,
  ViewContainerRef,
  type EnvironmentProviders,
  type Signal,
} from '@angular/core';
import { appBinding, SessionManager, type SessionEvents, type SessionOptions, type SessionSnapshot } from 'sessionwarden';

/** What {@link injectSession} returns: the snapshot as signals, and the actions. One per app. */
export interface Session {
  /** The whole snapshot; the fields below are signals of their own, so a template reads only what it shows. */
  readonly snapshot: Signal<SessionSnapshot>;
  /** `'stopped'`, `'active'`, `'warning'` or `'expired'`. */
  readonly state: Signal<SessionSnapshot['state']>;
  /** What the warning is about, while `state()` is `'warning'`. */
  readonly warning: Signal<SessionSnapshot['warning']>;
  /** Why the session ended, while `state()` is `'expired'`. */
  readonly reason: Signal<SessionSnapshot['reason']>;
  /** The nearest end (epoch ms) as of the last decision; see `SessionSnapshot.expiresAt`. */
  readonly expiresAt: Signal<number>;
  /** The token's decoded claims, or `null`. */
  readonly claims: Signal<SessionSnapshot['claims']>;
  /** The user's roles (empty once the session ended). */
  readonly roles: Signal<readonly string[]>;
  /** Ends a warning; see `SessionManager.extend`. */
  extend(): void;
  /** Ends the session in every tab. */
  logout(): void;
  /** Whether the user has `role`; reactive in a template, `computed` or `effect`. Shapes the UI only: the server decides. */
  hasRole(role: string): boolean;
  /** Whether the user's roles grant `permission`; reactive like {@link Session.hasRole}. Shapes the UI only. */
  can(permission: string): boolean;
  /** The manager itself, e.g. for `setToken()` or `remaining()`. */
  readonly manager: SessionManager;
}

const SESSION = new InjectionToken<Session>('sessionwarden');

const isManager = (value: unknown): value is SessionManager =>
  typeof (value as SessionManager)?.subscribe === 'function' && typeof (value as SessionManager).getSnapshot === 'function';

/** The second argument of {@link provideSession}. */
export interface SessionConfig {
  /**
   * Start without a token: a cookie session (bootstrap once the user has signed in), or inactivity
   * alone. Default `false`: the session starts only once the manager has a token.
   */
  startWithoutToken?: boolean;
}

/**
 * The session for an Angular app: `bootstrapApplication(App, { providers: [provideSession(options)] })`.
 *
 * Given options, it creates a manager per app (on the server, per request) and destroys it with the
 * app; given a `SessionManager`, it stops that manager with the app and leaves destroying it to you.
 * It runs the manager in the browser only, outside Angular's zone: activity events never run
 * change detection; only snapshot changes come back in. Works with and without zone.js.
 *
 * It starts the session only once there is one to run, so that a visitor who has not signed in is
 * never signed out: at bootstrap if the manager has a token (or with `startWithoutToken`), else at the
 * first `setToken()` (after sign-in), without a reload; after a sign-out, the next `setToken()` (a new
 * sign-in) starts the new session. Before that it makes no request and emits no `'expired'`.
 *
 * An end found at start (an expired token, a closed browser, a logout in another tab) comes before
 * the components exist: {@link onSessionEvent} hands it to each component of the first render, once.
 * See `appBinding()` in `sessionwarden`.
 *
 * @throws `TypeError` when given something other than a `SessionManager` or an options object;
 * the manager's own `TypeError`/`RangeError` (at bootstrap) for invalid options.
 */
export function provideSession(managerOrOptions?: SessionManager | SessionOptions, config?: SessionConfig): EnvironmentProviders {
  const given = isManager(managerOrOptions);
  // Options are a plain object (the manager checks what is in it); anything else is a mistake.
  const proto = typeof managerOrOptions === 'object' && managerOrOptions !== null ? Object.getPrototypeOf(managerOrOptions) : 0;
  if (!given && managerOrOptions !== undefined && proto !== Object.prototype && proto !== null) {
    throw new TypeError('sessionwarden: provideSession() takes a SessionManager or an options object');
  }
  return makeEnvironmentProviders([
    { provide: SESSION, useFactory: () => bind(given ? managerOrOptions : new SessionManager(managerOrOptions), !given, config?.startWithoutToken) },
    provideEnvironmentInitializer(() => void inject(SESSION)),
  ]);
}

/** The manager as signals, run in the browser; stopped (or, when `owned`, destroyed) with the app. */
function bind(manager: SessionManager, owned: boolean, withoutToken?: boolean): Session {
  const zone = inject(NgZone);
  const snapshot = signal(manager.getSnapshot());
  const unsubscribe = manager.subscribe(() => zone.run(() => snapshot.set(manager.getSnapshot())));
  // Listeners and timers added in start() belong to the zone they are added in: keep them out of
  // Angular's, also when a sign-in's setToken() (in the zone) starts it.
  const unwatch = inject(PLATFORM_ID) === 'browser' ? appBinding(manager).start(withoutToken, (go) => zone.runOutsideAngular(go)) : unsubscribe;
  inject(DestroyRef).onDestroy(() => {
    unsubscribe();
    unwatch();
    if (owned) manager.destroy();
    else manager.stop();
  });
  const field = <K extends keyof SessionSnapshot>(key: K) => computed(() => snapshot()[key]);
  return {
    snapshot: snapshot.asReadonly(),
    state: field('state'),
    warning: field('warning'),
    reason: field('reason'),
    expiresAt: field('expiresAt'),
    claims: field('claims'),
    roles: field('roles'),
    // Outside the zone too: the timer they re-arm must not keep the zone busy (nor the app unstable).
    extend: () => zone.runOutsideAngular(() => manager.extend()),
    logout: () => zone.runOutsideAngular(() => manager.logout()),
    // Reading the snapshot first makes the caller follow role changes and the session's end.
    hasRole: (role) => (snapshot(), manager.hasRole(role)),
    can: (permission) => (snapshot(), manager.can(permission)),
    manager,
  };
}

/**
 * The app's {@link Session}: signals for the snapshot and the actions. Call it in an injection
 * context (a field initializer, a constructor, a provider's factory).
 *
 * @throws `Error` when the app has no {@link provideSession}.
 */
export function injectSession(): Session {
  const session = inject(SESSION, { optional: true });
  if (!session) throw new Error('sessionwarden: injectSession() needs provideSession() in the app providers');
  return session;
}

/**
 * Calls `handler` on each `type` event, inside Angular's zone (the manager runs outside it), until
 * the calling component, directive or injector is destroyed. Call it in an injection context.
 *
 * `'expired'` for an end found at start (an expired token, a closed browser, a logout in another
 * tab) comes once, even though the session started before the components existed: to every
 * component of the first render (a route's component too), and no component created later (a route
 * change after the end) is told: it reads `state()` instead. See `appBinding()` in `sessionwarden`.
 *
 * @returns The function that stops it sooner.
 * @throws `TypeError` for an unknown event type or a `handler` that is not a function.
 */
export function onSessionEvent<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): () => void {
  if (typeof handler !== 'function') throw new TypeError('sessionwarden: onSessionEvent() takes a handler function');
  const { manager } = injectSession();
  const zone = inject(NgZone);
  const off = appBinding(manager).on(type, (payload) => zone.run(() => handler(payload)));
  inject(DestroyRef).onDestroy(off);
  return off;
}

/**
 * What a structural directive shows: its template while `test(session, key())` holds, else the
 * `otherwise()` template (if any). An effect: it follows the key, the else template and the snapshot.
 */
function gate(test: (session: Session, key: string) => boolean) {
  const session = injectSession();
  const then = inject(TemplateRef);
  const view = inject(ViewContainerRef);
  const key = signal('');
  const otherwise = signal<TemplateRef<unknown> | null>(null);
  let shown: TemplateRef<unknown> | null | undefined;
  effect(() => {
    const template = test(session, key()) ? then : otherwise();
    if (template === shown) return;
    shown = template;
    untracked(() => {
      view.clear();
      if (template) view.createEmbeddedView(template);
    });
  });
  return [key, otherwise] as const;
}

/**
 * `<button *swCan="'posts:edit'; else readOnly">`: shows its element only while the user's roles
 * grant the permission (else the `else` template, if any); follows role changes and hides once
 * the session ends. Shapes the UI only: the server decides.
 */
@Directive({ selector: '[swCan]', inputs: [{ name: 'swCan', required: true }, 'swCanElse'] })
export class SwCan {
  readonly #gate = gate((session, permission) => session.can(permission));
  /** The permission the element needs. */
  set swCan(permission: string) {
    this.#gate[0].set(permission);
  }
  /** Shown instead while the user lacks the permission. */
  set swCanElse(template: TemplateRef<unknown> | null) {
    this.#gate[1].set(template);
  }
}

/**
 * `<a *swRole="'admin'; else noAdmin">`: shows its element only while the user has the role (else
 * the `else` template, if any); follows role changes and hides once the session ends. Shapes the UI only.
 */
@Directive({ selector: '[swRole]', inputs: [{ name: 'swRole', required: true }, 'swRoleElse'] })
export class SwRole {
  readonly #gate = gate((session, role) => session.hasRole(role));
  /** The role the element needs. */
  set swRole(role: string) {
    this.#gate[0].set(role);
  }
  /** Shown instead while the user lacks the role. */
  set swRoleElse(template: TemplateRef<unknown> | null) {
    this.#gate[1].set(template);
  }
}
