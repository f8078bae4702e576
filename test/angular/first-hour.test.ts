// SPEC "The first hour", Angular's part: provideSession() starts the session in an environment
// initializer, before any component exists; an end found at start still reaches each component's
// onSessionEvent('expired') once. A visitor who has not signed in is never signed out, and signing
// in (again) starts the session without a reload.
import './testbed';
import { Component, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverCheck, SessionManager, type SessionOptions } from '../../src';
import { injectSession, onSessionEvent, provideSession, type Session } from '../../src/angular';
import { jwt } from '../jwt';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_500;
const sec = (ms: number) => Math.floor(ms / 1000);
const signIn = (sid: string, ago = 0) => jwt({ sub: 'ann', sid, roles: ['editor'], iat: sec(Date.now() - ago), exp: sec(Date.now() - ago) + 15 * 60 });

let check: ReturnType<typeof vi.fn>;
let ends: string[];
const base = (): SessionOptions => ({ idleTimeout: 30 * MIN, activity: [], storageKey: 'fh', check: serverCheck({ request: check as never, interval: MIN }) });

/** A component with a handler for the end, as apps write one (it navigates to the sign-in page). */
@Component({ selector: 'sw-page', template: '' })
class Page {
  constructor() {
    onSessionEvent('expired', ({ reason }) => ends.push(`page:${reason}`));
  }
}
@Component({ selector: 'sw-layout', imports: [Page], template: '<sw-page />' })
class Layout {
  constructor() {
    onSessionEvent('expired', ({ reason }) => ends.push(`layout:${reason}`));
  }
}

const setup = (...providers: unknown[]) =>
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), ...(providers as [])] });
const session = (): Session => TestBed.runInInjectionContext(injectSession);
/** Creates a component and lets its first render and the microtasks after it run. */
const create = async <T>(type: new () => T) => {
  const fixture = TestBed.createComponent(type);
  fixture.detectChanges();
  await vi.advanceTimersByTimeAsync(1);
  return fixture;
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
  ends = [];
  check = vi.fn(async () => true);
});
afterEach(() => {
  TestBed.resetTestingModule();
  vi.useRealTimers();
});

describe('an end found at start reaches the components', () => {
  it('an expired token restored from storage: each component of the first render hears it once', async () => {
    setup(provideSession({ ...base(), token: signIn('old', 20 * MIN) }));
    await create(Layout);
    expect(ends).toEqual(['layout:token', 'page:token']);
    expect(session().state()).toBe('expired');
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(ends).toHaveLength(2);
  });

  it('a logout in another tab before this one opened: heard once', async () => {
    const other = new SessionManager({ ...base(), token: signIn('s1') });
    other.start();
    other.logout();
    other.destroy();
    setup(provideSession({ ...base(), token: signIn('s1') }));
    await create(Page);
    expect(ends).toEqual(['page:logout']);
  });

  it('a component created after the app started (an async initializer, a lazy route) hears it once; one created later does not', async () => {
    setup(provideSession({ ...base(), token: signIn('old', 20 * MIN) }));
    expect(session().state()).toBe('expired'); // the app started: the session ended at once
    await vi.advanceTimersByTimeAsync(500);
    await create(Page);
    expect(ends).toEqual(['page:token']);
    await create(Page); // a route change after the end
    expect(ends).toEqual(['page:token']);
  });
});

describe('a visitor who has not signed in is never signed out', () => {
  it('no token: no start, no check, no end, however long the page stays; setToken() after sign-in starts it without a reload', async () => {
    setup(provideSession(base()));
    await create(Page);
    await vi.advanceTimersByTimeAsync(3 * 60 * MIN);
    const { manager, state } = session();
    expect(state()).toBe('stopped');
    expect(check).not.toHaveBeenCalled();
    expect(ends).toEqual([]);
    manager.setToken(signIn('s1'));
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toBe('active');
    await vi.advanceTimersByTimeAsync(MIN);
    expect(check).toHaveBeenCalled();
    expect(ends).toEqual([]);
  });

  it('sign out, then sign in again at once (same second): the new session starts and lives on', async () => {
    setup(provideSession(base()));
    await create(Page);
    const { manager, state, logout } = session();
    manager.setToken(signIn('s1'));
    await vi.advanceTimersByTimeAsync(1);
    logout();
    expect(state()).toBe('expired');
    expect(ends).toEqual(['page:logout']);
    await vi.advanceTimersByTimeAsync(300);
    expect(sec(Date.now())).toBe(sec(T0));
    manager.setToken(signIn('s2'));
    await vi.advanceTimersByTimeAsync(1);
    expect(state()).toBe('active');
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(state()).toBe('active');
    expect(ends).toEqual(['page:logout']);
  });

  it('startWithoutToken: a cookie session (or inactivity alone) starts at bootstrap', () => {
    setup(provideSession(base(), { startWithoutToken: true }));
    expect(session().state()).toBe('active');
  });

  it('the app calling start() itself keeps its meaning', () => {
    setup(provideSession(base()));
    const { manager, state } = session();
    expect(state()).toBe('stopped');
    manager.start();
    expect(state()).toBe('active');
  });

  it('stops watching for a token when the app is destroyed', async () => {
    const given = new SessionManager(base());
    setup(provideSession(given));
    session();
    TestBed.resetTestingModule();
    given.setToken(signIn('s1'));
    await vi.advanceTimersByTimeAsync(1);
    expect(given.state).toBe('stopped');
    given.destroy();
  });
});
