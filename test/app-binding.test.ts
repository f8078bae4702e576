// appBinding(): what the adapters use to run a session for the app's UI, tested without a framework.
// Its rules as the adapters' tests see them: test/react, test/vue, test/angular (first-hour.test.*).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appBinding, SessionManager, type SessionOptions } from '../src';
import { jwt } from './jwt';

const MIN = 60_000;
const T0 = 1_700_000_000_500;
const sec = (ms: number) => Math.floor(ms / 1000);
const signIn = (sid: string, ago = 0) => jwt({ sub: 'ann', sid, iat: sec(Date.now() - ago), exp: sec(Date.now() - ago) + 15 * 60 });
const options: SessionOptions = { idleTimeout: 30 * MIN, activity: [], crossTab: false };
const managers: SessionManager[] = [];
const make = (extra: SessionOptions = {}) => {
  const session = new SessionManager({ ...options, ...extra });
  managers.push(session);
  return session;
};
/** Lets the microtasks and the next task run. */
const nextTask = () => vi.advanceTimersByTimeAsync(1);

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('appBinding(session)', () => {
  it('is one per manager', () => {
    const session = make();
    expect(appBinding(session)).toBe(appBinding(session));
    expect(appBinding(make())).not.toBe(appBinding(session));
  });

  it('on() for other events is the manager’s own on(), with its errors', () => {
    const session = make({ idleTimeout: 10_000, warnBefore: 2_000 });
    const warned = vi.fn();
    const off = appBinding(session).on('warning', warned);
    session.start();
    vi.advanceTimersByTime(8_000);
    expect(warned).toHaveBeenCalledOnce();
    off();
    session.extend();
    vi.advanceTimersByTime(8_000);
    expect(warned).toHaveBeenCalledOnce();
    expect(() => appBinding(session).on('nope' as never, () => {})).toThrow(/^sessionwarden: on\(\) got an unknown event "nope"/);
  });
});

describe('an end found at start', () => {
  it('that no handler heard goes to the handlers that subscribe next, in a microtask, once each; then to no one', async () => {
    const session = make({ token: signIn('old', 20 * MIN) });
    const binding = appBinding(session);
    binding.start();
    expect(session.state).toBe('expired');
    const [a, b, late] = [vi.fn(), vi.fn(), vi.fn()];
    binding.on('expired', a);
    expect(a).not.toHaveBeenCalled(); // not during the subscriber's own setup
    await Promise.resolve();
    binding.on('expired', b); // later in the same task (a route after its layout)
    await nextTask();
    expect(a.mock.calls).toEqual([[{ reason: 'token' }]]);
    expect(b.mock.calls).toEqual([[{ reason: 'token' }]]);
    binding.on('expired', late);
    await nextTask();
    expect(late).not.toHaveBeenCalled();
  });

  it('that handlers heard goes to those that subscribe in the same task, and to none after it', async () => {
    const session = make({ token: signIn('old', 20 * MIN) });
    const binding = appBinding(session);
    const [early, sameTask, later] = [vi.fn(), vi.fn(), vi.fn()];
    binding.on('expired', early);
    binding.start();
    expect(early).toHaveBeenCalledOnce(); // live
    binding.on('expired', sameTask);
    await nextTask();
    binding.on('expired', later);
    await nextTask();
    expect(early).toHaveBeenCalledOnce();
    expect(sameTask).toHaveBeenCalledOnce();
    expect(later).not.toHaveBeenCalled();
  });

  it('goes to an owner once, however often it subscribes again (StrictMode), and not to a handler removed before the microtask', async () => {
    const session = make({ token: signIn('old', 20 * MIN) });
    const binding = appBinding(session);
    binding.start();
    const owner = {};
    const [first, again, removed] = [vi.fn(), vi.fn(), vi.fn()];
    binding.on('expired', removed, owner)(); // subscribed and removed at once (StrictMode's cleanup)
    binding.on('expired', first, owner);
    binding.on('expired', again, owner);
    await nextTask();
    expect(removed).not.toHaveBeenCalled();
    expect(first.mock.calls.length + again.mock.calls.length).toBe(1);
  });

  it('is not handed on once a new session began (a sign-in since)', async () => {
    const session = make({ token: signIn('s1') });
    const binding = appBinding(session);
    binding.start();
    session.logout(); // no one listening: kept
    session.setToken(signIn('s2'));
    await nextTask();
    expect(session.state).toBe('active');
    const handler = vi.fn();
    binding.on('expired', handler);
    await nextTask();
    expect(handler).not.toHaveBeenCalled();
  });

  it('is heard again after destroy() and a new start() (StrictMode destroys the manager the provider owns)', async () => {
    const session = make({ token: signIn('s1') });
    const binding = appBinding(session);
    binding.start()();
    session.destroy();
    const handler = vi.fn();
    binding.on('expired', handler);
    binding.start();
    session.logout();
    expect(handler.mock.calls).toEqual([[{ reason: 'logout' }]]);
  });
});

describe('start(): only once there is a session to run', () => {
  it('without a token, starts nothing; the first setToken() starts it, after the call returns', async () => {
    const session = make();
    const stop = appBinding(session).start();
    expect(session.state).toBe('stopped');
    session.setToken(signIn('s1'));
    expect(session.state).toBe('stopped');
    await Promise.resolve();
    expect(session.state).toBe('active');
    stop();
  });

  it('after an end, a new token starts the new session; the same token or none does not', async () => {
    const session = make({ token: signIn('s1') });
    appBinding(session).start();
    session.logout();
    session.setToken(null);
    await nextTask();
    expect(session.state).toBe('expired');
    session.setToken(signIn('s2'));
    await nextTask();
    expect(session.state).toBe('active');
  });

  it('withoutToken starts at once; the returned function stops watching (a setToken() then starts nothing)', async () => {
    expect((appBinding(make()).start(true), managers.at(-1)!.state)).toBe('active');
    const session = make();
    appBinding(session).start()();
    session.setToken(signIn('s1'));
    await nextTask();
    expect(session.state).toBe('stopped');
  });

  it('starts nothing once stopped watching, even for a token set in the same task (a provider unmounted at once)', async () => {
    const session = make();
    const stop = appBinding(session).start();
    session.setToken(signIn('s1'));
    stop();
    await nextTask();
    expect(session.state).toBe('stopped');
  });

  it('leaves a stopped session alone when nothing but the state changes', async () => {
    const session = make({ token: signIn('s1') });
    appBinding(session).start();
    session.stop(); // the app pauses it
    await nextTask();
    expect(session.state).toBe('stopped');
  });
});
