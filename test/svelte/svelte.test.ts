import { afterEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { SessionManager, type SessionSnapshot } from '../../src';
import { sessionStore } from '../../src/svelte';
import { jwt } from '../jwt';

afterEach(() => vi.useRealTimers());

describe('sessionwarden/svelte', () => {
  it('fits the store contract: synchronous first value, updates, unsubscribe', () => {
    const manager = new SessionManager({ crossTab: false, token: jwt({ role: 'editor' }), permissions: { editor: ['posts:edit'] } });
    const store = sessionStore(manager);
    const seen: SessionSnapshot['state'][] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.state));
    expect(seen).toEqual(['stopped']);
    manager.start();
    expect(seen).toEqual(['stopped', 'active']);
    expect(get(store).state).toBe('active');
    expect(store.can('posts:edit')).toBe(true);
    expect(store.hasRole('admin')).toBe(false);
    unsubscribe();
    store.logout();
    expect(seen).toEqual(['stopped', 'active']);
    expect(manager.state).toBe('expired');
    manager.destroy();
  });

  it('extend() reaches the manager', () => {
    vi.useFakeTimers({ now: 0 });
    const manager = new SessionManager({ crossTab: false, idleTimeout: 10_000, warnBefore: 2_000 });
    const store = sessionStore(manager);
    manager.start();
    vi.advanceTimersByTime(8_000);
    expect(get(store).state).toBe('warning');
    store.extend();
    expect(get(store).state).toBe('active');
    manager.destroy();
  });

  it.each([[undefined], [{}], [{ subscribe: () => {} }]])('rejects %j with a TypeError', (value) => {
    expect(() => sessionStore(value as never)).toThrow(TypeError);
  });
});
