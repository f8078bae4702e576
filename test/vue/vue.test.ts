import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, effectScope, h, inject, isReadonly, nextTick, withDirectives, type App } from 'vue';
import { mount } from '@vue/test-utils';
import { SessionManager, type SessionOptions } from '../../src';
import { canDirective, roleDirective, sessionKey, sessionPlugin, useSession, type UseSession } from '../../src/vue';
import { jwt } from '../jwt';

const permissions = { admin: ['users:delete'], editor: ['posts:edit'] };
const options: SessionOptions = { crossTab: false, activity: [], permissions };

let seen: UseSession;
const Status = defineComponent({
  setup() {
    seen = useSession();
    const { snapshot, extend, logout, can, hasRole } = seen;
    return () =>
      h('div', [
        h('p', { id: 'state' }, snapshot.value.state),
        h('p', { id: 'can' }, String(can('posts:edit'))),
        h('p', { id: 'admin' }, String(hasRole('admin'))),
        h('button', { id: 'extend', onClick: extend }),
        h('button', { id: 'logout', onClick: logout }),
      ]);
  },
});

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('sessionPlugin', () => {
  it('provides and starts a given manager, reflects it, and stops (not destroys) it on unmount', async () => {
    const manager = new SessionManager({ ...options, idleTimeout: 10_000, warnBefore: 2_000, token: jwt({ role: 'editor' }) });
    const expired = vi.fn();
    manager.on('expired', expired);
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, manager]] } });
    expect(seen.manager).toBe(manager);
    expect(wrapper.get('#state').text()).toBe('active');
    vi.advanceTimersByTime(8_000);
    await nextTick();
    expect(wrapper.get('#state').text()).toBe('warning');
    await wrapper.get('#extend').trigger('click');
    expect(wrapper.get('#state').text()).toBe('active');
    wrapper.unmount();
    expect(manager.state).toBe('stopped');
    manager.start();
    manager.logout();
    expect(expired).toHaveBeenCalledWith({ reason: 'logout' }); // the app's handlers were kept
    manager.destroy();
  });

  it('creates a manager from options and destroys it when the app unmounts', () => {
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, { ...options, token: jwt({ role: 'editor' }) }]] } });
    const manager = seen.manager;
    expect(manager).toBeInstanceOf(SessionManager);
    expect(manager.state).toBe('active');
    const destroy = vi.spyOn(manager, 'destroy');
    wrapper.unmount();
    expect(destroy).toHaveBeenCalledOnce();
    expect(manager.state).toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes the manager injectable under sessionKey', () => {
    const manager = new SessionManager(options);
    let injected: unknown;
    const app = createApp({ render: () => null });
    app.use(sessionPlugin, manager);
    app.runWithContext(() => (injected = inject(sessionKey)));
    expect(injected).toBe(manager);
    manager.destroy();
  });

  it.each([
    ['a number', 42, TypeError],
    ['null', null, TypeError],
    ['bad options', { idleTimeout: -1 }, RangeError],
  ])('rejects %s with the core’s error', (_, value, Err) => {
    const app: App = createApp({ render: () => null });
    expect(() => app.use(sessionPlugin, value as never)).toThrow(Err);
  });
});

describe('useSession', () => {
  it('is a readonly snapshot, the manager’s own object, that follows changes, including roles', async () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, manager]] } });
    expect(seen.snapshot.value).toBe(manager.getSnapshot());
    expect(isReadonly(seen.snapshot)).toBe(true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    (seen.snapshot as { value: unknown }).value = { state: 'hacked' };
    expect(warn).toHaveBeenCalled();
    expect(seen.snapshot.value).toBe(manager.getSnapshot());
    expect(wrapper.get('#can').text()).toBe('false');
    manager.setToken(jwt({ roles: ['editor', 'admin'] }));
    await nextTick();
    expect(wrapper.get('#can').text()).toBe('true');
    expect(wrapper.get('#admin').text()).toBe('true');
    await wrapper.get('#logout').trigger('click');
    expect(wrapper.get('#state').text()).toBe('expired');
    wrapper.unmount();
    manager.destroy();
  });

  it.each([
    ['can', (session: UseSession) => session.can('posts:edit')],
    ['hasRole', (session: UseSession) => session.hasRole('editor')],
  ])('makes %s() reactive on its own in a render', async (_, read) => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const Gate = defineComponent({
      setup() {
        const session = useSession();
        return () => h('p', String(read(session)));
      },
    });
    const wrapper = mount(Gate, { global: { plugins: [[sessionPlugin, manager]] } });
    expect(wrapper.text()).toBe('false');
    manager.setToken(jwt({ role: 'editor' }));
    await nextTick();
    expect(wrapper.text()).toBe('true');
    wrapper.unmount();
    manager.destroy();
  });

  it('unsubscribes when its component unmounts', () => {
    const manager = new SessionManager(options);
    const subscribe = manager.subscribe.bind(manager);
    const unsubscribe = vi.fn();
    vi.spyOn(manager, 'subscribe').mockImplementation((listener) => unsubscribe.mockImplementation(subscribe(listener)));
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, manager]] } });
    manager.setToken(jwt({ role: 'editor' }));
    expect(seen.snapshot.value.roles).toEqual(['editor']);
    wrapper.unmount();
    expect(unsubscribe).toHaveBeenCalledTimes(2); // the component's, and the plugin's watch for a sign-in
    manager.setToken(jwt({ role: 'admin' }));
    expect(seen.snapshot.value.roles).toEqual(['editor']); // no longer following
    manager.destroy();
  });

  it('throws a clear Error without the plugin, and outside setup()', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => mount(Status)).toThrow('sessionwarden: call useSession() in setup() of an app with app.use(sessionPlugin, …)');
    expect(() => useSession()).toThrow(/call useSession\(\) in setup\(\)/);
    const scope = effectScope();
    expect(() => scope.run(() => useSession())).toThrow(/app\.use\(sessionPlugin/);
    scope.stop();
  });
});

describe('v-can', () => {
  const Gated = defineComponent({
    props: { permission: { type: String, required: true } },
    template: `<div><button id="edit" style="display: flex" v-can="permission">edit</button></div>`,
  });
  const display = (wrapper: ReturnType<typeof mount>) => (wrapper.get('#edit').element as HTMLElement).style.display;

  it('hides what the user may not do, follows role changes and restores the element’s own display', async () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const wrapper = mount(Gated, { props: { permission: 'posts:edit' }, global: { plugins: [[sessionPlugin, manager]] } });
    expect(display(wrapper)).toBe('none');
    manager.setToken(jwt({ role: 'editor' }));
    expect(display(wrapper)).toBe('flex');
    await wrapper.setProps({ permission: 'users:delete' });
    expect(display(wrapper)).toBe('none');
    manager.setToken(jwt({ role: 'admin' }));
    expect(display(wrapper)).toBe('flex');
    const el = wrapper.get('#edit').element as HTMLElement;
    wrapper.unmount();
    manager.setToken(null); // unsubscribed: the detached element is left alone
    expect(el.style.display).toBe('flex');
    manager.destroy();
  });

  it('hides once the session ends: roles end with it', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const wrapper = mount(Gated, { props: { permission: 'posts:edit' }, global: { plugins: [[sessionPlugin, manager]] } });
    expect(display(wrapper)).toBe('flex');
    manager.logout();
    expect(display(wrapper)).toBe('none');
    wrapper.unmount();
    manager.destroy();
  });

  it('can be registered by hand under another name', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const vAllowed = canDirective(manager);
    const wrapper = mount(defineComponent({ render: () => withDirectives(h('i', { id: 'edit' }), [[vAllowed, 'users:delete']]) }));
    expect(display(wrapper)).toBe('none');
    wrapper.unmount();
    manager.destroy();
  });

  it('rejects a permission that is not a string', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const manager = new SessionManager(options);
    expect(() => mount(Gated, { props: { permission: 5 as never }, global: { plugins: [[sessionPlugin, manager]] } })).toThrow(/can\(\) takes a string/);
    manager.destroy();
  });
});

describe('v-role', () => {
  const Gated = defineComponent({
    props: { role: { type: String, required: true } },
    template: `<div><a id="admin" style="display: inline-block" v-role="role">admin</a></div>`,
  });
  const display = (wrapper: ReturnType<typeof mount>) => (wrapper.get('#admin').element as HTMLElement).style.display;

  it('hides what the user’s roles do not include, follows role changes and the input, and restores the element’s own display', async () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const wrapper = mount(Gated, { props: { role: 'admin' }, global: { plugins: [[sessionPlugin, manager]] } });
    expect(display(wrapper)).toBe('none');
    manager.setToken(jwt({ roles: ['editor', 'admin'] }));
    expect(display(wrapper)).toBe('inline-block');
    await wrapper.setProps({ role: 'owner' });
    expect(display(wrapper)).toBe('none');
    await wrapper.setProps({ role: 'editor' });
    expect(display(wrapper)).toBe('inline-block');
    wrapper.unmount();
    manager.destroy();
  });

  it('hides once the session ends: roles end with it', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'admin' }) });
    const wrapper = mount(Gated, { props: { role: 'admin' }, global: { plugins: [[sessionPlugin, manager]] } });
    expect(display(wrapper)).toBe('inline-block');
    manager.logout();
    expect(display(wrapper)).toBe('none');
    wrapper.unmount();
    manager.destroy();
  });

  it('hides before the session has started (no token yet), and shows once the user signed in', async () => {
    const manager = new SessionManager(options);
    const wrapper = mount(Gated, { props: { role: 'admin' }, global: { plugins: [[sessionPlugin, manager]] } });
    expect(display(wrapper)).toBe('none');
    manager.setToken(jwt({ role: 'admin' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.state).toBe('active');
    expect(display(wrapper)).toBe('inline-block');
    wrapper.unmount();
    manager.destroy();
  });

  it('renders the same decision on the server', async () => {
    const { createSSRApp } = await import('vue');
    const { renderToString } = await import('vue/server-renderer');
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    const app = createSSRApp(defineComponent({ render: () => withDirectives(h('a', 'admin'), [[roleDirective(manager), 'admin']]) }));
    expect(await renderToString(app)).toBe('<a style="display:none;">admin</a>');
    manager.destroy();
  });

  it('can be registered by hand under another name', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const vIs = roleDirective(manager);
    const wrapper = mount(defineComponent({ render: () => withDirectives(h('i', { id: 'admin' }), [[vIs, 'admin']]) }));
    expect(display(wrapper)).toBe('none');
    wrapper.unmount();
    manager.destroy();
  });

  it('rejects a role that is not a string', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const manager = new SessionManager(options);
    expect(() => mount(Gated, { props: { role: 5 as never }, global: { plugins: [[sessionPlugin, manager]] } })).toThrow(/hasRole\(\) takes a string/);
    manager.destroy();
  });
});
