import { SessionManager, type SessionEvents, type SessionSnapshot, type SessionState } from 'sessionwarden';
import { need } from './test-session';

/** What {@link mockSession} starts from: snapshot fields, and the role → permissions map of `can()`. */
export interface MockSessionInit extends Partial<SessionSnapshot> {
  /** Role → permissions, for `can()`, as the manager's `permissions` option. Default `{}`. */
  permissions?: Record<string, readonly string[]>;
  /** What the `token` property returns. Default `null`. */
  token?: string | null;
}

/** The calls made to a {@link MockSession}'s actions, each as its list of arguments (like a spy's `mock.calls`). */
export type MockSessionCalls = Record<'start' | 'stop' | 'destroy' | 'extend' | 'logout' | 'setToken' | 'refresh' | 'reportActivity', unknown[][]>;

const STATES: readonly SessionState[] = ['stopped', 'active', 'warning', 'expired'];
const EVENTS = ['warning', 'extended', 'expired', 'activity', 'refreshed', 'checked', 'change', 'error'];
const FIELDS = ['state', 'reason', 'warning', 'expiresAt', 'claims', 'roles'];
/** When a warning is set without an end: the end it gets, from now. */
const WARNING_LEAD = 60_000;

type Handler = (payload: never) => void;

/**
 * A stand-in for a {@link SessionManager} in component tests, made by {@link mockSession}: its
 * snapshot is what the test `set()`s, and its actions (`extend()`, `logout()`, `start()` …) only
 * record their calls in {@link MockSession.calls}, changing nothing. It is a `SessionManager` to the
 * adapters (`<SessionProvider manager>`, `sessionPlugin`, `sessionStore()`, the element's `session`),
 * which see only what the test sets.
 */
export class MockSession extends SessionManager {
  /** The calls made to each action, in order, with their arguments: `calls.extend.length`. */
  readonly calls: MockSessionCalls = { start: [], stop: [], destroy: [], extend: [], logout: [], setToken: [], refresh: [], reportActivity: [] };
  #snapshot: SessionSnapshot = Object.freeze({ state: 'active', reason: null, warning: null, expiresAt: Infinity, claims: null, roles: [] });
  readonly #permissions: Record<string, readonly string[]>;
  readonly #token: string | null;
  readonly #listeners = new Set<() => void>();
  readonly #handlers = new Map<string, Set<Handler>>();

  /** Same as {@link mockSession}. */
  constructor(init: MockSessionInit = {}) {
    need(typeof init === 'object' && init !== null && !Array.isArray(init), 'mockSession() takes snapshot fields (an object)');
    const { permissions = {}, token = null, ...fields } = init;
    need(typeof permissions === 'object' && permissions !== null && Object.values(permissions).every(Array.isArray), 'mockSession() option `permissions` must map roles to permission arrays');
    need(token === null || typeof token === 'string', 'mockSession() option `token` must be a string or null');
    super(); // never started: its options do not matter
    this.#permissions = permissions;
    this.#token = token;
    this.set(fields);
  }

  /**
   * Changes the snapshot: `set({ state: 'warning' })`. Subscribers hear of it, and so do the
   * events a real change of state emits: `'warning'` on entering it, `'extended'` on going from it
   * back to `'active'`, `'expired'` on entering that, and `'change'` for any change. As in a real
   * manager, a warning has a `warning` reason (default `'idle'`) and an end (default one minute
   * from now), an expired session a `reason` (default `'idle'`) and no roles; other states have neither.
   * @throws `TypeError` naming a field that is unknown or has a wrong value; nothing changes then.
   */
  set(changes: Partial<SessionSnapshot>): void {
    need(typeof changes === 'object' && changes !== null, 'set() takes snapshot fields (an object)');
    for (const key of Object.keys(changes)) need(FIELDS.includes(key), `set() got an unknown field \`${key}\` (fields: ${FIELDS.join(', ')})`);
    const before = this.#snapshot;
    const next = { ...before, ...changes };
    const { state, roles, claims, expiresAt } = next;
    need(STATES.includes(state), `\`state\` must be one of ${STATES.join(', ')}`);
    need(Array.isArray(roles) && roles.every((role) => typeof role === 'string'), '`roles` must be an array of strings');
    need(claims === null || typeof claims === 'object', '`claims` must be an object or null');
    need(typeof expiresAt === 'number' && !Number.isNaN(expiresAt), '`expiresAt` must be a number (epoch ms, or Infinity)');
    need(next.warning === null || next.warning === 'idle' || next.warning === 'token', "`warning` must be 'idle', 'token' or null");
    need(next.reason === null || ['idle', 'token', 'revoked', 'closed', 'logout'].includes(next.reason), '`reason` must be an expire reason or null');
    next.warning = state === 'warning' ? (next.warning ?? 'idle') : null;
    next.reason = state === 'expired' ? (next.reason ?? 'idle') : null;
    if (state === 'expired') next.roles = [];
    if (state === 'warning' && expiresAt === Infinity) next.expiresAt = Date.now() + WARNING_LEAD;
    if (FIELDS.every((key) => before[key as keyof SessionSnapshot] === next[key as keyof SessionSnapshot])) return;
    const snapshot = (this.#snapshot = Object.freeze(next));
    for (const listener of [...this.#listeners]) listener();
    if (state !== before.state) {
      if (state === 'warning') this.emit('warning', { reason: snapshot.warning!, expiresAt: snapshot.expiresAt });
      if (state === 'active' && before.state === 'warning') this.emit('extended', { expiresAt: snapshot.expiresAt });
      if (state === 'expired') this.emit('expired', { reason: snapshot.reason! });
    }
    this.emit('change', snapshot);
  }

  /**
   * Emits an event to the handlers given to `on()`, e.g. `emit('error', { error, during: 'check' })`.
   * @throws `TypeError` for an unknown event name.
   */
  emit<K extends keyof SessionEvents>(type: K, payload: SessionEvents[K]): void {
    need(EVENTS.includes(type), `emit() got an unknown event "${String(type)}"`);
    for (const handler of [...(this.#handlers.get(type) ?? [])]) (handler as (payload: SessionEvents[K]) => void)(payload);
  }

  override get state(): SessionState {
    return this.#snapshot.state;
  }

  override get token(): string | null {
    return this.#token;
  }

  override get claims(): SessionSnapshot['claims'] {
    return this.#snapshot.claims;
  }

  override get roles(): readonly string[] {
    return this.#snapshot.roles;
  }

  override getSnapshot(): SessionSnapshot {
    return this.#snapshot;
  }

  override subscribe(listener: () => void): () => void {
    need(typeof listener === 'function', 'subscribe() takes a function');
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Listens to an event: those `set()` causes and those `emit()` sends. Returns the remover.
   * @throws `TypeError` for an unknown event name or a handler that is not a function.
   */
  override on<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): () => void {
    need(EVENTS.includes(type), `on() got an unknown event "${String(type)}"`);
    need(typeof handler === 'function', 'on() takes a handler function');
    let handlers = this.#handlers.get(type);
    if (!handlers) this.#handlers.set(type, (handlers = new Set()));
    handlers.add(handler as Handler);
    return () => this.off(type, handler);
  }

  /**
   * Stops listening to an event.
   * @throws `TypeError` for an unknown event name or a handler that is not a function.
   */
  override off<K extends keyof SessionEvents>(type: K, handler: (payload: SessionEvents[K]) => void): void {
    need(EVENTS.includes(type), `off() got an unknown event "${String(type)}"`);
    need(typeof handler === 'function', 'off() takes a handler function');
    this.#handlers.get(type)?.delete(handler as Handler);
  }

  /**
   * Whether the snapshot's roles include `role` (none once expired).
   * @throws `TypeError` when `role` is not a string.
   */
  override hasRole(role: string): boolean {
    need(typeof role === 'string', 'hasRole() takes a string');
    return this.#snapshot.roles.includes(role);
  }

  /**
   * Whether one of the snapshot's roles grants `permission` in the `permissions` given to {@link mockSession}.
   * @throws `TypeError` when `permission` is not a string.
   */
  override can(permission: string): boolean {
    need(typeof permission === 'string', 'can() takes a string');
    return this.#snapshot.roles.some((role) => Object.hasOwn(this.#permissions, role) && this.#permissions[role]!.includes(permission));
  }

  /** Milliseconds from `Date.now()` (fake timers move it) to the snapshot's `expiresAt`; `0` once expired. */
  override remaining(): number {
    return this.#snapshot.state === 'expired' ? 0 : Math.max(0, this.#snapshot.expiresAt - Date.now());
  }

  /** Records the call; changes nothing. */
  override start(): void {
    this.calls.start.push([]);
  }

  /** Records the call; changes nothing. */
  override stop(): void {
    this.calls.stop.push([]);
  }

  /** Records the call and, as a real manager does, forgets every subscriber and handler. */
  override destroy(): void {
    this.calls.destroy.push([]);
    this.#listeners.clear();
    this.#handlers.clear();
  }

  /** Records the call; changes nothing (`set()` the state that should follow). */
  override extend(): void {
    this.calls.extend.push([]);
  }

  /** Records the call; changes nothing (`set({ state: 'expired', reason: 'logout' })` to follow it). */
  override logout(): void {
    this.calls.logout.push([]);
  }

  /** Records the call with its token; changes nothing. */
  override setToken(token: string | null): void {
    this.calls.setToken.push([token]);
  }

  /** Records the call; changes nothing, and resolves to the `token` given to {@link mockSession}. */
  override refresh(): Promise<string | null> {
    this.calls.refresh.push([]);
    return Promise.resolve(this.#token);
  }

  /** Records the call; changes nothing. */
  override reportActivity(): void {
    this.calls.reportActivity.push([]);
  }
}

/**
 * A stand-in session for component tests: `mockSession({ state: 'warning', roles: ['editor'],
 * permissions: { editor: ['posts:edit'] } })`, then `set({ … })` to move it. Give it to your
 * component as you give a real manager; assert on {@link MockSession.calls} (or your runner's spy,
 * `vi.spyOn(session, 'extend')`). Unset fields start as a real manager's would (`'active'`, no
 * roles, `expiresAt: Infinity`).
 *
 * @throws `TypeError` for an `init` that is not an object, a bad `permissions` map or `token`, or a bad snapshot field.
 */
export function mockSession(init: MockSessionInit = {}): MockSession {
  return new MockSession(init);
}
