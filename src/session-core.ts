import type { Handler } from 'mitt';
import type { JwtClaims, SessionEvents, SessionSnapshot } from './types';
import type { SessionSignal } from './signal';
import { resolveOptions, type CoreOptions } from './options';
import { need } from './errors';
import { createKernel, type Kernel } from './kernel';

const EVENTS = /* @__PURE__ */ 'warning extended expired activity refreshed checked change error'.split(' ');

/** A handler that is not a function would throw inside the session's own work, later: checked in production too. */
const eventArgs = <K>(method: string | false, type: K, handler: unknown): K => {
  if (__DEV__) need(EVENTS.includes(type as string), `${method} got an unknown event "${String(type)}"`);
  need(typeof handler == 'function', __DEV__ ? `${method} takes a handler function` : 13);
  return type;
};

/**
 * The kernel of a session, for one tab: inactivity with a warning first, activity and its sampling,
 * the one deadline timer, the wake-up re-check, events and the snapshot. Everything else (token
 * expiry, refresh, the server check, tabs, close detection) is a signal passed in `signals`, so an
 * app carries only what it uses. {@link SessionManager} is this kernel with the token and the tabs
 * built in.
 *
 * @example
 * ```ts
 * const session = new SessionCore({ idleTimeout: 15 * 60_000 }); // one tab, inactivity only
 * session.on('warning', ({ expiresAt }) => showDialog(expiresAt));
 * session.start();
 * ```
 */
export class SessionCore {
  readonly #k: Kernel;

  /**
   * @param signals - built-in signals of a subclass, set up before those of the `signals` option.
   * @param known - option names a subclass takes (stripped before this constructor), for the unknown-option error.
   * @throws `TypeError` or `RangeError` naming a bad or unknown option.
   */
  constructor(options: CoreOptions = {}, signals: readonly SessionSignal[] = [], known: readonly string[] = []) {
    this.#k = createKernel(resolveOptions(options, known), signals);
  }

  /** The current state: `'stopped'`, `'active'`, `'warning'` or `'expired'`. */
  get state(): SessionSnapshot['state'] {
    return this.#k.snapshot().state;
  }

  /** The token's decoded claims, or `null` without a token. */
  get claims(): Readonly<JwtClaims> | null {
    return this.#k.claims();
  }

  /** The user's roles; none once the session has expired. */
  get roles(): readonly string[] {
    return this.#k.snapshot().roles;
  }

  /** Whether the user has `role` (never once expired). For the UI only: the server must enforce it. */
  hasRole(role: string): boolean {
    if (__DEV__) need(typeof role == 'string', 'hasRole() takes a string');
    return this.roles.includes(role);
  }

  /** Whether one of the user's roles grants `permission` in the `permissions` map (never once expired). For the UI only. */
  can(permission: string): boolean {
    if (__DEV__) need(typeof permission == 'string', 'can() takes a string');
    return this.#k.can(permission);
  }

  /**
   * Starts watching (or resumes after `stop()`); after an expiry, only once a new token was given.
   * @throws `TypeError` where there is no `document` (on a server): it needs a browser.
   */
  start(): void {
    need(typeof document == 'object', __DEV__ ? 'start() needs a browser: there is no `document` here' : 17);
    this.#k.start();
  }

  /** Stops watching but keeps the session: `start()` resumes it (ending it at once if it ran out). */
  stop(): void {
    this.#k.stop();
  }

  /** Stops and removes every handler and subscriber, emitting nothing. Idempotent. */
  destroy(): void {
    this.#k.destroy();
  }

  /** The user is here: ends a warning and resets inactivity in every tab (during a token warning, a refresh signal refreshes). */
  extend(): void {
    this.#k.extend();
  }

  /** Ends the session with reason `'logout'` in every tab. */
  logout(): void {
    this.#k.end('logout');
  }

  /** Reports activity now, for sources the manager cannot see (e.g. a video playing). */
  reportActivity(): void {
    this.#k.report();
  }

  /** Milliseconds to the nearest end (`0` once expired, `Infinity` when nothing ends it). */
  remaining(): number {
    return this.#k.remaining();
  }

  /**
   * Listens to an event (mitt).
   * @returns the function that removes this handler.
   * @throws `TypeError` for an unknown event name or a handler that is not a function.
   */
  on<K extends keyof SessionEvents>(type: K, handler: Handler<SessionEvents[K]>): () => void {
    return this.#k.on(eventArgs(__DEV__ && 'on()', type, handler), handler);
  }

  /** Stops listening to an event. */
  off<K extends keyof SessionEvents>(type: K, handler: Handler<SessionEvents[K]>): void {
    this.#k.off(eventArgs(__DEV__ && 'off()', type, handler), handler);
  }

  /** Calls `listener` after each change of the snapshot; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void {
    need(typeof listener == 'function', __DEV__ ? 'subscribe() takes a function' : 14);
    return this.#k.on('change', listener);
  }

  /** The current snapshot: the same object until something changes (for `useSyncExternalStore`). */
  getSnapshot(): SessionSnapshot {
    return this.#k.snapshot();
  }
}
