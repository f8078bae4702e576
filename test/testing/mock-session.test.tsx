import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { defineComponent, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { SessionManager, type SessionSnapshot } from '../../src';
import { Can, RequireRole, SessionProvider, useSession, useSessionEvent } from '../../src/react';
import { sessionPlugin, useSession as useVueSession } from '../../src/vue';
import { sessionStore } from '../../src/svelte';
import { defineSessionWarningDialog } from '../../src/element';
import { mockSession, MockSession } from '../../src/testing';

const permissions = { editor: ['posts:edit'], admin: ['users:delete'] };

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  cleanup();
  document.body.replaceChildren();
  vi.useRealTimers();
});

describe('mockSession', () => {
  it('starts as a real manager would, active with no roles, and is a SessionManager', () => {
    const session = mockSession();
    expect(session).toBeInstanceOf(SessionManager);
    expect(session).toBeInstanceOf(MockSession);
    expect(session.getSnapshot()).toEqual({ state: 'active', reason: null, warning: null, expiresAt: Infinity, claims: null, roles: [] });
    expect(session.state).toBe('active');
    expect(session.token).toBeNull();
    expect(session.remaining()).toBe(Infinity);
  });

  it('takes the snapshot fields, the permissions and a token', () => {
    const session = mockSession({ state: 'warning', roles: ['editor'], claims: { sub: 'ed' }, permissions, token: 'a.b.c' });
    expect(session.getSnapshot()).toEqual({ state: 'warning', reason: null, warning: 'idle', expiresAt: 1_060_000, claims: { sub: 'ed' }, roles: ['editor'] });
    expect(session.roles).toEqual(['editor']);
    expect(session.claims).toEqual({ sub: 'ed' });
    expect(session.token).toBe('a.b.c');
    expect(session.hasRole('editor')).toBe(true);
    expect(session.hasRole('admin')).toBe(false);
    expect(session.can('posts:edit')).toBe(true);
    expect(session.can('users:delete')).toBe(false);
  });

  it('set() makes a new frozen snapshot, tells subscribers, and keeps the identity when nothing changed', () => {
    const session = mockSession();
    const listener = vi.fn();
    const unsubscribe = session.subscribe(listener);
    const first = session.getSnapshot();
    session.set({ roles: ['admin'] });
    const second = session.getSnapshot();
    expect(second).not.toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(listener).toHaveBeenCalledOnce();
    session.set({ state: 'active' });
    expect(session.getSnapshot()).toBe(second);
    expect(listener).toHaveBeenCalledOnce();
    unsubscribe();
    session.set({ roles: [] });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('emits the events a real change of state emits, and change on every change', () => {
    const session = mockSession({ expiresAt: 1_300_000 });
    const seen: unknown[] = [];
    for (const type of ['warning', 'extended', 'expired', 'change'] as const) session.on(type, (payload) => seen.push([type, payload]));
    session.set({ state: 'warning', warning: 'token' });
    session.set({ state: 'active', expiresAt: 1_900_000 });
    session.set({ roles: ['x'] });
    session.set({ state: 'expired', reason: 'revoked' });
    const snap = (fields: Partial<SessionSnapshot>) => ({ state: 'active', reason: null, warning: null, expiresAt: 1_300_000, claims: null, roles: [], ...fields });
    expect(seen).toEqual([
      ['warning', { reason: 'token', expiresAt: 1_300_000 }],
      ['change', snap({ state: 'warning', warning: 'token' })],
      ['extended', { expiresAt: 1_900_000 }],
      ['change', snap({ expiresAt: 1_900_000 })],
      ['change', snap({ expiresAt: 1_900_000, roles: ['x'] })],
      ['expired', { reason: 'revoked' }],
      ['change', snap({ state: 'expired', reason: 'revoked', expiresAt: 1_900_000 })],
    ]);
  });

  it('keeps the snapshot consistent as a real one: reasons only in their states, no roles once expired', () => {
    const session = mockSession({ roles: ['editor'], permissions });
    session.set({ state: 'expired' });
    expect(session.getSnapshot()).toMatchObject({ state: 'expired', reason: 'idle', warning: null, roles: [] });
    expect(session.can('posts:edit')).toBe(false);
    expect(session.remaining()).toBe(0);
    session.set({ state: 'active', roles: ['editor'] });
    expect(session.getSnapshot()).toMatchObject({ reason: null, roles: ['editor'] });
    session.set({ state: 'warning', warning: 'token', expiresAt: 1_030_000 });
    expect(session.remaining()).toBe(30_000);
    vi.advanceTimersByTime(10_000);
    expect(session.remaining()).toBe(20_000); // follows the (fake) clock
    vi.advanceTimersByTime(60_000);
    expect(session.remaining()).toBe(0);
    session.set({ state: 'stopped' });
    expect(session.getSnapshot()).toMatchObject({ state: 'stopped', warning: null });
  });

  it('records the calls to its actions and changes nothing', async () => {
    const session = mockSession({ state: 'warning', token: 'a.b.c' });
    const before = session.getSnapshot();
    session.start();
    session.extend();
    session.extend();
    session.logout();
    session.setToken('t');
    session.reportActivity();
    expect(await session.refresh()).toBe('a.b.c');
    session.stop();
    expect(session.calls).toEqual({ start: [[]], stop: [[]], destroy: [], extend: [[], []], logout: [[]], setToken: [['t']], refresh: [[]], reportActivity: [[]] });
    expect(session.getSnapshot()).toBe(before);
    expect(session.token).toBe('a.b.c');
  });

  it('lets the runner spy on its actions', () => {
    const session = mockSession();
    const extend = vi.spyOn(session, 'extend');
    session.extend();
    expect(extend).toHaveBeenCalledOnce();
  });

  it('on() returns the remover; off() and destroy() stop the handlers; emit() sends any event', () => {
    const session = mockSession();
    const a = vi.fn();
    const b = vi.fn();
    const remove = session.on('error', a);
    session.on('checked', b);
    session.emit('error', { error: new Error('x'), during: 'check' });
    remove();
    session.emit('error', { error: new Error('y'), during: 'check' });
    expect(a).toHaveBeenCalledOnce();
    session.emit('checked', { result: 'active' });
    session.off('checked', b);
    session.emit('checked', { result: 'active' });
    expect(b).toHaveBeenCalledOnce();
    const c = vi.fn();
    const listener = vi.fn();
    session.on('change', c);
    session.subscribe(listener);
    session.destroy();
    session.set({ state: 'warning' });
    expect(c).not.toHaveBeenCalled();
    expect(listener).not.toHaveBeenCalled();
    expect(session.calls.destroy).toHaveLength(1);
  });
});

describe('mockSession: bad input', () => {
  it.each([['warning'], [42], [null], [[]]])('rejects %j as init', (init) => {
    expect(() => mockSession(init as never)).toThrow(new TypeError('sessionwarden: mockSession() takes snapshot fields (an object)'));
  });

  it('rejects bad permissions and tokens', () => {
    expect(() => mockSession({ permissions: { editor: 'posts:edit' } as never })).toThrow(new TypeError('sessionwarden: mockSession() option `permissions` must map roles to permission arrays'));
    expect(() => mockSession({ permissions: null as never })).toThrow(/permissions/);
    expect(() => mockSession({ token: 42 as never })).toThrow(new TypeError('sessionwarden: mockSession() option `token` must be a string or null'));
  });

  it.each([
    [{ state: 'idle' }, '`state` must be one of stopped, active, warning, expired'],
    [{ roles: 'admin' }, '`roles` must be an array of strings'],
    [{ roles: [1] }, '`roles` must be an array of strings'],
    [{ claims: 'x' }, '`claims` must be an object or null'],
    [{ expiresAt: '1' }, '`expiresAt` must be a number (epoch ms, or Infinity)'],
    [{ expiresAt: NaN }, '`expiresAt` must be a number (epoch ms, or Infinity)'],
    [{ warning: 'soon' }, "`warning` must be 'idle', 'token' or null"],
    [{ reason: 'bored' }, '`reason` must be an expire reason or null'],
    [{ role: 'admin' }, 'set() got an unknown field `role` (fields: state, reason, warning, expiresAt, claims, roles)'],
  ])('set(%j) throws, naming the problem, and changes nothing', (changes, message) => {
    const session = mockSession({ roles: ['editor'] });
    const before = session.getSnapshot();
    expect(() => session.set(changes as never)).toThrow(new TypeError(`sessionwarden: ${message}`));
    expect(session.getSnapshot()).toBe(before);
    expect(() => mockSession(changes as never)).toThrow(new TypeError(`sessionwarden: ${message}`));
  });

  it('set() takes an object only', () => {
    expect(() => mockSession().set(null as never)).toThrow(new TypeError('sessionwarden: set() takes snapshot fields (an object)'));
  });

  it('rejects bad arguments as a real manager does', () => {
    const session = mockSession();
    expect(() => session.hasRole(1 as never)).toThrow(new TypeError('sessionwarden: hasRole() takes a string'));
    expect(() => session.can(undefined as never)).toThrow(new TypeError('sessionwarden: can() takes a string'));
    expect(() => session.subscribe('x' as never)).toThrow(new TypeError('sessionwarden: subscribe() takes a function'));
    expect(() => session.on('warn' as never, () => {})).toThrow(new TypeError('sessionwarden: on() got an unknown event "warn"'));
    expect(() => session.on('warning', null as never)).toThrow(new TypeError('sessionwarden: on() takes a handler function'));
    expect(() => session.off('nope' as never, () => {})).toThrow(new TypeError('sessionwarden: off() got an unknown event "nope"'));
    expect(() => session.off('warning', 1 as never)).toThrow(new TypeError('sessionwarden: off() takes a handler function'));
    expect(() => session.emit('nope' as never, {} as never)).toThrow(new TypeError('sessionwarden: emit() got an unknown event "nope"'));
  });
});

describe('mockSession with the adapters', () => {
  it('drives React: useSession, gates, useSessionEvent; the buttons call the spies', () => {
    const session = mockSession({ roles: ['viewer'], permissions, token: 'signed-in' }); // with a token, the provider starts it
    const expired = vi.fn();
    function Toolbar() {
      const { state, extend, logout } = useSession();
      useSessionEvent('expired', ({ reason }) => expired(reason));
      return (
        <nav>
          <p data-testid="state">{state}</p>
          {state === 'warning' && <button onClick={extend}>Stay signed in</button>}
          <Can permission="posts:edit" fallback={<span>read only</span>}>
            <button>Edit</button>
          </Can>
          <RequireRole role="admin">
            <span>admin</span>
          </RequireRole>
          <button onClick={logout}>Sign out</button>
        </nav>
      );
    }
    render(<SessionProvider manager={session}><Toolbar /></SessionProvider>);
    expect(session.calls.start).toHaveLength(1);
    expect(screen.getByText('read only')).toBeTruthy();
    expect(screen.queryByText('Stay signed in')).toBeNull();
    act(() => session.set({ state: 'warning', roles: ['editor', 'admin'] }));
    expect(screen.getByTestId('state').textContent).toBe('warning');
    expect(screen.getByText('Edit')).toBeTruthy();
    expect(screen.getByText('admin')).toBeTruthy();
    fireEvent.click(screen.getByText('Stay signed in'));
    expect(session.calls.extend).toHaveLength(1);
    fireEvent.click(screen.getByText('Sign out'));
    expect(session.calls.logout).toHaveLength(1);
    act(() => session.set({ state: 'expired', reason: 'logout' }));
    expect(expired).toHaveBeenCalledWith('logout');
    expect(screen.queryByText('admin')).toBeNull();
    cleanup();
    expect(session.calls.stop).toHaveLength(1);
  });

  it('drives Vue: the plugin, useSession and v-can', async () => {
    const session = mockSession({ roles: ['viewer'], permissions, token: 'signed-in' });
    const Toolbar = defineComponent({
      setup() {
        const { snapshot, extend } = useVueSession();
        return () => h('nav', [h('p', { id: 'state' }, snapshot.value.state), h('button', { id: 'extend', onClick: extend })]);
      },
    });
    const Page = defineComponent({ components: { Toolbar }, template: `<main><Toolbar /><button id="edit" v-can="'posts:edit'">edit</button></main>` });
    const wrapper = mount(Page, { global: { plugins: [[sessionPlugin, session]] } });
    expect(session.calls.start).toHaveLength(1);
    expect((wrapper.get('#edit').element as HTMLElement).style.display).toBe('none');
    session.set({ state: 'warning', roles: ['editor'] });
    await nextTick();
    expect(wrapper.get('#state').text()).toBe('warning');
    expect((wrapper.get('#edit').element as HTMLElement).style.display).toBe('');
    await wrapper.get('#extend').trigger('click');
    expect(session.calls.extend).toHaveLength(1);
    wrapper.unmount();
  });

  it('drives the Svelte store', () => {
    const session = mockSession();
    const store = sessionStore(session);
    const states: string[] = [];
    const unsubscribe = store.subscribe((snapshot) => states.push(snapshot.state));
    session.set({ state: 'warning' });
    store.extend();
    unsubscribe();
    expect(states).toEqual(['active', 'warning']);
    expect(session.calls.extend).toHaveLength(1);
  });

  it('drives <session-warning-dialog>: opens on the warning, counts down with fake timers, its button calls extend()', () => {
    defineSessionWarningDialog();
    const session = mockSession();
    const dialog = document.createElement('session-warning-dialog');
    dialog.session = session;
    document.body.append(dialog);
    expect(dialog.open).toBe(false);
    session.set({ state: 'warning', expiresAt: Date.now() + 90_000 });
    expect(dialog.open).toBe(true);
    const countdown = () => dialog.shadowRoot!.querySelector('[part=countdown]')!.textContent;
    expect(countdown()).toBe('1:30');
    vi.advanceTimersByTime(31_000);
    expect(countdown()).toBe('0:59');
    (dialog.shadowRoot!.querySelector('[part=extend]') as HTMLElement).click();
    expect(session.calls.extend).toHaveLength(1);
    session.set({ state: 'active' });
    expect(dialog.open).toBe(false);
  });
});
