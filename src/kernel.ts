import mitt, { type Handler } from 'mitt';
import type { ExpireReason, JwtClaims, SessionEvents, SessionSnapshot } from './types';
import type { BusEvents, SessionContext, SignalHooks, SessionSignal } from './signal';
import { isSignal, type Resolved } from './options';
import { need } from './errors';
import { grants } from './core/roles';
import { begin, deadlineOf, end, endOf, extend, step, type Machine } from './core/machine';
import { createDeadline } from './timers/deadline';
import { watchPage } from './lifecycle/page';
import { snapshots } from './snapshot';

const NO_ROLES: readonly string[] = [];
const NOOP = () => {};

/** The kernel's side of a session, driven by {@link SessionCore}'s methods. */
export type Kernel = ReturnType<typeof createKernel>;
/**
 * The kernel: the pure inactivity machine, the one deadline timer, activity and its sampling, the
 * wake-up re-check, events and the snapshot; and the context every signal plugs into. It knows no
 * signal by name: they contribute ends (`end()`), due times (`due()`) and news on the bus.
 */
export function createKernel(o: Resolved, builtIn: readonly SessionSignal[]) {
  const signals = [...builtIn, ...o.signals];
  // In production too: a value that is not a signal (the 0.0.x shape of `check` …) would fail in its attach.
  need(signals.every(isSignal), __DEV__ ? 'option `signals` must be an array of signals' : 7);
  const events = mitt<SessionEvents>();
  const bus = mitt<BusEvents>();
  const timer = createDeadline(() => run(), o.now);
  let hooks: SignalHooks[] = [];
  let m: Machine = begin(o.now());
  let started = false;
  let ending = false;
  /** Whether the next `start()` begins a new session: the first, or after a token given after the end. */
  let fresh = true;
  let cached = false;
  let starting = false;
  const waiting = new Set<object>(); // signals still finding out, after start(), whether it ended: 'starting'
  let degraded = false;
  /** The newest activity reported (counted or not), this tab's own, and when activity was last shared. */
  let seen = -Infinity;
  let mine = -Infinity;
  let sampledAt = -Infinity;
  let endedAt = 0;
  let claims: JwtClaims | null = null;
  let roles: readonly string[] = NO_ROLES;
  let detach: (() => void)[] = [];
  /** Stops watching the page: watched from `start()` to `stop()`, and after the end (a restore says it again). */
  let unwatch = NOOP;

  /** The nearest end the signals set (token expiry …); `Infinity` without one. */
  const signalEnd = () => Math.min(...hooks.map((h) => h.end?.() ?? Infinity));
  const makeSnapshot = (): SessionSnapshot => {
    const expired = m.phase === 'expired' && !ending;
    const known = !(started && waiting.size);
    return {
      state: expired ? 'expired' : !started ? 'stopped' : !known ? 'starting' : m.phase === 'expired' ? 'active' : m.phase,
      reason: expired ? m.reason : null,
      warning: started && known && m.phase === 'warning' ? m.warning : null,
      expiresAt: expired ? endedAt : endOf(m, o, signalEnd()),
      claims,
      roles: expired || !known ? NO_ROLES : roles,
    };
  };
  const snapshot = snapshots(makeSnapshot, (next) => events.emit('change', next));
  const update = () => void (ending || snapshot.update());

  /** Steps the machine, emits what changed, lets due signals run and re-arms the one timer. */
  const run = (): void => {
    if (!started || ending || cached || starting || waiting.size) return;
    const now = o.now();
    // After the wall clock was set back, this tab's own times are in the future: they count as now.
    [seen, mine, sampledAt] = [seen, mine, sampledAt].map((at) => Math.min(at, now)) as [number, number, number];
    const before = m, tokenEnd = signalEnd();
    m = step(before, o, tokenEnd, now, seen);
    if (m.phase === 'expired') return finish(m.reason!, true);
    bus.emit('run', now);
    if (!started) return; // a signal ended the session
    update();
    if (m.phase === 'warning' && m.warnedAt !== before.warnedAt) {
      ctx.tell({ k: 'warning' });
      events.emit('warning', { reason: m.warning!, expiresAt: endOf(m, o, tokenEnd) });
    } else if (before.phase === 'warning' && m.phase === 'active') {
      events.emit('extended', { expiresAt: endOf(m, o, tokenEnd) });
    }
    let next = deadlineOf(m, o, tokenEnd);
    // Activity shared on the leading edge of an interval leaves up to one interval unshared: share it
    // before another tab, knowing only the older time, could warn (one timer callback, not one per interval).
    const early = next - 2 * o.sampleInterval;
    if (ctx.shared && m.phase === 'active' && mine > sampledAt) {
      if (now < early) next = early;
      else share(mine);
    }
    timer.set(Math.min(next, ...hooks.map((h) => h.due?.() ?? Infinity)));
  };

  /** Shares activity with the other tabs and the record (called at most once per `sampleInterval`). */
  const share = (at: number) => {
    sampledAt = at;
    if (m.phase === 'expired' || (m.phase === 'warning' && o.ignoreActivityDuringWarning)) return;
    const news: BusEvents['share'] = [{ k: 'activity', at }, { lastActivity: at }];
    bus.emit('share', news);
    ctx.tell(...news);
    events.emit('activity', { at });
  };

  const extendTo = (at: number) => {
    const before = m, tokenEnd = signalEnd();
    ctx.hear(at);
    m = extend(before, o, tokenEnd, at);
    if (endOf(m, o, tokenEnd) !== endOf(before, o, tokenEnd) || before.phase !== m.phase) {
      update();
      events.emit('extended', { expiresAt: endOf(m, o, tokenEnd) });
    }
    run();
  };

  const halt = () => {
    started = false;
    waiting.clear();
    for (const undo of detach.splice(0)) undo();
    timer.clear();
  };

  /** Ends the session once; `share` tells the other tabs and the shared record. */
  const finish = (reason: ExpireReason, tell: boolean): void => {
    if (m.phase === 'expired' && (ending || snapshot.get().state === 'expired')) return;
    if (!started && typeof document == 'object') watch(); // ended while stopped: a restore says it again too
    m = end(m, reason);
    ending = true;
    endedAt = o.now();
    if (tell) ctx.tell({ k: 'end', reason }, { ended: reason, endedAt });
    halt();
    const done = () => void ((ending = false), update(), events.emit('expired', { reason }));
    const waits = hooks.map((h) => h.beforeEnd?.(reason)).filter(Boolean);
    if (waits.length) void Promise.all(waits).finally(done);
    else done();
  };

  const ctx: SessionContext = {
    key: o.storageKey,
    now: o.now,
    warnBefore: o.warnBefore,
    bus,
    emit: events.emit,
    degrade: (error, during) => { if (!degraded) events.emit('error', { error, during }); degraded = true; },
    started: () => started,
    phase: () => m,
    lastActivity: () => Math.max(m.lastActivity, seen),
    hear: (at) => void (seen = Math.max(seen, Math.min(at, o.now()))),
    resume: (at) => { m = begin(Math.min(at, o.now())); seen = m.lastActivity; },
    extend: (at) => extendTo(Math.min(at, o.now())),
    end: finish,
    restart: () => { m = begin((seen = mine = o.now())); bus.emit('restart'); },
    renew: () => { fresh = true; bus.emit('renew'); },
    run,
    share,
    wait() {
      const key = {}; // a release from before a stop() was cleared with it: it decides nothing
      waiting.add(key);
      return () => void (waiting.delete(key) && !waiting.size && run());
    },
    // While the signals start, the end they may find is not decided yet: the snapshot waits for run().
    claims: (c, r) => { claims = c; roles = r; if (!starting) update(); },
    leader: true,
    shared: false,
    tell: NOOP,
    read: NOOP as () => undefined,
  };
  /** What an activity source may tell besides activity (`requestActivity()`: the server's answers). */
  const activity = { proved: () => bus.emit('proved', o.now()), revoked: () => finish('revoked', true), dated: (serverTime: number) => bus.emit('dated', serverTime) };
  hooks = signals.map((signal) => signal.attach(ctx));
  snapshot.reset();

  const { now: clock, sampleInterval } = o;
  /** What every activity source calls: O(1), allocation-free; shares at most once per `sampleInterval`. */
  const report = (at?: number): void => {
    const now = clock();
    if (at === undefined || at > now) at = now; // no activity from the future
    if (at > seen) seen = mine = at;
    if (started && (at - sampledAt >= sampleInterval || at < sampledAt)) share(at);
  };

  const stop = () => void (started && (halt(), watch(false), update()));
  return {
    /** Listens to an event; returns the function that stops (a snapshot subscriber listens to `'change'`). */
    on<K extends keyof SessionEvents>(type: K, handler: Handler<SessionEvents[K]>) {
      events.on(type, handler);
      return () => events.off(type, handler);
    },
    off: events.off,
    snapshot: snapshot.get,
    claims: () => claims,
    can: (permission: string) => grants(snapshot.get().roles, o.permissions, permission),
    start() {
      if (started || ending || (m.phase === 'expired' && !fresh)) return;
      const begins = fresh;
      if (fresh) m = begin((seen = o.now()));
      started = true;
      fresh = cached = false;
      detach = o.activity.map((source) => source.start(report, activity));
      watch();
      starting = true; // no decision until every signal has started
      for (const h of hooks) if (started) detach.push(h.start?.(begins) ?? NOOP); // unless a signal ended the session
      starting = false;
      if (waiting.size) update(); // 'starting': a signal still finds out whether the session ended
      else run();
    },
    stop,
    /** Stops, and removes every handler and the re-emission of `'expired'` on a back/forward cache restore. */
    destroy() {
      events.all.clear();
      stop();
      watch(false);
    },
    extend() {
      if (!started || m.phase === 'expired' || ending) return;
      const at = o.now();
      bus.emit('extend', m.warning);
      extendTo(at);
      ctx.tell({ k: 'extend', at }, { lastActivity: at });
    },
    end: (reason: ExpireReason) => finish(reason, true),
    report,
    remaining() {
      const now = o.now();
      const next = step(m, o, signalEnd(), now, seen);
      return next.phase === 'expired' ? 0 : endOf(next, o, signalEnd()) - now;
    },
  };

  /** After sleep, throttling, the back/forward cache or a missed message: catch up, then decide now. */
  function wake(focus: boolean, restored?: boolean) {
    // Back to a page whose session ended (the app had left it), restored from the back/forward cache
    // as it was: say it again, so the app leaves it again.
    if (!started) return void (restored && cached && !ending && events.emit('expired', { reason: m.reason! }));
    cached = false;
    bus.emit('wake', focus);
    timer.clear(); // a timer armed before a sleep runs late by the time slept: arm it afresh
    run();
  }
  /** The page is hidden (`final`: unloaded or `into` the back/forward cache, where nothing is started until it is restored). */
  function hide(final: boolean, into = false) {
    cached ||= into;
    if (started) bus.emit('hide', { final, cached: into });
  }
  /** Watches the page afresh, or (`on` false) no more. */
  function watch(on = true) {
    unwatch();
    unwatch = on ? watchPage(wake, hide) : NOOP;
  }
}
