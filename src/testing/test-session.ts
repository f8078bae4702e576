import { SessionManager, type ActivitySignals, type ActivitySource, type SessionOptions } from 'sessionwarden';
import { defaultWarnBefore } from '../options';

/** Bad input to a testing helper: a `TypeError` that says what was wrong. */
export const need = (ok: unknown, problem: string): void => {
  if (!ok) throw new TypeError(`sessionwarden: ${problem}`);
};

/** What the test's own activity source holds while the manager is started. */
interface Hooks {
  report?: (at?: number) => void;
  signals?: ActivitySignals;
}

/**
 * A real {@link SessionManager} for an app's own tests, made by {@link createTestSession}: no DOM
 * activity, no other tab, the clock read from `Date.now()` at each call (so the test runner's fake
 * timers drive it), and a few helpers to act as the user and the server.
 */
export class TestSession extends SessionManager {
  readonly #hooks: Hooks;
  readonly #warnBefore: number;

  /** Same as {@link createTestSession}. */
  constructor(options: SessionOptions = {}) {
    need(typeof options === 'object' && options !== null && !Array.isArray(options), 'createTestSession() takes SessionManager options (an object)');
    const hooks: Hooks = {};
    const source: ActivitySource = {
      start(report, signals) {
        [hooks.report, hooks.signals] = [report, signals];
        return () => void (hooks.report = hooks.signals = undefined);
      },
    };
    const { activity } = options;
    // A non-array `activity` goes on as given, for the manager's own error.
    super({ crossTab: false, now: () => Date.now(), ...options, activity: Array.isArray(activity) ? [source, ...activity] : (activity ?? [source]) });
    this.#hooks = hooks;
    const { idleTimeout = 1_800_000 } = options;
    this.#warnBefore = options.warnBefore ?? defaultWarnBefore(idleTimeout);
  }

  /**
   * The user did something (a key, a click), as the DOM activity source would report it.
   * @throws `TypeError` when the session is not started: a stopped manager listens to no one.
   */
  userActive(): void {
    need(this.#hooks.report, 'userActive() needs a started session (call start() first)');
    this.#hooks.report!();
  }

  /**
   * The server rejected the session (as a 401 to the app's request does): it ends with reason `'revoked'`.
   * @throws `TypeError` when the session is not started.
   */
  revoke(): void {
    need(this.#hooks.signals, 'revoke() needs a started session (call start() first)');
    this.#hooks.signals!.revoked();
  }

  /**
   * Milliseconds until the `'warning'`, from now and the activity so far (`0` while warning or once
   * expired): `vi.advanceTimersByTime(session.untilWarning())`. For the end, use `remaining()`.
   */
  untilWarning(): number {
    return Math.max(0, this.remaining() - this.#warnBefore);
  }
}

/**
 * Makes a real {@link SessionManager} for your tests, to drive through its states with your test
 * runner's fake timers (`vi.useFakeTimers()`, `jest.useFakeTimers()`): `options` are the
 * manager's own, with these defaults instead: no DOM activity (`activity` holds only the test's
 * source, before any you pass), no cross-tab sharing (`crossTab: false`, so nothing is stored
 * between tests) and `now: () => Date.now()`. Start it yourself (`start()`), or let an adapter do it
 * (`<SessionProvider manager={session}>`, `app.use(sessionPlugin, session)`).
 *
 * @example
 * ```ts
 * vi.useFakeTimers();
 * const session = createTestSession({ idleTimeout: 60_000, warnBefore: 10_000 });
 * session.start();
 * vi.advanceTimersByTime(session.untilWarning());
 * session.state; // 'warning'
 * ```
 * @throws `TypeError` when `options` is not an object; the manager's own errors for bad options.
 */
export function createTestSession(options: SessionOptions = {}): TestSession {
  return new TestSession(options);
}
