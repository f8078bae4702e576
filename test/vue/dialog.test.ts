import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import { mount } from '@vue/test-utils';
import { SessionManager, type SessionOptions } from '../../src';
import { sessionPlugin, WarningDialog } from '../../src/vue';
import { mockSession } from '../../src/testing';

const options: SessionOptions = { idleTimeout: 60_000, warnBefore: 20_000, crossTab: false, activity: [] };
const element = () => document.querySelector('session-warning-dialog')!;
const part = (name: string) => element().shadowRoot!.querySelector(`[part=${name}]`) as HTMLElement;
let warnings: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
});
afterEach(() => {
  document.body.replaceChildren();
  vi.useRealTimers();
});

const attach = () => {
  const host = document.createElement('div');
  document.body.append(host);
  return host;
};

describe('<WarningDialog>', () => {
  // First, while the element is not defined yet (as when an SFC's template is compiled at build time).
  it('(the raw tag in a template warns, unless isCustomElement says it is one: what <WarningDialog> avoids)', () => {
    const Raw = defineComponent({ template: '<session-warning-dialog heading="x"></session-warning-dialog>' });
    createApp(Raw).mount(attach());
    expect(warnings.join()).toContain('Failed to resolve component: session-warning-dialog');
    warnings.length = 0;
    const app = createApp(defineComponent({ template: '<p><session-warning-dialog heading="y"></session-warning-dialog></p>' }));
    app.config.compilerOptions.isCustomElement = (tag) => tag === 'session-warning-dialog';
    app.mount(attach());
    expect(warnings).toEqual([]);
  });

  it('defines the element on mount, which takes the session set before; opens on the warning; its button extends', async () => {
    expect(customElements.get('session-warning-dialog')).toBeUndefined();
    const manager = new SessionManager(options);
    const wrapper = mount(WarningDialog, { global: { plugins: [[sessionPlugin, manager, { startWithoutToken: true }]] }, attachTo: attach() });
    expect(customElements.get('session-warning-dialog')).toBeTypeOf('function');
    expect(Object.hasOwn(element(), 'session')).toBe(false);
    expect(element().session).toBe(manager);
    expect(element().hasAttribute('.session')).toBe(false);
    expect(element().hasAttribute('session')).toBe(false);
    vi.advanceTimersByTime(40_000);
    expect(element().open).toBe(true);
    part('extend').click();
    expect(manager.state).toBe('active');
    expect(element().open).toBe(false);
    wrapper.unmount();
    manager.destroy();
    expect(warnings).toEqual([]);
  });

  it('passes the texts as attributes, follows their changes, and lets other attributes through', async () => {
    const heading = ref('Still there?');
    const Page = defineComponent({
      setup: () => () => h(WarningDialog, { heading: heading.value, message: 'Soon.', extendLabel: 'Keep me in', logoutLabel: 'Leave', id: 'warn', class: 'big' }),
    });
    mount(Page, { global: { plugins: [[sessionPlugin, mockSession()]] }, attachTo: attach() });
    const el = element();
    expect(['heading', 'message', 'extend-label', 'logout-label', 'id', 'class'].map((name) => el.getAttribute(name))).toEqual([
      'Still there?', 'Soon.', 'Keep me in', 'Leave', 'warn', 'big',
    ]);
    heading.value = 'Hello?';
    await nextTick();
    expect(el.shadowRoot!.querySelector('slot[name=heading]')!.textContent).toBe('Hello?');
    expect(warnings).toEqual([]);
  });

  it('renders in a template without compilerOptions.isCustomElement and without a warning; slots pass through', async () => {
    const session = mockSession({ state: 'warning' });
    const Page = defineComponent({
      components: { WarningDialog },
      template: `<main><WarningDialog><b slot="heading">Hello?</b></WarningDialog></main>`,
    });
    mount(Page, { global: { plugins: [[sessionPlugin, session]] }, attachTo: attach() });
    expect(element().session).toBe(session);
    expect(element().open).toBe(true);
    const slot = element().shadowRoot!.querySelector('slot[name=heading]') as HTMLSlotElement;
    expect(slot.assignedNodes().map((node) => node.textContent)).toEqual(['Hello?']);
    expect(warnings).toEqual([]);
  });

  it('throws without the plugin', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => mount(WarningDialog)).toThrow('sessionwarden: <WarningDialog> needs app.use(sessionPlugin, …)');
  });
});
