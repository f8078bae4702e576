// SPEC "The first hour": what a new integration must not hit, where happy-dom tells the truth.
// A new sign-in within a second of the end, a token restored from storage, a refresh scheduled after
// the warning, the registered claims. Adapters' rules: test/react, test/vue, test/angular; browsers: test/e2e.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, closeDetection, tokenRefresh, type JwtClaims, type SessionOptions } from 'sessionwarden';
import { jwt } from '../jwt';
import { fakeLocks } from '../fake-locks';

const SEC = 1000;
const MIN = 60 * SEC;
/** Half a second into a second: a token issued "now" has iat = floor(now), as a server's is. */
const T0 = 1_700_000_000_500;
const sec = (ms: number) => Math.floor(ms / 1000);

/** What a server issues at sign-in: its own session id (`sid`) in each token, 15-min life. */
const signIn = (sid: string, at = Date.now(), sub = 'ann') => jwt({ sub, sid, roles: ['editor'], iat: sec(at), exp: sec(at) + 15 * 60 });

const managers: SessionManager[] = [];
/** A manager as an app creates one at sign-in (a provider, a plugin): shared across tabs by default. */
const make = (options: SessionOptions = {}) => {
  const session = new SessionManager({ idleTimeout: 30 * MIN, activity: [], ...options });
  managers.push(session);
  return session;
};
const ends = (session: SessionManager) => {
  const log: string[] = [];
  session.on('expired', ({ reason }) => log.push(reason));
  return log;
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.useRealTimers();
});

describe('a new sign-in is new, however soon it follows the end', () => {
  it('sign out, then sign in again 300 ms later in the same second: a new manager with the new token lives on', () => {
    const first = make({ token: signIn('s1') });
    first.start();
    first.logout();
    first.destroy(); // the app drops the signed-out session (a provider unmounts)
    vi.advanceTimersByTime(300);
    expect(sec(Date.now())).toBe(sec(T0)); // same second: the same iat and exp as the ended token
    const second = make({ token: signIn('s2') });
    const log = ends(second);
    second.start();
    expect(second.state).toBe('active');
    vi.advanceTimersByTime(10 * MIN);
    expect(log).toEqual([]);
    expect(second.state).toBe('active');
    expect(second.roles).toEqual(['editor']);
  });

  it('the same manager: setToken() with the new token and start() begin a new session', () => {
    const session = make({ token: signIn('s1') });
    const log = ends(session);
    session.start();
    session.logout();
    vi.advanceTimersByTime(200);
    session.setToken(signIn('s2'));
    session.start();
    expect(session.state).toBe('active');
    vi.advanceTimersByTime(MIN);
    expect(log).toEqual(['logout']);
  });

  it('a new tab started with the new token while another tab still shows the ended session', () => {
    const old = make({ token: signIn('s1') });
    old.start();
    old.logout();
    vi.advanceTimersByTime(100);
    const tab = make({ token: signIn('s2') });
    tab.start();
    expect(tab.state).toBe('active');
    expect(old.state).toBe('expired');
  });

  it("only the ended session's own tokens stay ended: its newest, and an older one", () => {
    const older = signIn('s1', T0 - 10 * MIN);
    const newest = signIn('s1');
    const first = make({ token: older });
    first.start();
    first.setToken(newest); // a refresh
    first.logout();
    vi.advanceTimersByTime(300);
    for (const token of [newest, older]) {
      const reload = make({ token }); // a reload with the token the app kept
      const log = ends(reload);
      reload.start();
      expect(reload.getSnapshot()).toMatchObject({ state: 'expired', reason: 'logout', roles: [] });
      expect(log).toEqual(['logout']);
    }
  });

  it('tokens without exp: one issued in the second of the end is new; the ended one is not', () => {
    const issue = (sid: string) => jwt({ sub: 'ann', sid, iat: sec(Date.now()) });
    const ended = issue('s1');
    const first = make({ token: ended });
    first.start();
    first.logout();
    vi.advanceTimersByTime(300);
    const again = make({ token: ended });
    again.start();
    expect(again.state).toBe('expired');
    const next = make({ token: issue('s2') });
    next.start();
    expect(next.state).toBe('active');
  });

  it('a record written before fingerprints (0.0.x) still keeps a token of the same exp ended', () => {
    const token = signIn('s1');
    localStorage.setItem('sessionwarden', JSON.stringify({ v: 1, lastActivity: T0 - 1000, ended: 'logout', endedAt: T0 - 500, tokenExp: sec(T0) + 15 * 60, sub: 'ann' }));
    const session = make({ token });
    session.start();
    expect(session.getSnapshot()).toMatchObject({ state: 'expired', reason: 'logout' });
  });

  it('the record keeps a fingerprint of the token, never the token', () => {
    const token = signIn('s1');
    const session = make({ token });
    session.start();
    const stored = localStorage.getItem('sessionwarden')!;
    const record = JSON.parse(stored) as Record<string, unknown>;
    expect(record.tokenId).toMatch(/^[0-9a-z]{1,7}$/);
    for (const part of token.split('.')) expect(stored).not.toContain(part);
  });
});

describe('a refresh that would come after the token warning is a mistake caught early', () => {
  it("tokenRefresh()'s before shorter than warnBefore is a RangeError naming both", () => {
    const refresh = tokenRefresh(async () => 'x', { before: 60_000 });
    expect(() => make({ warnBefore: 2 * MIN, refresh })).toThrow(RangeError);
    expect(() => make({ warnBefore: 2 * MIN, refresh: tokenRefresh(async () => 'x', { before: 60_000 }) })).toThrow(
      /^sessionwarden: tokenRefresh\(\) option `before`.*`warnBefore`/,
    );
  });

  it('before equal to or longer than warnBefore is fine; the default is warnBefore + 1 min', () => {
    expect(() => make({ warnBefore: MIN, refresh: tokenRefresh(async () => 'x', { before: MIN }) })).not.toThrow();
    expect(() => make({ warnBefore: MIN, refresh: tokenRefresh(async () => 'x') })).not.toThrow();
  });
});

describe('the registered claims are typed', () => {
  it('reads sub, iss, aud, jti, iat and exp without a cast under strict TypeScript', () => {
    const session = make({ token: jwt({ sub: 'ann', iss: 'https://id.example', aud: ['app'], jti: 'j1', iat: sec(T0), exp: sec(T0) + 60, nbf: sec(T0) }) });
    const claims: Readonly<JwtClaims> = session.claims!;
    const sub: string | undefined = claims.sub;
    const iss: string | undefined = claims.iss;
    const aud: string | string[] | undefined = claims.aud;
    const jti: string | undefined = claims.jti;
    const times: (number | undefined)[] = [claims.iat, claims.exp, claims.nbf];
    expect([sub, iss, aud, jti, ...times]).toEqual(['ann', 'https://id.example', ['app'], 'j1', sec(T0), sec(T0) + 60, sec(T0)]);
  });
});

describe("a session that has ended is never 'active', not for a frame", () => {
  const setLocks = (manager: unknown) => Object.defineProperty(navigator, 'locks', { value: manager, configurable: true });
  afterEach(() => void delete (navigator as { locks?: unknown }).locks);
  /** Every state the app could render: the first read after start() and each change. */
  const watch = (session: SessionManager) => {
    const seen: string[] = [];
    session.subscribe(() => seen.push(`${session.state}${session.roles.length ? '+roles' : ''}`));
    return { seen, start: () => (session.start(), seen.push(`${session.state}${session.roles.length ? '+roles' : ''}`)) };
  };
  const closedRecord = () =>
    localStorage.setItem('sessionwarden', JSON.stringify({ v: 1, lastActivity: T0 - 60 * SEC, goneAt: T0 - 30 * SEC, sub: 'ann' }));

  it("a tab opened after the browser closed reads 'starting' (no roles), then 'expired' ('closed')", async () => {
    setLocks(fakeLocks().manager);
    closedRecord();
    const session = make({ token: signIn('s1'), endOnClose: closeDetection('browser') });
    const log = ends(session);
    const { seen, start } = watch(session);
    start();
    expect(session.state).toBe('starting');
    expect(session.hasRole('editor')).toBe(false);
    await vi.waitFor(() => expect(session.state).toBe('expired'));
    expect(log).toEqual(['closed']);
    expect(seen.every((state) => !state.startsWith('active'))).toBe(true);
    expect(seen.at(-1)).toBe('expired');
  });

  it("the same, while another tab is still open: 'starting', then 'active' with the roles", async () => {
    const locks = fakeLocks();
    setLocks(locks.manager);
    void locks.manager.request('sessionwarden:open', { mode: 'shared' }, () => new Promise(() => {})); // the other tab
    closedRecord();
    const session = make({ token: signIn('s1'), endOnClose: closeDetection('browser') });
    const { seen, start } = watch(session);
    start();
    expect(session.state).toBe('starting');
    await vi.waitFor(() => expect(session.state).toBe('active'));
    expect(seen.at(-1)).toBe('active+roles');
    expect(ends(session)).toEqual([]);
  });

  it('a lock manager that never answers holds the start for one second at most, then the session goes on (never an end on a guess)', async () => {
    setLocks({ request: () => new Promise(() => {}), query: () => new Promise(() => {}) });
    closedRecord();
    const session = make({ token: signIn('s1'), endOnClose: closeDetection('browser') });
    session.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(session.state).toBe('starting');
    await vi.advanceTimersByTimeAsync(1);
    expect(session.state).toBe('active');
  });

  it('stop() while starting, then start() again: a late answer of the first start decides nothing', async () => {
    const answers: ((value: { held: { name: string }[] }) => void)[] = [];
    setLocks({ request: () => new Promise(() => {}), query: () => new Promise((resolve) => answers.push(resolve)) });
    closedRecord();
    const session = make({ token: signIn('s1'), endOnClose: closeDetection('browser') });
    session.start();
    session.stop();
    expect(session.state).toBe('stopped');
    session.start();
    expect(session.state).toBe('starting');
    expect(answers).toHaveLength(2);
    answers[0]!({ held: [] }); // the first start's question, answered late: no other page
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toBe('starting');
    answers[1]!({ held: [{ name: 'sessionwarden:open' }] }); // the second start's: another page is open
    await vi.advanceTimersByTimeAsync(0);
    expect(session.state).toBe('active');
  });

  it.each([
    ['a logout in another tab', { ended: 'logout', endedAt: T0 - 5 * SEC }, 'logout'],
    ['an idle end (30 min without activity)', {}, 'idle'],
  ])("a tab opened after %s reads 'expired' on its first read after start()", (_, fields, reason) => {
    localStorage.setItem('sessionwarden', JSON.stringify({ v: 1, lastActivity: T0 - 31 * MIN, sub: 'ann', ...fields }));
    const session = make({ token: jwt({ sub: 'ann', sid: 's1', iat: sec(T0 - 40 * MIN), exp: sec(T0 + 60 * MIN) }) });
    const { seen, start } = watch(session);
    start();
    expect(seen).toEqual(['expired', 'expired']); // the change to it, and the first read
    expect(session.getSnapshot().reason).toBe(reason);
  });
});
