// The kernel alone (SessionCore): inactivity in one tab, and the one interface a signal plugs into.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionCore, jwtToken, sharedTabs, type SessionSignal } from '../src';
import { jwt } from './jwt';

const SEC = 1000;
const cores: SessionCore[] = [];
const make = (options: ConstructorParameters<typeof SessionCore>[0] = {}) => {
  const core = new SessionCore({ idleTimeout: 60 * SEC, warnBefore: 10 * SEC, activity: [], ...options });
  cores.push(core);
  return core;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  localStorage.clear();
});
afterEach(() => {
  for (const core of cores.splice(0)) core.destroy();
  vi.useRealTimers();
});

describe('SessionCore: the kernel alone', () => {
  it('warns, then ends the session for inactivity; keeps nothing in storage and opens no channel', () => {
    const events: string[] = [];
    const core = make();
    core.on('warning', () => events.push('warning'));
    core.on('expired', ({ reason }) => events.push(`expired:${reason}`));
    core.start();
    vi.advanceTimersByTime(50 * SEC);
    expect(core.state).toBe('warning');
    vi.advanceTimersByTime(10 * SEC);
    expect(events).toEqual(['warning', 'expired:idle']);
    expect(localStorage.length).toBe(0);
    expect(core.claims).toBeNull();
    expect(core.roles).toEqual([]);
  });

  it('takes no option of SessionManager: the token and the tabs are signals here', () => {
    expect(() => new SessionCore({ token: 'x' } as never)).toThrow(TypeError);
    expect(() => new SessionCore({ crossTab: false } as never)).toThrow(/unknown option `crossTab`/);
  });

  it('with jwtToken() and sharedTabs() it does what SessionManager does', () => {
    const exp = Math.floor(Date.now() / SEC) + 30;
    const token = jwtToken({ token: jwt({ exp, roles: ['editor'] }), clockSkew: 0 });
    const core = make({ signals: [sharedTabs(), token], permissions: { editor: ['posts:edit'] } });
    core.start();
    expect(core.can('posts:edit')).toBe(true);
    expect(core.remaining()).toBe(30 * SEC);
    expect(JSON.parse(localStorage.getItem('sessionwarden')!)).toMatchObject({ tokenExp: exp });
    token.set(null);
    expect(core.roles).toEqual([]);
  });

  it.each([
    [{ channel: '' }, /sharedTabs\(\) option `channel`/],
    [{ channel: 5 }, /sharedTabs\(\) option `channel`/],
    [{ storage: 'cookie' }, /sharedTabs\(\) option `storage`/],
  ])('sharedTabs(%j) is a TypeError naming it', (options, message) => {
    expect(() => sharedTabs(options as never)).toThrow(TypeError);
    expect(() => sharedTabs(options as never)).toThrow(message);
  });
});

describe('a signal of your own: one object, no change to the kernel', () => {
  it('can end the session (and tell the other tabs), add an end of its own, and be due', () => {
    const ran: number[] = [];
    let endNow = () => {};
    const custom: SessionSignal = {
      attach(ctx) {
        ctx.bus.on('run', (now) => ran.push(now - 1_000_000));
        endNow = () => ctx.end('revoked', true);
        return { end: () => 1_000_000 + 40 * SEC, due: () => 1_000_000 + 5 * SEC };
      },
    };
    const core = make({ signals: [custom] });
    const expired = vi.fn();
    core.on('expired', expired);
    core.start();
    expect(core.remaining()).toBe(40 * SEC); // its end is nearer than the idle end
    vi.advanceTimersByTime(5 * SEC);
    expect(ran).toContain(5 * SEC); // woken when due
    vi.advanceTimersByTime(25 * SEC);
    expect(core.getSnapshot()).toMatchObject({ state: 'warning', warning: 'token' });
    endNow();
    expect(expired).toHaveBeenCalledWith({ reason: 'revoked' });
  });

  it('is awaited before expired (beforeEnd)', async () => {
    let release!: () => void;
    const waits: SessionSignal = { attach: () => ({ beforeEnd: () => new Promise<void>((resolve) => (release = resolve)) }) };
    const core = make({ signals: [waits] });
    const expired = vi.fn();
    core.on('expired', expired);
    core.start();
    core.logout();
    await vi.advanceTimersByTimeAsync(0);
    expect(expired).not.toHaveBeenCalled();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(expired).toHaveBeenCalledWith({ reason: 'logout' });
  });

  it("can hold the start (wait()): 'starting' with no decision until released; a release from before a stop() decides nothing", () => {
    const releases: (() => void)[] = [];
    const holds: SessionSignal = { attach: (ctx) => ({ start: () => void releases.push(ctx.wait(), ctx.wait()) }) };
    const core = make({ signals: [holds], idleTimeout: 60 * SEC });
    const states: string[] = [];
    core.subscribe(() => states.push(core.state));
    core.start();
    expect(core.state).toBe('starting');
    vi.advanceTimersByTime(30 * SEC); // no decision while starting (not even the warning at 50 s on release)
    expect(core.state).toBe('starting');
    core.stop();
    core.start(); // two new holds
    const [old1, old2, now1, now2] = releases;
    old1!();
    old2!();
    expect(core.state).toBe('starting');
    now1!();
    expect(core.state).toBe('starting'); // one hold left
    now2!();
    now2!(); // twice: nothing more
    expect(core.state).toBe('active');
    expect(states).toEqual(['starting', 'stopped', 'starting', 'active']);
  });

  it('a signal that is not one is a TypeError naming the option', () => {
    expect(() => make({ signals: [() => ({})] as never })).toThrow(/option `signals`/);
  });
});
