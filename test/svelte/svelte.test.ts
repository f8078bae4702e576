import { afterEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { compile } from 'svelte/compiler';
import { render } from 'svelte/server';
// @ts-expect-error: Svelte's compiled components import its runtime internals, which have no types
import * as client from 'svelte/internal/client';
// @ts-expect-error: as above
import * as server from 'svelte/internal/server';
// @ts-expect-error: Svelte's client build (an app's bundler picks it by the `browser` condition); no types at this path
import { flushSync, mount, unmount } from '../../node_modules/svelte/src/index-client.js';
import { SessionManager, type SessionOptions, type SessionSnapshot } from '../../src';
import { sessionStore } from '../../src/svelte';
import { jwt } from '../jwt';
import { expectBadInput } from '../mode';

const options: SessionOptions = { crossTab: false, activity: [], permissions: { editor: ['posts:edit'] } };

/** Compiles a Svelte component in memory and returns its constructor (imports are the runtime passed in). */
const component = (source: string, generate: 'client' | 'server') => {
  const { js } = compile(source, { generate, filename: 'Session.svelte' });
  const body = js.code.replace(/^import .*$/gm, '').replace('export default function', 'return function');
  return new Function('$', body)(generate === 'client' ? client : server);
};

afterEach(() => vi.useRealTimers());

describe('sessionStore: the store contract', () => {
  it('calls run synchronously with the snapshot, then on each change, until unsubscribed', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const store = sessionStore(manager);
    const seen: SessionSnapshot[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s));
    expect(seen).toEqual([manager.getSnapshot()]);
    expect(seen[0]!.state).toBe('stopped');
    manager.start();
    expect(seen.map((s) => s.state)).toEqual(['stopped', 'active']);
    expect(seen[1]).toBe(manager.getSnapshot()); // the manager's own immutable snapshot
    expect(typeof unsubscribe).toBe('function');
    unsubscribe();
    manager.logout();
    expect(seen).toHaveLength(2);
    expect(manager.state).toBe('expired');
    manager.destroy();
  });

  it('does not miss a change made by the first call of run', () => {
    vi.useFakeTimers({ now: 0 });
    const manager = new SessionManager({ ...options, idleTimeout: 10_000, warnBefore: 2_000 });
    manager.start();
    vi.advanceTimersByTime(8_000);
    const store = sessionStore(manager);
    const seen: string[] = [];
    store.subscribe((s) => {
      seen.push(s.state);
      if (s.state === 'warning') store.extend();
    });
    expect(seen).toEqual(['warning', 'active']);
    manager.destroy();
  });

  it('keeps each subscriber apart', () => {
    const manager = new SessionManager(options);
    const store = sessionStore(manager);
    const a = vi.fn();
    const b = vi.fn();
    const stopA = store.subscribe(a);
    store.subscribe(b);
    stopA();
    manager.start();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    manager.destroy();
  });

  it('works with svelte/store’s get()', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    expect(get(sessionStore(manager)).roles).toEqual(['editor']);
  });
});

describe('sessionStore: the actions', () => {
  it('pass through to the manager', () => {
    vi.useFakeTimers({ now: 0 });
    const manager = new SessionManager({ ...options, idleTimeout: 10_000, warnBefore: 2_000, token: jwt({ role: 'editor' }) });
    const store = sessionStore(manager);
    expect(store.manager).toBe(manager);
    expect(store.can('posts:edit')).toBe(true);
    expect(store.can('users:delete')).toBe(false);
    expect(store.hasRole('editor')).toBe(true);
    expect(store.hasRole('admin')).toBe(false);
    manager.start();
    vi.advanceTimersByTime(8_000);
    expect(get(store).state).toBe('warning');
    store.extend();
    expect(get(store).state).toBe('active');
    store.logout();
    expect(get(store)).toMatchObject({ state: 'expired', reason: 'logout' });
    manager.destroy();
  });

  it('reject what the core rejects', () => {
    const store = sessionStore(new SessionManager(options));
    // can() and hasRole() check their argument in development (production: false).
    expectBadInput(() => store.can(1 as never), TypeError, /can\(\)/, null);
    expectBadInput(() => store.hasRole(undefined as never), TypeError, /hasRole\(\)/, null);
    expect(() => store.subscribe('run' as never)).toThrow(new TypeError('sessionwarden: subscribe() takes a function')); // the adapter's own check
  });
});

describe('sessionStore in real Svelte components ($session)', () => {
  const RUNES = `<script>let { session } = $props();</script><p>{$session.state} {$session.roles.join()} {$session && session.can('posts:edit')}</p>`;
  const LEGACY = `<script>export let session;</script><p>{$session.state}</p>`; // Svelte 4 syntax

  it('updates a mounted component, and unsubscribes when it is destroyed', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const subscribe = manager.subscribe.bind(manager);
    const unsubscribe = vi.fn();
    vi.spyOn(manager, 'subscribe').mockImplementation((listener) => unsubscribe.mockImplementation(subscribe(listener)));
    const target = document.createElement('div');
    const app = mount(component(RUNES, 'client'), { target, props: { session: sessionStore(manager) } });
    flushSync();
    expect(target.textContent).toBe('stopped viewer false');
    manager.start();
    manager.setToken(jwt({ role: 'editor' }));
    flushSync();
    expect(target.textContent).toBe('active editor true');
    expect(unsubscribe).not.toHaveBeenCalled();
    unmount(app);
    expect(unsubscribe).toHaveBeenCalledOnce();
    manager.destroy();
  });

  it('works with Svelte 4 syntax (legacy mode)', async () => {
    // @ts-expect-error: no types
    await import('svelte/internal/flags/legacy'); // what the compiled component imports
    const manager = new SessionManager(options);
    const target = document.createElement('div');
    const app = mount(component(LEGACY, 'client'), { target, props: { session: sessionStore(manager) } });
    flushSync();
    expect(target.textContent).toBe('stopped');
    manager.start();
    flushSync();
    expect(target.textContent).toBe('active');
    unmount(app);
    manager.destroy();
  });

  it('renders on the server from the synchronous first value', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const { body } = render(component(RUNES, 'server'), { props: { session: sessionStore(manager) } });
    expect(body).toContain('<p>stopped editor true</p>');
  });
});

describe('sessionStore: bad input', () => {
  it.each([[undefined], [null], [42], [{}], [{ subscribe: () => {} }], [{ getSnapshot: () => ({}) }]])('rejects %j with a TypeError', (value) => {
    expect(() => sessionStore(value as never)).toThrow(new TypeError('sessionwarden: sessionStore() takes a SessionManager'));
  });
});
