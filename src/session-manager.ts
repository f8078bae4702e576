import mitt, { type Handler } from 'mitt';
import type { ExpireReason, JwtClaims, SessionEvents, SessionOptions, SessionSnapshot } from './types';
import { resolveOptions, type ResolvedOptions } from './options';
import { begin, deadlineOf, end, endOf, extend, step, type Machine } from './core/machine';
import { decodeToken, otherUser, toLocal } from './core/token';
import { grants, readRoles } from './core/roles';
import { createDeadline } from './timers/deadline';
import { recordStore, type RecordStore, type SharedRecord } from './tabs/record';
import { openChannel, type TabChannel, type TabMessage } from './tabs/channel';
import { exclusive, hold, holders, lockNames } from './tabs/locks';
import { watchPage } from './lifecycle/page';
import { runCheck } from './check/check';

const CHECK_RETRY = 30_000;
const REFRESH_RETRY = 5_000;

/** Bad input to a method: a `TypeError` that says what was wrong. */
const need = (ok: boolean, problem: string): void => {
  if (!ok) throw new TypeError(`sessionwarden: ${problem}`);
};

/** Roles of an ended session: none (one array, so that the snapshot stays the same object). */
const NO_ROLES: readonly string[] = Object.freeze([]);

const EVENTS = ['warning', 'extended', 'expired', 'activity', 'refreshed', 'checked', 'change', 'error'];
const eventArgs = <K>(method: string, type: K, handler: unknown): K => {
  need(EVENTS.includes(type as string), `${method} got an unknown event "${String(type)}"`);
  need(typeof handler === 'function', `${method} takes a handler function`);
  return type;
};

/**
 * Manages the user's session in one tab: ends it after inactivity (with a warning first), at
 * the token's expiry, when the server has revoked it, and, if asked, when the tab or the browser
 * closes; keeps every tab of the origin in step; and tells the UI the user's roles.
 *
 * @example
 * ```ts
 * const session = new SessionManager({ idleTimeout: 30 * 60_000, token: jwt });
 * session.on('warning', ({ expiresAt }) => showDialog(expiresAt));
 * session.on('expired', ({ reason }) => location.assign('/'));
 * session.start();
 * ```
 */
export class SessionManager {
  readonly #o: ResolvedOptions;
  readonly #events = mitt<SessionEvents>();
  readonly #listeners = new Set<() => void>();
  readonly #timer = createDeadline(() => this.#run(), () => this.#o.now());
  readonly #store: RecordStore;
  /** Storage or channel trouble was reported: SPEC says once, whatever comes after. */
  #degraded = false;
  #m: Machine;
  #snapshot: SessionSnapshot;
  #started = false;
  /** The newest activity reported, counted or not yet. */
  #seen = -Infinity;
  /** The newest activity of this tab itself (the other tabs know it once shared). */
  #mine = -Infinity;
  /** When activity was last shared with the other tabs. */
  #sampledAt = -Infinity;
  #token: string | null = null;
  #claims: JwtClaims | null = null;
  #roles: readonly string[] = [];
  /** When the current token was set (local clock): refresh only after activity since then. */
  #tokenSetAt = 0;
  /** An end without a JWT (server clock). */
  #serverEnd: number | undefined;
  #skew = 0;
  #skewKnown = false;
  /** A new token was given since the session expired: `start()` begins a new session. */
  #renewed = false;
  #leader = false;
  #provedAt = -Infinity;
  #checkBackoff = 0;
  #checking: AbortController | undefined;
  #refreshAt = Infinity;
  #refreshBackoff = 0;
  /** The refresh under way (one per tab), and whether the app asked for it (`refresh()`) rather than the schedule. */
  #refreshing: Promise<string | null> | undefined;
  #refreshForced = false;
  #refreshAbort: AbortController | undefined;
  /** Re-emits `'expired'` when a page whose session ended comes back from the back/forward cache. */
  #afterEnd = () => {};
  #ending = false;
  #begun = false;
  /** The page is in the back/forward cache: nothing is started until it is restored (`pageshow`). */
  #cached = false;
  /** Counts starts, so that async work begun before a stop() (and a new start()) is dropped. */
  #epoch = 0;
  #endedAt = 0;
  #retryAt = Infinity;
  /** Lets go of the lock that marks the token this tab refreshed last (see `#refresh`). */
  #unmark = () => {};
  /** When to answer another page's close beacon with a check, so that the server keeps the session. */
  #answerAt = Infinity;
  #channel: TabChannel | undefined;
  #detach: (() => void)[] = [];

  /**
   * @throws `TypeError` or `RangeError` naming a bad option; `InvalidTokenError` for a malformed `token`.
   */
  constructor(options: SessionOptions = {}) {
    this.#o = resolveOptions(options);
    const { expiresAt, clockSkew } = options;
    if (expiresAt != null && !Number.isFinite(expiresAt)) {
      throw new TypeError('sessionwarden: option `expiresAt` must be a finite epoch-ms number');
    }
    this.#serverEnd = expiresAt ?? undefined;
    if (clockSkew !== undefined && clockSkew !== 'auto') [this.#skew, this.#skewKnown] = [clockSkew, true];
    if (options.token != null) this.#applyToken(options.token, 'option `token`');
    this.#m = begin(this.#o.now());
    this.#snapshot = this.#makeSnapshot();
    const { endOnClose, channel, storageKey } = this.#o;
    const storage = endOnClose === 'tab' ? () => sessionStorage : () => localStorage;
    // `crossTab: false` keeps the session in this page alone, unless it must survive reloads of this tab.
    this.#store = channel === false && endOnClose !== 'tab'
      ? { read: () => undefined, write() {}, clear() {} }
      : recordStore(storage, storageKey, (error, during) => this.#degrade(error, during), this.#o.now);
  }

  /** The current state: `'stopped'`, `'active'`, `'warning'` or `'expired'`. */
  get state(): SessionSnapshot['state'] {
    return this.#snapshot.state;
  }

  /** The current token, or `null`. */
  get token(): string | null {
    return this.#token;
  }

  /** The token's decoded claims, or `null` without a token. */
  get claims(): Readonly<JwtClaims> | null {
    return this.#claims;
  }

  /** The user's roles, read from the claims by the `roles` option; none once the session has expired. */
  get roles(): readonly string[] {
    return this.#snapshot.roles;
  }

  /** Whether the user has `role` (never once the session has expired). For the UI only: the server must enforce it. */
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
   * Starts watching (or resumes after `stop()`); after an expiry, only once `setToken()` gave a new token.
   * @throws `TypeError` where there is no `document` (on a server): it needs a browser.
   */
  start(): void {
    need(typeof document === 'object', 'start() needs a browser: there is no `document` here');
    if (this.#started || this.#ending || (this.#m.phase === 'expired' && !this.#renewed)) return;
    this.#afterEnd();
    const o = this.#o;
    const now = o.now();
    const record = this.#store.read();
    // Another user's record is never continued: this token begins a new session (its tabs end theirs).
    const takeover = otherUser(this.#claims, record);
    const fresh = !this.#begun || this.#renewed;
    if (fresh) {
      this.#m = begin(now);
      this.#seen = this.#provedAt = now;
      this.#begun = true;
    }
    this.#started = true;
    this.#epoch++;
    if (record && !this.#renewed && !takeover && !this.#isNewLogin(record)) {
      if (record.ended) return this.#finish(record.ended, false);
      // Loading a page is not activity: a new tab or a reload continues the shared session.
      if (fresh) this.#m = begin(record.lastActivity);
      this.#seen = Math.max(fresh ? record.lastActivity : this.#seen, record.lastActivity);
      this.#provedAt = record.provedAt ?? this.#provedAt;
      if (record.skew !== undefined && !this.#skewKnown) this.#setSkew(record.skew);
    } else if (record) {
      this.#store.clear();
    }
    this.#renewed = false;
    this.#learnSkew();
    const lastActivity = Math.max(this.#m.lastActivity, record?.ended ? -Infinity : record?.lastActivity ?? -Infinity);
    this.#store.write({ lastActivity, skew: this.#knownSkew(), tokenExp: this.#claims?.exp, provedAt: this.#provedAt, sub: this.#sub() });
    this.#scheduleRefresh();
    const signals = {
      proved: () => {
        this.#provedAt = o.now();
        this.#checkBackoff = 0;
      },
      revoked: () => this.#finish('revoked', true),
    };
    this.#detach = o.activity.map((source) => source.start(this.#report, signals));
    this.#detach.push(watchPage({ wake: (focus) => this.#wake(focus), hide: (final, cached) => this.#hide(final, cached) }));
    if (o.channel !== false) {
      this.#channel = openChannel(o.channel, (message) => this.#receive(message), (error, during) => this.#degrade(error, during));
      if (this.#channel) this.#detach.push(this.#channel.close);
      if (takeover) this.#channel?.post({ k: 'token', token: this.#token, skew: this.#skew });
    }
    if (o.endOnClose) this.#watchClose(record, now);
    const lead = () => {
      this.#leader = true;
      this.#run();
      return () => void (this.#leader = false); // the lock let go (the page entered the back/forward cache)
    };
    // A session of this page alone leads itself; a shared one elects one tab for the check and the refresh.
    this.#detach.push(o.channel === false ? (lead(), () => {}) : hold(`${o.storageKey}:leader`, 'exclusive', lead), () => (this.#leader = false));
    this.#run();
  }

  /** Stops watching but keeps the session: `start()` resumes it (ending it at once if it ran out). */
  stop(): void {
    if (!this.#started) return;
    this.#halt();
    this.#update();
  }

  #halt(): void {
    this.#started = false;
    this.#unmark();
    for (const undo of this.#detach.splice(0)) undo();
    this.#channel = undefined;
    this.#timer.clear();
    this.#checking?.abort();
    this.#checking = undefined;
    this.#refreshAbort?.abort();
  }

  /** Stops and removes every handler and subscriber, emitting nothing. Idempotent. */
  destroy(): void {
    this.#events.all.clear();
    this.#listeners.clear();
    this.#afterEnd();
    this.stop();
  }

  /** The user is here: ends a warning and resets inactivity in every tab; during a token warning, calls `refresh`. */
  extend(): void {
    if (!this.#started || this.#m.phase === 'expired' || this.#ending) return;
    if (this.#m.warning === 'token' && this.#o.refresh) this.#scheduledRefresh();
    const at = this.#o.now();
    this.#applyExtend(at);
    this.#tell({ k: 'extend', at }, { lastActivity: at });
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

  /**
   * Replaces the token (`null` for none). After an expiry, the next `start()` begins a new session.
   * A token of another user (another `sub`) begins a new session here, and ends the old user's in
   * the other tabs (reason `'logout'`).
   * @throws `InvalidTokenError` for a malformed token; nothing changes then.
   */
  setToken(token: string | null): void {
    this.#setToken(token, 'setToken()');
  }

  #setToken(token: string | null, where: string): void {
    const before = this.#claims;
    this.#applyToken(token, where);
    if (this.#m.phase === 'expired') this.#renewed = true;
    else if (!this.#started) this.#update();
    else if (otherUser(before, this.#claims)) this.#newUser();
    else this.#tokenChanged(true);
  }

  /** Another user's token while started: a fresh session, no `'expired'` for the old one; the other tabs end theirs. */
  #newUser(): void {
    const now = this.#o.now();
    this.#m = begin(now);
    this.#seen = this.#mine = this.#provedAt = now;
    this.#store.clear();
    this.#store.write({ lastActivity: now, skew: this.#knownSkew(), tokenExp: this.#claims?.exp, provedAt: now, sub: this.#sub() });
    this.#tokenChanged(true);
  }

  /**
   * Runs the `refresh` option now, outside its schedule: for a tab that has no token yet. It runs
   * under the same Web Lock as every tab's scheduled refresh (`${storageKey}:refresh`), so it never
   * overlaps one; two calls at once in this tab share one. The new token is set as by `setToken()`.
   * Call it from the app, never from inside `refresh` (which runs under that lock).
   * @returns the new token.
   * @throws `TypeError` (at once) without a `refresh` option; the promise rejects with what
   * `refresh` threw, an `InvalidTokenError`, or a `TimeoutError` after `refreshTimeout`.
   */
  refresh(): Promise<string | null> {
    need(!!this.#o.refresh, 'refresh() needs the `refresh` option');
    if (this.#refreshing && !this.#refreshForced) {
      const again = () => this.refresh();
      return this.#refreshing.then(again, again); // after the scheduled one: never two at once
    }
    return this.#refresh(true);
  }

  /** Milliseconds to the nearest end (`0` once expired, `Infinity` when nothing ends it). */
  remaining(): number {
    if (this.#m.phase === 'expired') return 0;
    const now = this.#o.now();
    const m = step(this.#m, this.#o, this.#tokenEnd(), now, this.#seen);
    return m.phase === 'expired' ? 0 : endOf(m, this.#o, this.#tokenEnd()) - now;
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

  // ——— the decision loop ———

  /** When the next server check is due: a retry after an unknown answer, else an interval after the last proof. */
  #checkDue(): number {
    const check = this.#o.check;
    return !check ? Infinity : Math.min(this.#answerAt, this.#checkBackoff ? this.#retryAt : this.#provedAt + check.interval);
  }

  #tokenEnd(): number {
    const exp = this.#claims?.exp;
    return toLocal(exp === undefined ? this.#serverEnd : exp * 1000, this.#skew);
  }

  /** Steps the machine, emits what changed, starts due work and re-arms the one timer. */
  #run(): void {
    if (!this.#started || this.#ending || this.#cached) return;
    const o = this.#o;
    const now = o.now();
    // After the wall clock was set back, this tab's own times are in the future: they count as now.
    this.#seen = Math.min(this.#seen, now);
    this.#mine = Math.min(this.#mine, now);
    this.#sampledAt = Math.min(this.#sampledAt, now);
    this.#provedAt = Math.min(this.#provedAt, now);
    this.#tokenSetAt = Math.min(this.#tokenSetAt, now);
    const before = this.#m;
    const tokenEnd = this.#tokenEnd();
    this.#m = step(before, o, tokenEnd, now, this.#seen);
    const m = this.#m;
    if (m.phase === 'expired') return this.#finish(m.reason!, true);
    if (this.#leader) {
      if (now >= this.#checkDue() && !this.#checking) void this.#check();
      if (now >= this.#refreshAt && !this.#refreshing) {
        if (Math.max(m.lastActivity, this.#seen) > this.#tokenSetAt) this.#scheduledRefresh();
        else this.#refreshAt = Infinity; // idle: let the token run out; activity re-arms it (#share)
      }
    }
    this.#update();
    if (m.phase === 'warning' && m.warnedAt !== before.warnedAt) {
      this.#channel?.post({ k: 'warning' });
      this.#events.emit('warning', { reason: m.warning!, expiresAt: endOf(m, o, tokenEnd) });
    } else if (before.phase === 'warning' && m.phase === 'active') {
      this.#events.emit('extended', { expiresAt: endOf(m, o, tokenEnd) });
    }
    let next = deadlineOf(m, o, tokenEnd);
    // Activity shared on the leading edge of an interval leaves up to one interval unshared: share it
    // before another tab, knowing only the older time, could warn (one timer callback, not one per interval).
    const early = next - 2 * o.sampleInterval;
    if (this.#channel && m.phase === 'active' && this.#mine > this.#sampledAt) {
      if (now < early) next = early;
      else this.#share(this.#mine);
    }
    const duties = this.#leader ? Math.min(this.#checking ? Infinity : this.#checkDue(), this.#refreshing ? Infinity : this.#refreshAt) : Infinity;
    this.#timer.set(Math.min(next, duties));
  }

  /** Shares activity with the other tabs, at most once per `sampleInterval` (called from `report`). */
  #share(at: number): void {
    this.#sampledAt = at;
    if (this.#m.phase === 'expired' || (this.#m.phase === 'warning' && this.#o.ignoreActivityDuringWarning)) return;
    const proved = Number.isFinite(this.#provedAt) ? this.#provedAt : undefined;
    this.#tell({ k: 'activity', at, proved }, { lastActivity: at, provedAt: proved });
    this.#events.emit('activity', { at });
    this.#refreshAfterIdle(at);
  }

  /** A refresh passed over while the user was idle becomes due when activity comes back, before the warning. */
  #refreshAfterIdle(at: number): void {
    const tokenEnd = this.#tokenEnd();
    if (this.#refreshAt === Infinity && this.#leader && this.#o.refresh && !this.#refreshing && this.#claims?.exp !== undefined &&
        at >= tokenEnd - this.#o.refreshBefore && at < tokenEnd - this.#o.warnBefore && at > this.#tokenSetAt) {
      this.#refreshAt = at;
      this.#run();
    }
  }

  #applyExtend(at: number): void {
    const before = this.#m;
    const tokenEnd = this.#tokenEnd();
    this.#hear(at);
    this.#m = extend(before, this.#o, tokenEnd, at);
    if (endOf(this.#m, this.#o, tokenEnd) !== endOf(before, this.#o, tokenEnd) || before.phase !== this.#m.phase) {
      this.#update();
      this.#events.emit('extended', { expiresAt: endOf(this.#m, this.#o, tokenEnd) });
    }
    this.#run();
  }

  /** Ends the session once; `share` tells the other tabs and the shared record. */
  #finish(reason: ExpireReason, share: boolean): void {
    if (this.#m.phase === 'expired' && (this.#ending || this.#snapshot.state === 'expired')) return;
    this.#m = end(this.#m, reason);
    this.#ending = true;
    this.#endedAt = this.#o.now();
    if (share) {
      this.#tell({ k: 'end', reason, sub: this.#sub() }, { ended: reason, endedAt: this.#endedAt });
    }
    this.#halt();
    const done = () => {
      this.#ending = false;
      this.#update();
      this.#events.emit('expired', { reason });
      // Back to a page whose session ended (the app had left it) restores it from the back/forward
      // cache as it was: say it again, so the app leaves it again.
      if (typeof addEventListener !== 'function') return;
      let cached = false; // since the end: a restore that ends the session (on its wake-up) is not this one
      const onHide = (event: PageTransitionEvent) => (cached = event.persisted);
      const onShow = (event: PageTransitionEvent) => event.persisted && cached && this.#events.emit('expired', { reason });
      addEventListener('pagehide', onHide);
      addEventListener('pageshow', onShow);
      this.#afterEnd = () => {
        removeEventListener('pagehide', onHide);
        removeEventListener('pageshow', onShow);
        this.#afterEnd = () => {};
      };
    };
    const { beforeExpire, beforeExpireTimeout } = this.#o;
    if (!beforeExpire) return done();
    let timer: ReturnType<typeof setTimeout> | undefined;
    Promise.race([
      Promise.resolve().then(() => beforeExpire(reason)),
      new Promise((resolve) => (timer = globalThis.setTimeout(resolve, beforeExpireTimeout))),
    ])
      .catch((error) => this.#events.emit('error', { error, during: 'beforeExpire' }))
      .finally(() => {
        globalThis.clearTimeout(timer);
        done();
      });
  }

  // ——— token, refresh, check ———

  #applyToken(token: string | null | undefined, where: string): void {
    const claims = token == null ? null : decodeToken(token, where);
    const roles = claims ? readRoles(this.#o.roles, claims) : []; // may throw: before anything changes
    this.#token = token ?? null;
    this.#claims = claims;
    this.#roles = roles;
    this.#tokenSetAt = this.#o.now();
    this.#learnSkew();
  }

  /** `'auto'` clock offset: a token's `iat` is read as "issued just now". */
  #learnSkew(): void {
    const iat = this.#claims?.iat;
    if (!this.#skewKnown && iat !== undefined && this.#started) {
      this.#setSkew(iat * 1000 - this.#tokenSetAt);
    }
  }

  /** The user of this session (the token's `sub`), for the shared record and the end message. */
  #sub(): string | undefined {
    const sub = this.#claims?.sub;
    return typeof sub === 'string' ? sub : undefined;
  }

  /** The clock offset for the shared record: only once learned or given. */
  #knownSkew(): number | undefined {
    return this.#skewKnown ? this.#skew : undefined;
  }

  /** News of activity (and of the server's last proof) from another tab or the shared record; none from the future. */
  #hear(at: number, proved = -Infinity): void {
    const now = this.#o.now();
    this.#seen = Math.max(this.#seen, Math.min(at, now));
    this.#provedAt = Math.max(this.#provedAt, Math.min(proved, now));
  }

  /** Tells the other tabs (`message`) and the shared record (`patch`) the same news; never into another user's record. */
  #tell(message: TabMessage, patch: Partial<SharedRecord>): void {
    this.#channel?.post(message);
    if (!otherUser(this.#claims, this.#store.read())) this.#store.write(patch);
  }

  #setSkew(skew: number): void {
    this.#skew = skew;
    this.#skewKnown = true;
  }

  /** A new token (from `setToken`, a refresh or another tab) is in use. */
  #tokenChanged(share: boolean): void {
    const tokenEnd = this.#tokenEnd();
    this.#scheduleRefresh();
    if (share) {
      this.#tell({ k: 'token', token: this.#token, skew: this.#skew }, { tokenExp: this.#claims?.exp, skew: this.#knownSkew(), sub: this.#sub() });
    }
    this.#run();
    if (this.#token !== null && this.#m.phase !== 'expired') this.#events.emit('refreshed', { expiresAt: tokenEnd });
  }

  #scheduleRefresh(): void {
    this.#refreshBackoff = 0;
    this.#refreshAt = this.#o.refresh && this.#claims?.exp !== undefined ? this.#tokenEnd() - this.#o.refreshBefore : Infinity;
  }

  /** The schedule's refresh (and `extend()`'s during a token warning): a failure is reported and retried with backoff. */
  #scheduledRefresh(): void {
    this.#refresh(false).catch((error: unknown) => {
      if (!this.#started) return;
      if (this.#cached) return void (this.#refreshAt = this.#o.now()); // due again when the page is restored
      this.#events.emit('error', { error, during: 'refresh' });
      this.#refreshBackoff = this.#refreshBackoff ? this.#refreshBackoff * 2 : REFRESH_RETRY;
      const retryAt = this.#o.now() + this.#refreshBackoff;
      // Retry until the token warning; after it, the session ends at `exp` (or `extend()` tries again).
      this.#refreshAt = retryAt < this.#tokenEnd() - this.#o.warnBefore ? retryAt : Infinity;
      this.#run();
    });
  }

  /**
   * Runs `refresh(signal)`, one call at a time in this tab and, through a lock, across tabs. A call
   * (or a wait for the lock) pending `refreshTimeout` is abandoned: the signal aborts, the lock is let
   * go and a late answer is dropped, so a hung `refresh` can never wedge the refresh of any tab.
   * `forced` (the app's `refresh()`): always call, and set the token even when not started.
   */
  #refresh(forced: boolean): Promise<string | null> {
    if (this.#refreshing) return this.#refreshing;
    const o = this.#o;
    // The token to replace, read now: while this tab waits for the lock, another tab's new token may arrive.
    const exp = this.#claims?.exp ?? -Infinity;
    const mark = `${o.storageKey}:exp:`;
    const controller = (this.#refreshAbort = new AbortController());
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUpIn = (ms: number) => {
      globalThis.clearTimeout(timer);
      timer = globalThis.setTimeout(() => controller.abort(new DOMException(`sessionwarden: refresh() still pending after ${ms} ms, abandoned (it must not ask for the lock "${o.storageKey}:refresh")`, 'TimeoutError')), ms);
    };
    const abandoned = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    abandoned.catch(() => {});
    giveUpIn(o.refreshTimeout); // the wait for the lock: another tab's hung call lets it go by its own timeout
    const task = exclusive(`${o.storageKey}:refresh`, async () => {
      signal.throwIfAborted(); // granted after this tab gave up
      if (!forced) {
        if ((this.#claims?.exp ?? -Infinity) > exp) return this.#token; // another tab's new token arrived meanwhile
        // Another tab refreshed first: its token is on the way. The lock manager says so for sure (see
        // below); the record usually does too, but storage and the channel may reach this tab after the lock.
        const names = lockNames(); // without Web Locks, nothing to wait for: refresh at once
        const marked = names && (await names).some((name) => name.startsWith(mark) && +name.slice(mark.length) > exp);
        if (marked || (this.#store.read()?.tokenExp ?? -Infinity) > exp) {
          this.#refreshAt = Infinity;
          return this.#token;
        }
      }
      giveUpIn(o.refreshTimeout);
      const token: unknown = await Promise.race([o.refresh!(signal), abandoned]);
      if (typeof token !== 'string') decodeToken(token, 'refresh()'); // throws: not a JWT
      if (!forced && (!this.#started || this.#m.phase === 'expired')) return this.#token;
      this.#setToken(token as string, 'refresh()');
      // Asked for before this task lets the refresh lock go, so a tab granted it next finds this mark.
      this.#unmark();
      this.#unmark = hold(mark + this.#claims?.exp, 'shared', () => {});
      return this.#token;
    }, signal);
    this.#refreshForced = forced;
    const run = (this.#refreshing = Promise.race([task, abandoned]).finally(() => {
      globalThis.clearTimeout(timer);
      if (this.#refreshing === run) this.#refreshing = undefined;
    }));
    // Re-arm for the new token's refresh (after a failure, #scheduledRefresh does, once it set the backoff).
    run.then(() => this.#run(), () => {});
    return run;
  }

  /** The backup server check; the outcome reaches every tab. */
  async #check(): Promise<void> {
    const check = this.#o.check!;
    const controller = (this.#checking = new AbortController());
    this.#answerAt = Infinity;
    const sentAt = this.#o.now();
    const answer = await runCheck(check, this.#token, controller.signal);
    if (this.#checking !== controller) return; // stopped meanwhile
    this.#checking = undefined;
    const now = this.#o.now();
    const { outcome, serverTime, expiresAt } = answer;
    this.#events.emit('checked', { result: outcome });
    if (outcome === 'revoked') return this.#finish('revoked', true);
    if (outcome === 'unknown') {
      this.#checkBackoff = Math.min(this.#checkBackoff ? this.#checkBackoff * 2 : CHECK_RETRY, check.interval);
      this.#retryAt = now + this.#checkBackoff;
    } else {
      this.#checkBackoff = 0;
      this.#provedAt = now;
      if (serverTime !== undefined && this.#o.clockSkew === 'auto') {
        const skew = serverTime - (sentAt + now) / 2;
        // A `Date` header is to the second: keep a finer offset that agrees with it.
        if (!answer.coarse || this.#skew < skew || this.#skew > skew + 1000) this.#setSkew(answer.coarse ? skew + 500 : skew);
      }
      if (expiresAt !== undefined && this.#claims?.exp === undefined) this.#serverEnd = expiresAt;
      this.#tell({ k: 'checked', at: now, result: outcome, skew: this.#skew }, { provedAt: now, skew: this.#knownSkew() });
    }
    this.#run();
  }

  // ——— tabs and page ———

  /** A record that ended before this token was issued is an old session, not ours. */
  #isNewLogin(record: SharedRecord): boolean {
    const { exp, iat } = this.#claims ?? {};
    if (!record.ended || !this.#claims) return false;
    // A later `exp` than the ended session's newest token, or issued after the end.
    if (exp !== undefined && record.tokenExp !== undefined) return exp > record.tokenExp;
    if (iat !== undefined) return toLocal(iat * 1000, record.skew ?? 0) > (record.endedAt ?? Infinity);
    return record.tokenExp === undefined;
  }

  #receive(message: TabMessage): void {
    if (!this.#started) return;
    // No time from the future: another tab's clock may run ahead of this one's.
    if ('at' in message) message.at = Math.min(message.at, this.#o.now());
    switch (message.k) {
      case 'activity':
        this.#hear(message.at, message.proved);
        if (this.#m.phase === 'warning') this.#run();
        this.#refreshAfterIdle(message.at);
        break;
      case 'warning':
        this.#run();
        // This tab saw activity the warning tab did not: tell it at once.
        if (this.#m.phase === 'active') {
          this.#sampledAt = -Infinity;
          this.#share(this.#m.lastActivity);
        }
        break;
      case 'extend':
        this.#applyExtend(message.at);
        break;
      case 'end':
        if (!otherUser(this.#claims, message)) this.#finish(message.reason, false);
        break;
      case 'open':
        void this.#countOpen();
        break;
      case 'gone':
        this.#openPages = Math.max(1, this.#openPages - 1);
        // Its beacon asked the server to end the session unless a request comes within closeGrace:
        // this page is still open, so the leader asks, after the beacon has arrived and before the grace ends.
        if (this.#answers()) {
          this.#answerAt = this.#o.now() + this.#o.closeGrace / 2;
          this.#run();
        }
        break;
      case 'token': {
        if (message.token === this.#token) break;
        const where = 'a message from another tab';
        try {
          // Another user signed in there: this user's session ends here, and their token is never taken.
          if (otherUser(this.#claims, message.token === null ? null : decodeToken(message.token, where))) return this.#finish('logout', false);
          this.#applyToken(message.token, where);
        } catch (error) {
          return this.#degrade(error, 'channel');
        }
        this.#setSkew(this.#o.clockSkew === 'auto' ? message.skew : this.#skew);
        this.#tokenChanged(false);
        break;
      }
      case 'checked':
        this.#answerAt = Infinity;
        this.#hear(-Infinity, message.at);
        this.#checkBackoff = 0;
        if (this.#o.clockSkew === 'auto') this.#setSkew(message.skew);
        this.#events.emit('checked', { result: message.result });
        this.#run();
    }
  }

  /** After sleep, throttling, the back/forward cache or a missed message: catch up, then decide now. */
  #wake(focus: boolean): void {
    this.#cached = false;
    const record = this.#store.read();
    // Another user signed in while this page slept or sat in the back/forward cache: this user's session is over.
    if (otherUser(this.#claims, record)) return this.#finish('logout', false);
    if (record?.ended) return this.#finish(record.ended, false);
    if (record) this.#hear(record.lastActivity, record.provedAt);
    const check = this.#o.check;
    if (focus && check?.onFocus && !this.#checking && this.#o.now() - this.#provedAt >= check.interval) void this.#check();
    this.#timer.clear(); // a timer armed before a sleep runs late by the time slept: arm it afresh
    this.#run();
  }

  #hide(final: boolean, cached = false): void {
    // A cached page keeps no connection open: the check and the refresh are due again when it returns.
    if (cached) {
      this.#cached = true;
      this.#checking?.abort();
      this.#checking = undefined;
      if (!this.#refreshForced) this.#refreshAbort?.abort();
    }
    if (!final || !this.#o.endOnClose || this.#m.phase === 'expired') return;
    this.#tell({ k: 'gone' }, { goneAt: this.#o.now() });
    this.#gone = true;
    const beacon = this.#o.closeBeacon;
    // With a check to keep the session, every closing page sends it: pages closing in the same instant
    // (quitting the browser) each still count the others, and would each leave the beacon to another.
    if (beacon && (this.#openPages < 2 || this.#answers())) navigator.sendBeacon?.(beacon);
  }

  /** Whether open pages answer a closing page's beacon with a check. */
  #answers(): boolean {
    return !!(this.#o.closeBeacon && this.#o.check);
  }

  /** Pages of this session open now, this one included (kept by Web Locks and the open/gone messages). */
  #openPages = 1;
  /** This page said it was gone (pagehide); if it comes back from the back/forward cache it says so again. */
  #gone = false;

  #countOpen(): Promise<void> {
    return holders(`${this.#o.storageKey}:open`).then((n) => {
      // Without Web Locks we cannot count pages: assume others, so a lone close sends no beacon on a guess.
      this.#openPages = n ?? 2;
    });
  }

  /** `endOnClose`: a session whose last page has been gone longer than `closeGrace` has been closed. */
  #watchClose(record: SharedRecord | undefined, now: number): void {
    const name = `${this.#o.storageKey}:open`;
    const gone = record?.goneAt !== undefined && now - record.goneAt > this.#o.closeGrace && !record.ended;
    if (this.#o.endOnClose === 'tab') {
      if (gone) this.#finish('closed', false);
      return;
    }
    const announce = () => this.#countOpen().then(() => this.#channel?.post({ k: 'open' }));
    const epoch = this.#epoch;
    void holders(name).then((others) => {
      if (!this.#started || epoch !== this.#epoch) return; // stopped (and maybe started again) meanwhile
      // Without Web Locks we cannot tell a close from another open tab: never end on a guess.
      if (gone && others === 0) this.#finish('closed', true);
      else this.#detach.push(hold(name, 'shared', () => void announce()));
    });
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted && this.#gone) void announce();
      this.#gone = false;
    };
    addEventListener('pageshow', onShow);
    this.#detach.push(() => removeEventListener('pageshow', onShow));
  }

  /** Storage, channel or lock trouble: keep working alone, and say so once. */
  #degrade(error: unknown, during: string): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#events.emit('error', { error, during });
  }

  #makeSnapshot(): SessionSnapshot {
    const m = this.#m;
    const expired = m.phase === 'expired' && !this.#ending;
    return {
      state: expired ? 'expired' : this.#started ? (m.phase === 'expired' ? 'active' : m.phase) : 'stopped',
      reason: expired ? m.reason : null,
      warning: this.#started && m.phase === 'warning' ? m.warning : null,
      expiresAt: expired ? this.#endedAt : endOf(m, this.#o, this.#tokenEnd()),
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
