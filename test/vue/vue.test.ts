import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { mount } from '@vue/test-utils';
import { SessionManager } from '../../src';
import { sessionPlugin, useSession } from '../../src/vue';
import { jwt } from '../jwt';

const permissions = { admin: ['users:delete'], editor: ['posts:edit'] };

const Status = defineComponent({
  setup() {
    const { snapshot, extend, logout, can } = useSession();
    return () =>
      h('div', [
        h('p', { id: 'state' }, snapshot.value.state),
        h('p', { id: 'can' }, String(can('posts:edit'))),
        h('button', { id: 'extend', onClick: extend }),
        h('button', { id: 'logout', onClick: logout }),
      ]);
  },
});

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('sessionwarden/vue', () => {
  it('provides, starts and reflects the manager; stops it on unmount', async () => {
    const manager = new SessionManager({ crossTab: false, idleTimeout: 10_000, warnBefore: 2_000, token: jwt({ role: 'editor' }), permissions });
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, manager]] } });
    expect(wrapper.get('#state').text()).toBe('active');
    expect(wrapper.get('#can').text()).toBe('true');
    vi.advanceTimersByTime(8_000);
    await nextTick();
    expect(wrapper.get('#state').text()).toBe('warning');
    await wrapper.get('#extend').trigger('click');
    expect(wrapper.get('#state').text()).toBe('active');
    await wrapper.get('#logout').trigger('click');
    expect(wrapper.get('#state').text()).toBe('expired');
    wrapper.unmount();
    manager.destroy();
  });

  it('creates and destroys its own manager from options', () => {
    const wrapper = mount(Status, { global: { plugins: [[sessionPlugin, { crossTab: false }]] } });
    expect(wrapper.get('#state').text()).toBe('active');
    wrapper.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('v-can hides what the user may not do and follows role changes', async () => {
    const manager = new SessionManager({ crossTab: false, token: jwt({ role: 'viewer' }), permissions });
    const Gated = defineComponent({ template: `<div><button id="edit" v-can="'posts:edit'">edit</button></div>` });
    const wrapper = mount(Gated, { global: { plugins: [[sessionPlugin, manager]] } });
    expect((wrapper.get('#edit').element as HTMLElement).style.display).toBe('none');
    manager.setToken(jwt({ role: 'editor' }));
    expect((wrapper.get('#edit').element as HTMLElement).style.display).toBe('');
    wrapper.unmount();
    manager.destroy();
  });

  it('throws a clear error without the plugin', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => mount(Status)).toThrow(/app\.use\(sessionPlugin/);
  });
});
