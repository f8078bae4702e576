// SPEC "The first hour", Vue's part: the plugin starts the session inside app.use(), before any
// component exists; an end found at start still reaches each component's useSessionEvent('expired')
// once. A visitor who has not signed in is never signed out, and signing in (again) starts the
// session without a reload. As apps do it: tokens restored from storage, routes that render after
// an async navigation, sign out and in again at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref, type App, type Component } from 'vue';
import { serverCheck, SessionManager, type SessionOptions } from '../../src';
import { sessionPlugin, useSession, useSessionEvent, type SessionPluginConfig } from '../../src/vue';
import { jwt } from '../jwt';

const SEC = 1000;
const MIN = 60 * SEC;
const T0 = 1_700_000_000_500;
const sec = (ms: number) => Math.floor(ms / 1000);
const signIn = (sid: string, ago = 0) => jwt({ sub: 'ann', sid, roles: ['editor'], iat: sec(Date.now() - ago), exp: sec(Date.now() - ago) + 15 * 60 });

let check: ReturnType<typeof vi.fn>;
let ends: string[];
let apps: App[];
const base = (): SessionOptions => ({ idleTimeout: 30 * MIN, activity: [], storageKey: 'fh', check: serverCheck({ request: check as never, interval: MIN }) });

/** A component with a handler for the end, as apps write one (it navigates to the sign-in page). */
const OnEnd = defineComponent({
  props: { name: { type: String, required: true } },
  setup(props) {
    useSessionEvent('expired', ({ reason }) => ends.push(`${props.name}:${reason}`));
    return () => null;
  },
});
let manager: SessionManager;
const State = defineComponent({
  setup() {
    const session = useSession();
    manager = session.manager;
    return () => h('p', { id: 'state' }, session.snapshot.value.state);
  },
});
const state = () => document.getElementById('state')?.textContent;

/** `createApp(root).use(sessionPlugin, …).mount(…)`, as main.ts does. */
const start = (root: Component, managerOrOptions?: SessionManager | SessionOptions, config?: SessionPluginConfig) => {
  const app = createApp(root).use(sessionPlugin, managerOrOptions, config);
  const host = document.createElement('div');
  document.body.append(host);
  app.mount(host);
  apps.push(app);
  return app;
};
const settle = () => vi.advanceTimersByTimeAsync(1);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  localStorage.clear();
  ends = [];
  apps = [];
  check = vi.fn(async () => true);
});
afterEach(() => {
  for (const app of apps) app.unmount();
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe('an end found at start reaches the components', () => {
  it('an expired token restored from storage: each component of the first render hears it once', async () => {
    start({ render: () => [h(State), h(OnEnd, { name: 'layout' }), h(OnEnd, { name: 'page' })] }, { ...base(), token: signIn('old', 20 * MIN) });
    await settle();
    expect(ends).toEqual(['layout:token', 'page:token']);
    expect(state()).toBe('expired');
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(ends).toHaveLength(2);
  });

  it('a logout in another tab before this one opened: heard once', async () => {
    const other = new SessionManager({ ...base(), token: signIn('s1') });
    other.start();
    other.logout();
    other.destroy();
    start({ render: () => h(OnEnd, { name: 'page' }) }, { ...base(), token: signIn('s1') });
    await settle();
    expect(ends).toEqual(['page:logout']);
  });

  it('a route that renders after an async navigation (microtasks) hears it too; a route change after the end does not', async () => {
    const route = ref('');
    start(
      { render: () => [h(OnEnd, { name: 'layout' }), route.value && h(OnEnd, { key: route.value, name: route.value })] },
      { ...base(), token: signIn('old', 20 * MIN) },
    );
    // As vue-router's first navigation: resolved in microtasks, then the view renders the route.
    await Promise.resolve();
    route.value = 'dashboard';
    await nextTick();
    await settle();
    expect(ends).toEqual(['layout:token', 'dashboard:token']);
    route.value = 'sign-in';
    await nextTick();
    await settle();
    route.value = 'dashboard';
    await nextTick();
    await settle();
    expect(ends).toEqual(['layout:token', 'dashboard:token']);
  });

  it('a route that renders later (a lazy route), when no one had heard the end, hears it once', async () => {
    const route = ref('');
    start({ render: () => route.value && h(OnEnd, { key: route.value, name: route.value }) }, { ...base(), token: signIn('old', 20 * MIN) });
    await vi.advanceTimersByTimeAsync(500); // the route's chunk loads
    expect(ends).toEqual([]);
    route.value = 'dashboard';
    await nextTick();
    await settle();
    expect(ends).toEqual(['dashboard:token']);
    route.value = 'other';
    await nextTick();
    await settle();
    expect(ends).toEqual(['dashboard:token']);
  });
});

describe('useSessionEvent', () => {
  it('calls the handler on each event of its type until its component unmounts', async () => {
    const shown = ref(true);
    const seen: string[] = [];
    const Warned = defineComponent({
      setup() {
        useSessionEvent('warning', ({ reason }) => seen.push(reason));
        return () => null;
      },
    });
    start({ render: () => shown.value && h(Warned) }, { ...base(), idleTimeout: 10 * SEC, warnBefore: 2 * SEC }, { startWithoutToken: true });
    await vi.advanceTimersByTimeAsync(8 * SEC);
    expect(seen).toEqual(['idle']);
    shown.value = false;
    await nextTick();
    await vi.advanceTimersByTimeAsync(2 * SEC); // the end: the component is gone
    expect(seen).toEqual(['idle']);
  });

  it('throws a clear error outside setup(), for a handler that is not a function and for an unknown type', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => useSessionEvent('expired', () => {})).toThrow(/^sessionwarden: call useSessionEvent\(\) in setup\(\)/);
    const Bad = (type: string, handler: unknown) => ({ setup: () => (useSessionEvent(type as 'expired', handler as never), () => null) });
    expect(() => start(Bad('expired', 'nope'), base())).toThrow(new TypeError('sessionwarden: useSessionEvent() takes a handler function'));
    expect(() => start(Bad('nope', () => {}), base())).toThrow(/^sessionwarden: on\(\) got an unknown event "nope"/);
  });
});

describe('a visitor who has not signed in is never signed out', () => {
  it('no token: no start, no check, no end, however long the page stays; setToken() after sign-in starts it without a reload', async () => {
    start({ render: () => [h(State), h(OnEnd, { name: 'app' })] }, base());
    await vi.advanceTimersByTimeAsync(3 * 60 * MIN);
    expect(state()).toBe('stopped');
    expect(check).not.toHaveBeenCalled();
    expect(ends).toEqual([]);
    manager.setToken(signIn('s1'));
    await settle();
    expect(state()).toBe('active');
    await vi.advanceTimersByTimeAsync(MIN);
    expect(check).toHaveBeenCalled();
    expect(ends).toEqual([]);
  });

  it('sign out, then sign in again at once (same second): the new session starts and lives on', async () => {
    start({ render: () => [h(State), h(OnEnd, { name: 'app' })] }, base());
    manager.setToken(signIn('s1'));
    await settle();
    manager.logout();
    await nextTick();
    expect(state()).toBe('expired');
    expect(ends).toEqual(['app:logout']);
    await vi.advanceTimersByTimeAsync(300);
    expect(sec(Date.now())).toBe(sec(T0));
    manager.setToken(signIn('s2'));
    await settle();
    expect(state()).toBe('active');
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(state()).toBe('active');
    expect(ends).toEqual(['app:logout']);
  });

  it('startWithoutToken: a cookie session (or inactivity alone) starts at once', async () => {
    start({ render: () => h(State) }, base(), { startWithoutToken: true });
    expect(manager.state).toBe('active');
  });

  it('the app calling start() itself keeps its meaning', () => {
    start({ render: () => h(State) }, base());
    expect(manager.state).toBe('stopped');
    manager.start();
    expect(manager.state).toBe('active');
  });

  it('a manager the app gives, with no token, is not started either; the app unmounting stops watching for a token', async () => {
    const given = new SessionManager(base());
    const app = start({ render: () => null }, given);
    expect(given.state).toBe('stopped');
    app.unmount();
    apps = [];
    given.setToken(signIn('s1'));
    await settle();
    expect(given.state).toBe('stopped');
    given.destroy();
  });
});
