// SPEC "The first hour", React's part: an end found at start reaches the components that subscribe
// after start(); a visitor who has not signed in is never signed out, and signing in (again) starts
// the session without a reload. As apps do it: tokens restored from storage, a sign-in page under
// the provider, sign out and in again at once, components that mount later.
import { StrictMode, useState } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverCheck, SessionManager, type SessionOptions } from '../../src';
import { SessionProvider, useSession, useSessionEvent } from '../../src/react';
import { jwt } from '../jwt';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_500;
const sec = (ms: number) => Math.floor(ms / 1000);
/** What a server issues at sign-in: 15 minutes of life, issued `ago` ms before now. */
const signIn = (sid: string, ago = 0) => jwt({ sub: 'ann', sid, roles: ['editor'], iat: sec(Date.now() - ago), exp: sec(Date.now() - ago) + 15 * 60 });

let check: ReturnType<typeof vi.fn>;
let ends: string[];
const base = (): SessionOptions => ({ idleTimeout: 30 * MIN, activity: [], storageKey: 'fh', check: serverCheck({ request: check as never, interval: MIN }) });

/** A component with a handler for the end, as apps write one (it navigates to the sign-in page). */
function OnEnd({ name }: { name: string }) {
  useSessionEvent('expired', ({ reason }) => ends.push(`${name}:${reason}`));
  return null;
}
function State() {
  return <p data-testid="state">{useSession().state}</p>;
}
const state = () => screen.getByTestId('state').textContent;
/** Lets microtasks and the task after this one run (fake timers). */
const settle = () => act(() => vi.advanceTimersByTimeAsync(1));

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
  ends = [];
  check = vi.fn(async () => true);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('an end found at start reaches the components', () => {
  it.each([false, true])('an expired token restored from storage: each component of the first render hears it once (StrictMode %s)', async (strict) => {
    const app = (
      <SessionProvider options={{ ...base(), token: signIn('old', 20 * MIN) }}>
        <OnEnd name="layout" />
        <OnEnd name="page" />
        <State />
      </SessionProvider>
    );
    render(strict ? <StrictMode>{app}</StrictMode> : app);
    await settle();
    expect(ends).toEqual(['layout:token', 'page:token']);
    expect(state()).toBe('expired');
    await act(() => vi.advanceTimersByTimeAsync(60 * MIN));
    expect(ends).toHaveLength(2);
  });

  it('a logout in another tab before this one opened: heard once', async () => {
    const other = new SessionManager({ ...base(), token: signIn('s1') });
    other.start();
    other.logout();
    other.destroy();
    render(
      <SessionProvider options={{ ...base(), token: signIn('s1') }}>
        <OnEnd name="page" />
      </SessionProvider>,
    );
    await settle();
    expect(ends).toEqual(['page:logout']);
  });

  it('a component that mounts after the start, when no one had heard the end, hears it once; one that mounts later does not', async () => {
    function App({ page }: { page: string }) {
      return (
        <SessionProvider options={{ ...base(), token: signIn('old', 20 * MIN) }}>
          <State />
          {page === 'dashboard' && <OnEnd name="dashboard" />}
          {page === 'sign-in' && <OnEnd name="sign-in" />}
        </SessionProvider>
      );
    }
    // The route's component comes after the start (a lazy route, an async navigation).
    const { rerender } = render(<App page="loading" />);
    expect(state()).toBe('expired');
    await settle();
    expect(ends).toEqual([]);
    rerender(<App page="dashboard" />);
    await settle();
    expect(ends).toEqual(['dashboard:token']);
    // The app navigated to its sign-in page: a route change after the end is not told again.
    rerender(<App page="sign-in" />);
    await settle();
    rerender(<App page="dashboard" />);
    await settle();
    expect(ends).toEqual(['dashboard:token']);
  });

  it('a component that mounts in the same task as the one that heard the end hears it too; after that task, none does', async () => {
    let show: (names: string[]) => void = () => {};
    function Routes() {
      const [names, setNames] = useState<string[]>([]);
      show = setNames;
      return names.map((name) => <OnEnd key={name} name={name} />);
    }
    render(
      <SessionProvider options={{ ...base(), token: signIn('old', 20 * MIN) }}>
        <OnEnd name="layout" />
        <Routes />
      </SessionProvider>,
    );
    // In the same task as the start: a route's component after its layout (no timer ran yet).
    act(() => show(['route']));
    await settle();
    expect(ends).toEqual(['layout:token', 'route:token']);
    act(() => show(['route', 'later']));
    await settle();
    expect(ends).toEqual(['layout:token', 'route:token']);
  });

  it('an end during use is heard once by the components there, and a new session drops what was kept', async () => {
    let session!: SessionManager;
    function Grab() {
      session = useSession().manager;
      return null;
    }
    const { rerender } = render(
      <SessionProvider options={{ ...base(), token: signIn('s1') }}>
        <Grab />
      </SessionProvider>,
    );
    act(() => session.logout()); // no component listens: kept
    act(() => session.setToken(signIn('s2'))); // a new sign-in: a new session
    await settle();
    expect(session.state).toBe('active');
    rerender(
      <SessionProvider options={{ ...base(), token: signIn('s1') }}>
        <Grab />
        <OnEnd name="page" />
      </SessionProvider>,
    );
    await settle();
    expect(ends).toEqual([]); // the old session's end is not news in the new one
    act(() => session.logout());
    expect(ends).toEqual(['page:logout']);
  });
});

describe('a visitor who has not signed in is never signed out', () => {
  /** A sign-in page under the provider: signs in with `setToken()`, signs out with `logout()`. */
  let manager: SessionManager;
  function SignIn() {
    const session = useSession();
    manager = session.manager;
    return <p data-testid="state">{session.state}</p>;
  }

  it('no token: no start, no check, no end, however long the page stays; setToken() after sign-in starts it without a reload', async () => {
    render(
      <SessionProvider options={base()}>
        <OnEnd name="app" />
        <SignIn />
      </SessionProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(3 * 60 * MIN));
    expect(state()).toBe('stopped');
    expect(check).not.toHaveBeenCalled();
    expect(ends).toEqual([]);

    act(() => manager.setToken(signIn('s1')));
    await settle();
    expect(state()).toBe('active');
    await act(() => vi.advanceTimersByTimeAsync(MIN));
    expect(check).toHaveBeenCalled();
    expect(ends).toEqual([]);
  });

  it('sign out, then sign in again at once (same second): the new session starts and lives on, with no end after it', async () => {
    render(
      <StrictMode>
        <SessionProvider options={base()}>
          <OnEnd name="app" />
          <SignIn />
        </SessionProvider>
      </StrictMode>,
    );
    act(() => manager.setToken(signIn('s1')));
    await settle();
    act(() => manager.logout());
    expect(state()).toBe('expired');
    expect(ends).toEqual(['app:logout']);
    await act(() => vi.advanceTimersByTimeAsync(300));
    expect(sec(Date.now())).toBe(sec(T0));
    act(() => manager.setToken(signIn('s2')));
    await settle();
    expect(state()).toBe('active');
    await act(() => vi.advanceTimersByTimeAsync(10 * MIN));
    expect(state()).toBe('active');
    expect(ends).toEqual(['app:logout']);
  });

  it('startWithoutToken: a cookie session (or inactivity alone) starts on mount', () => {
    render(
      <SessionProvider options={base()} startWithoutToken>
        <State />
      </SessionProvider>,
    );
    expect(state()).toBe('active');
  });

  it('the app calling start() itself keeps its meaning: the session starts without a token', () => {
    render(
      <SessionProvider options={base()}>
        <SignIn />
      </SessionProvider>,
    );
    expect(state()).toBe('stopped');
    act(() => manager.start());
    expect(state()).toBe('active');
  });

  it('a manager the app gives, with no token, is not started either', async () => {
    const given = new SessionManager(base());
    render(
      <SessionProvider manager={given}>
        <State />
      </SessionProvider>,
    );
    expect(given.state).toBe('stopped');
    act(() => given.setToken(signIn('s1')));
    await settle();
    expect(given.state).toBe('active');
    given.destroy();
  });
});
