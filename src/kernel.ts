import mitt from 'mitt';
import type { ExpireReason, JwtClaims, SessionEvents, SessionSnapshot } from './types';
import type { BusEvents, SessionContext, SignalHooks, SessionSignal } from './signal';
import type { Resolved } from './options';
import { begin, deadlineOf, end, endOf, extend, step, type Machine } from './core/machine';
import { createDeadline } from './timers/deadline';
import { onRestore, watchPage } from './lifecycle/page';
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
export function createKernel(o: Resolved, signals: readonly SessionSignal[]) {
  const events = mitt<SessionEvents>();
  const bus = mitt<BusEvents>();
  const timer = createDeadline(() => run(), o.now);
  let hooks: SignalHooks[] = [];
  let m: Machine = begin(o.now());
  let started = false;
  let ending = false;
  let begun = false;
  let renewed = false;
  let cached = false; // in the back/forward cache: nothing is started until it is restored
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
  let afterEnd = NOOP;

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
    const before = m;
    const tokenEnd = signalEnd();
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
    const [before, tokenEnd] = [m, signalEnd()];
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
    m = end(m, reason);
    ending = true;
    endedAt = o.now();
    if (tell) ctx.tell({ k: 'end', reason }, { ended: reason, endedAt });
    bus.emit('end', reason);
    halt();
    const done = () => {
      ending = false;
      update();
      events.emit('expired', { reason });
      // Back to a page whose session ended (the app had left it) restores it from the back/forward
      // cache as it was: say it again, so the app leaves it again.
      if (typeof document === 'object') afterEnd = onRestore(() => events.emit('expired', { reason }));
    };
    const waits = hooks.map((h) => h.beforeEnd?.(reason)).filter(Boolean);
    if (waits.length) void Promise.all(waits).finally(done);
    else done();
  };

  const ctx: SessionContext = {
    key: o.storageKey,
    now: o.now,
    warnBefore: o.warnBefore,
    bus,
    emit: (type, payload) => events.emit(type, payload),
    degrade: (error, during) => { if (!degraded) events.emit('error', { error, during }); degraded = true; },
    started: () => started,
    phase: () => m,
    lastActivity: () => Math.max(m.lastActivity, seen),
    hear: (at) => void (seen = Math.max(seen, Math.min(at, o.now()))),
    resume: (at) => { m = begin(Math.min(at, o.now())); seen = m.lastActivity; },
    extend: (at) => extendTo(Math.min(at, o.now())),
    end: finish,
    restart: () => { m = begin((seen = mine = o.now())); bus.emit('restart'); },
    renew: () => { renewed = true; bus.emit('renew'); },
    run,
    wait() {
      const key = {}; // a release from before a stop() was cleared with it: it decides nothing
      waiting.add(key);
      return () => void (waiting.delete(key) && !waiting.size && run());
    },
    // While the signals start, the end they may find is not decided yet: the snapshot waits for run().
    claims: (c, r) => { [claims, roles] = [c, r]; if (!starting) update(); },
    leader: true,
    shared: false,
    tell: NOOP,
    read: NOOP as () => undefined,
  };
  bus.on('msg:activity', (message) => {
    ctx.hear(message.at as number);
    if (m.phase === 'warning') run();
  });
  bus.on('msg:extend', (message) => ctx.extend(message.at as number));
  bus.on('msg:end', (message) => finish(message.reason as ExpireReason, false));
  bus.on('msg:warning', () => {
    run();
    // This tab saw activity the warning tab did not: tell it at once.
    if (m.phase === 'active') share(m.lastActivity);
  });
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

  return {
    events,
    listeners: snapshot.listeners,
    snapshot: snapshot.get,
    claims: () => claims,
    start() {
      if (started || ending || (m.phase === 'expired' && !renewed)) return;
      afterEnd();
      const now = o.now();
      const fresh = !begun || renewed;
      if (fresh) {
        m = begin(now);
        seen = now;
        begun = true;
      }
      started = true;
      renewed = false;
      const dated = (serverTime: number, at = o.now()) => bus.emit('serverTime', { serverTime, sentAt: at, at, coarse: true, passing: true });
      const activity = { proved: () => bus.emit('proved', o.now()), revoked: () => finish('revoked', true), dated };
      detach = o.activity.map((source) => source.start(report, activity));
      detach.push(watchPage({ wake: wake, hide: (final, c = false) => ((cached ||= c), bus.emit('hide', { final, cached: c })) }));
      starting = true; // no decision until every signal has started
      for (const h of hooks) if (started) detach.push(h.start?.(fresh) ?? NOOP); // unless a signal ended the session
      starting = false;
      if (waiting.size) update(); // 'starting': a signal still finds out whether the session ended
      else run();
    },
    stop() {
      if (!started) return;
      halt();
      update();
    },
    /** Removes the re-emission of `'expired'` on a back/forward cache restore. */
    forget: () => afterEnd(),
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
  function wake(focus: boolean) {
    cached = false;
    bus.emit('wake', focus);
    timer.clear(); // a timer armed before a sleep runs late by the time slept: arm it afresh
    run();
  }
}
