import mitt, { type Handler } from 'mitt';
import type { ExpireReason, JwtClaims, SessionEvents, SessionSnapshot, CoreOptions } from './types';
import type { BusEvents, SessionContext, SignalHooks, SessionSignal, TabMessage } from './signal';
import { resolveOptions, need, type Resolved } from './options';
import { begin, deadlineOf, end, endOf, extend, step, type Machine } from './core/machine';
import { grants } from './core/roles';
import { createDeadline } from './timers/deadline';
import { watchPage } from './lifecycle/page';

const NO_ROLES: readonly string[] = Object.freeze([]);
const EVENTS = 'warning extended expired activity refreshed checked change error'.split(' ');
const NOOP = () => {};

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
  readonly #o: Resolved;
  readonly #events = mitt<SessionEvents>();
  readonly #bus = mitt<BusEvents>();
  readonly #listeners = new Set<() => void>();
  readonly #timer = createDeadline(() => this.#run(), () => this.#o.now());
  readonly #ctx: SessionContext;
  readonly #hooks: SignalHooks[];
  #m: Machine;
  #snapshot: SessionSnapshot;
  #started = false;
  #ending = false;
  #begun = false;
  #renewed = false;
  /** The page is in the back/forward cache: nothing is started until it is restored. */
  #cached = false;
  #starting = false;
  #degraded = false;
  /** The newest activity reported (counted or not), this tab's own, and when activity was last shared. */
  #seen = -Infinity;
  #mine = -Infinity;
  #sampledAt = -Infinity;
  #endedAt = 0;
  #claims: JwtClaims | null = null;
  #roles: readonly string[] = NO_ROLES;
  #detach: (() => void)[] = [];
  #afterEnd = NOOP;

  /**
   * @param signals - built-in signals of a subclass, set up before those of the `signals` option.
   * @param known - option names a subclass takes (stripped before this constructor), for the unknown-option error.
   * @throws `TypeError` or `RangeError` naming a bad or unknown option.
   */
  constructor(options: CoreOptions = {}, signals: readonly SessionSignal[] = [], known: readonly string[] = []) {
    const o = (this.#o = resolveOptions(options, known));
    const bus = this.#bus;
    const ctx: SessionContext = (this.#ctx = {
      key: o.storageKey,
      now: o.now,
      warnBefore: o.warnBefore,
      bus,
      emit: (type, payload) => this.#events.emit(type, payload),
      degrade: (error, during) => {
        if (!this.#degraded) this.#events.emit('error', { error, during });
        this.#degraded = true;
      },
      started: () => this.#started,
      phase: () => this.#m,
      lastActivity: () => Math.max(this.#m.lastActivity, this.#seen),
      hear: (at) => void (this.#seen = Math.max(this.#seen, Math.min(at, o.now()))),
      resume: (at) => {
        this.#m = begin(Math.min(at, o.now()));
        this.#seen = this.#m.lastActivity;
      },
      extend: (at) => this.#extend(Math.min(at, o.now())),
      end: (reason, share) => this.#finish(reason, share),
      restart: () => {
        this.#m = begin(o.now());
        this.#seen = this.#mine = o.now();
        bus.emit('restart');
      },
      renew: () => {
        this.#renewed = true;
        bus.emit('renew');
      },
      run: () => this.#run(),
      claims: (claims, roles) => {
        [this.#claims, this.#roles] = [claims, roles];
        this.#update();
      },
      leader: true,
      shared: false,
      tell: NOOP,
      read: NOOP as () => undefined,
    });
    bus.on('msg:activity', (m) => {
      ctx.hear(m.at as number);
      if (this.#m.phase === 'warning') this.#run();
    });
    bus.on('msg:extend', (m) => ctx.extend(m.at as number));
    bus.on('msg:end', (m) => this.#finish(m.reason as ExpireReason, false));
    bus.on('msg:warning', () => {
      this.#run();
      // This tab saw activity the warning tab did not: tell it at once.
      if (this.#m.phase === 'active') this.#share(this.#m.lastActivity);
    });
    this.#m = begin(o.now());
    this.#hooks = [];
    this.#snapshot = this.#makeSnapshot();
    this.#hooks = [...signals, ...o.signals].map((signal) => signal.attach(ctx));
    this.#snapshot = this.#makeSnapshot();
  }

  /** The current state: `'stopped'`, `'active'`, `'warning'` or `'expired'`. */
  get state(): SessionSnapshot['state'] {
    return this.#snapshot.state;
  }

  /** The token's decoded claims, or `null` without a token. */
  get claims(): Readonly<JwtClaims> | null {
    return this.#claims;
  }

  /** The user's roles; none once the session has expired. */
  get roles(): readonly string[] {
    return this.#snapshot.roles;
  }

  /** Whether the user has `role` (never once expired). For the UI only: the server must enforce it. */
  hasRole(role: string): boolean {
    need(typeof role === 'string', 'hasRole() takes a string');
    return this.roles.includes(role);
  }

  /** Whether one of the user's roles grants `permission` in the `permissions` map (never once expired). For the UI only. */
  can(permission: string): boolean {
    need(typeof permission === 'string', 'can() takes a string');
    return grants(this.roles, this.#o.permissions, permission);
  }

  /**
   * Starts watching (or resumes after `stop()`); after an expiry, only once a new token was given.
   * @throws `TypeError` where there is no `document` (on a server): it needs a browser.
   */
  start(): void {
    need(typeof document === 'object', 'start() needs a browser: there is no `document` here');
    if (this.#started || this.#ending || (this.#m.phase === 'expired' && !this.#renewed)) return;
    this.#afterEnd();
    const now = this.#o.now();
    const fresh = !this.#begun || this.#renewed;
    if (fresh) {
      this.#m = begin(now);
      this.#seen = now;
      this.#begun = true;
    }
    this.#started = true;
    this.#renewed = false;
    const signals = { proved: () => this.#bus.emit('proved', this.#o.now()), revoked: () => this.#finish('revoked', true) };
    this.#detach = this.#o.activity.map((source) => source.start(this.#report, signals));
    this.#detach.push(watchPage({ wake: (focus) => this.#wake(focus), hide: (final, cached) => this.#hide(final, cached) }));
    this.#starting = true; // no decision until every signal has started
    for (const hooks of this.#hooks) {
      if (this.#started) this.#detach.push(hooks.start?.(fresh) ?? NOOP); // unless a signal ended the session
    }
    this.#starting = false;
    this.#run();
  }

  /** Stops watching but keeps the session: `start()` resumes it (ending it at once if it ran out). */
  stop(): void {
    if (!this.#started) return;
    this.#halt();
    this.#update();
  }

  /** Stops and removes every handler and subscriber, emitting nothing. Idempotent. */
  destroy(): void {
    this.#events.all.clear();
    this.#listeners.clear();
    this.#afterEnd();
    this.stop();
  }

  /** The user is here: ends a warning and resets inactivity in every tab (during a token warning, a refresh signal refreshes). */
  extend(): void {
    if (!this.#started || this.#m.phase === 'expired' || this.#ending) return;
    const at = this.#o.now();
    this.#bus.emit('extend', this.#m.warning);
    this.#extend(at);
    this.#ctx.tell({ k: 'extend', at }, { lastActivity: at });
  }

  /** Ends the session with reason `'logout'` in every tab. */
  logout(): void {
    this.#finish('logout', true);
  }

  /** Reports activity now, for sources the manager cannot see (e.g. a video playing). */
  reportActivity(): void {
    this.#report();
  }

  /** What every activity source calls: O(1), allocation-free; shares at most once per `sampleInterval`. */
  readonly #report = (at?: number): void => {
    const now = this.#o.now();
    if (at === undefined || at > now) at = now; // no activity from the future
    if (at > this.#seen) this.#seen = this.#mine = at;
    if (this.#started && (at - this.#sampledAt >= this.#o.sampleInterval || at < this.#sampledAt)) this.#share(at);
  };

  /** Milliseconds to the nearest end (`0` once expired, `Infinity` when nothing ends it). */
  remaining(): number {
    const now = this.#o.now();
    const m = step(this.#m, this.#o, this.#end(), now, this.#seen);
    return m.phase === 'expired' ? 0 : endOf(m, this.#o, this.#end()) - now;
  }

  /**
   * Listens to an event (mitt).
   * @returns the function that removes this handler.
   * @throws `TypeError` for an unknown event name or a handler that is not a function.
   */
  on<K extends keyof SessionEvents>(type: K, handler: Handler<SessionEvents[K]>): () => void {
    this.#events.on(eventArgs('on()', type, handler), handler);
    return () => this.#events.off(type, handler);
  }

  /** Stops listening to an event. */
  off<K extends keyof SessionEvents>(type: K, handler: Handler<SessionEvents[K]>): void {
    this.#events.off(eventArgs('off()', type, handler), handler);
  }

  /** Calls `listener` after each change of the snapshot; returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void {
    need(typeof listener === 'function', 'subscribe() takes a function');
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** The current snapshot: the same object until something changes (for `useSyncExternalStore`). */
  getSnapshot(): SessionSnapshot {
    return this.#snapshot;
  }

  /** The nearest end the signals set (token expiry …); `Infinity` without one. */
  #end(): number {
    return Math.min(...this.#hooks.map((hooks) => hooks.end?.() ?? Infinity));
  }

  /** Steps the machine, emits what changed, lets due signals run and re-arms the one timer. */
  #run(): void {
    if (!this.#started || this.#ending || this.#cached || this.#starting) return;
    const o = this.#o;
    const now = o.now();
    // After the wall clock was set back, this tab's own times are in the future: they count as now.
    [this.#seen, this.#mine, this.#sampledAt] = [this.#seen, this.#mine, this.#sampledAt].map((at) => Math.min(at, now)) as [number, number, number];
    const before = this.#m;
    const tokenEnd = this.#end();
    const m = (this.#m = step(before, o, tokenEnd, now, this.#seen));
    if (m.phase === 'expired') return this.#finish(m.reason!, true);
    this.#bus.emit('run', now);
    if (!this.#started) return; // a signal ended the session
    this.#update();
    if (m.phase === 'warning' && m.warnedAt !== before.warnedAt) {
      this.#ctx.tell({ k: 'warning' });
      this.#events.emit('warning', { reason: m.warning!, expiresAt: endOf(m, o, tokenEnd) });
    } else if (before.phase === 'warning' && m.phase === 'active') {
      this.#events.emit('extended', { expiresAt: endOf(m, o, tokenEnd) });
    }
    let next = deadlineOf(m, o, tokenEnd);
    // Activity shared on the leading edge of an interval leaves up to one interval unshared: share it
    // before another tab, knowing only the older time, could warn (one timer callback, not one per interval).
    const early = next - 2 * o.sampleInterval;
    if (this.#ctx.shared && m.phase === 'active' && this.#mine > this.#sampledAt) {
      if (now < early) next = early;
      else this.#share(this.#mine);
    }
    this.#timer.set(Math.min(next, ...this.#hooks.map((hooks) => hooks.due?.() ?? Infinity)));
  }

  /** Shares activity with the other tabs and the record (called at most once per `sampleInterval`). */
  #share(at: number): void {
    this.#sampledAt = at;
    if (this.#m.phase === 'expired' || (this.#m.phase === 'warning' && this.#o.ignoreActivityDuringWarning)) return;
    const news: BusEvents['share'] = [{ k: 'activity', at }, { lastActivity: at }];
    this.#bus.emit('share', news);
    this.#ctx.tell(...news);
    this.#events.emit('activity', { at });
  }

  #extend(at: number): void {
    const before = this.#m;
    const tokenEnd = this.#end();
    this.#ctx.hear(at);
    this.#m = extend(before, this.#o, tokenEnd, at);
    if (endOf(this.#m, this.#o, tokenEnd) !== endOf(before, this.#o, tokenEnd) || before.phase !== this.#m.phase) {
      this.#update();
      this.#events.emit('extended', { expiresAt: endOf(this.#m, this.#o, tokenEnd) });
    }
    this.#run();
  }

  /** After sleep, throttling, the back/forward cache or a missed message: catch up, then decide now. */
  #wake(focus: boolean): void {
    this.#cached = false;
    this.#bus.emit('wake', focus);
    this.#timer.clear(); // a timer armed before a sleep runs late by the time slept: arm it afresh
    this.#run();
  }

  #hide(final: boolean, cached = false): void {
    this.#cached ||= cached;
    this.#bus.emit('hide', { final, cached });
  }

  #halt(): void {
    this.#started = false;
    for (const undo of this.#detach.splice(0)) undo();
    this.#timer.clear();
  }

  /** Ends the session once; `share` tells the other tabs and the shared record. */
  #finish(reason: ExpireReason, share: boolean): void {
    if (this.#m.phase === 'expired' && (this.#ending || this.#snapshot.state === 'expired')) return;
    this.#m = end(this.#m, reason);
    this.#ending = true;
    this.#endedAt = this.#o.now();
    if (share) this.#ctx.tell({ k: 'end', reason } as TabMessage, { ended: reason, endedAt: this.#endedAt });
    this.#bus.emit('end', reason);
    this.#halt();
    const done = () => {
      this.#ending = false;
      this.#update();
      this.#events.emit('expired', { reason });
      // Back to a page whose session ended (the app had left it) restores it from the back/forward
      // cache as it was: say it again, so the app leaves it again.
      let cached = false; // since the end: a restore that ends the session (on its wake-up) is not this one
      if (typeof document === 'object') {
        this.#afterEnd = watchPage({ wake: (_, restored) => restored && cached && this.#events.emit('expired', { reason }), hide: (final, c) => void (final && (cached = !!c)) });
      }
    };
    const waits = this.#hooks.map((hooks) => hooks.beforeEnd?.(reason)).filter(Boolean);
    if (waits.length) void Promise.all(waits).finally(done);
    else done();
  }

  #makeSnapshot(): SessionSnapshot {
    const m = this.#m;
    const expired = m.phase === 'expired' && !this.#ending;
    return {
      state: expired ? 'expired' : this.#started ? (m.phase === 'expired' ? 'active' : m.phase) : 'stopped',
      reason: expired ? m.reason : null,
      warning: this.#started && m.phase === 'warning' ? m.warning : null,
      expiresAt: expired ? this.#endedAt : endOf(m, this.#o, this.#end()),
      claims: this.#claims,
      roles: expired ? NO_ROLES : this.#roles,
    };
  }

  /** Publishes a new snapshot if anything in it changed. */
  #update(): void {
    if (this.#ending) return;
    const next = this.#makeSnapshot();
    const prev = this.#snapshot;
    if ((Object.keys(next) as (keyof SessionSnapshot)[]).every((key) => next[key] === prev[key])) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
    this.#events.emit('change', next);
  }
}

const eventArgs = <K>(method: string, type: K, handler: unknown): K => {
  need(EVENTS.includes(type as string), `${method} got an unknown event "${String(type)}"`);
  need(typeof handler === 'function', `${method} takes a handler function`);
  return type;
};
