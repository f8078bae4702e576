import { StrictMode, useRef } from 'react';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions } from '../../src';
import { SessionProvider, WarningDialog } from '../../src/react';
import { defineSessionWarningDialog, type SessionWarningDialog } from '../../src/element';
import { mockSession } from '../../src/testing';

const options: SessionOptions = { idleTimeout: 60_000, warnBefore: 20_000, crossTab: false, activity: [] };
const element = () => document.querySelector('session-warning-dialog')!;
const part = (name: string) => element().shadowRoot!.querySelector(`[part=${name}]`) as HTMLElement;

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('<WarningDialog>', () => {
  it('defines the element and binds it to the provider\'s manager: opens on the warning, "Stay signed in" extends', () => {
    const manager = new SessionManager(options);
    render(
      <SessionProvider manager={manager} startWithoutToken>
        <WarningDialog />
      </SessionProvider>,
    );
    expect(customElements.get('session-warning-dialog')).toBeTypeOf('function');
    expect(element().session).toBe(manager);
    expect(element().open).toBe(false);
    act(() => vi.advanceTimersByTime(40_000));
    expect(element().open).toBe(true);
    expect(part('countdown').textContent).toBe('0:20');
    act(() => part('extend').click());
    expect(manager.state).toBe('active');
    expect(element().open).toBe(false);
    manager.destroy();
  });

  it('passes the texts as the element\'s attributes, and any other attribute', () => {
    render(
      <SessionProvider manager={mockSession()}>
        <WarningDialog heading="Still there?" message="We will sign you out." extendLabel="Keep me in" logoutLabel="Leave" id="warn" className="big" lang="en" />
      </SessionProvider>,
    );
    const el = element();
    expect(['heading', 'message', 'extend-label', 'logout-label', 'id', 'class', 'lang'].map((name) => el.getAttribute(name))).toEqual([
      'Still there?', 'We will sign you out.', 'Keep me in', 'Leave', 'warn', 'big', 'en',
    ]);
    expect(el.shadowRoot!.querySelector('slot[name=extend-label]')!.textContent).toBe('Keep me in');
    expect(el.hasAttribute('session')).toBe(false);
  });

  it('takes texts from children with a slot', () => {
    render(
      <SessionProvider manager={mockSession()}>
        <WarningDialog>
          <b slot="heading">Hello?</b>
        </WarningDialog>
      </SessionProvider>,
    );
    const slot = element().shadowRoot!.querySelector('slot[name=heading]') as HTMLSlotElement;
    expect(slot.assignedNodes().map((node) => node.textContent)).toEqual(['Hello?']);
  });

  it('follows a new manager, and works under StrictMode', () => {
    const first = mockSession();
    const second = mockSession({ state: 'warning' });
    const { rerender } = render(<StrictMode><SessionProvider manager={first}><WarningDialog /></SessionProvider></StrictMode>);
    expect(element().session).toBe(first);
    rerender(<StrictMode><SessionProvider manager={second}><WarningDialog /></SessionProvider></StrictMode>);
    expect(element().session).toBe(second);
    expect(element().open).toBe(true);
  });

  it('opens on the warning under StrictMode with a provider that owns its manager (destroyed and started again by the double effects)', () => {
    render(<StrictMode><SessionProvider options={options} startWithoutToken><WarningDialog /></SessionProvider></StrictMode>);
    act(() => vi.advanceTimersByTime(40_000));
    expect(element().open).toBe(true);
    act(() => part('extend').click());
    expect(element().open).toBe(false);
  });

  it('throws outside a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<WarningDialog />)).toThrow('sessionwarden: useSession() and its components must be used inside <SessionProvider>');
  });
});

describe('<session-warning-dialog> in TSX', () => {
  it('is typed: React 19 sets `session` as a property of the defined element, the texts as attributes, and the ref', () => {
    defineSessionWarningDialog();
    const session = mockSession({ state: 'warning' });
    let seen: SessionWarningDialog | null = null;
    function Page() {
      const ref = useRef<SessionWarningDialog>(null);
      return <session-warning-dialog ref={(el) => void (seen = ref.current = el)} session={session} heading="Still there?" extend-label="Keep me in" />;
    }
    render(<Page />);
    expect(seen).toBe(element());
    expect(element().session).toBe(session);
    expect(element().open).toBe(true);
    expect(element().getAttribute('heading')).toBe('Still there?');
    expect(element().getAttribute('extend-label')).toBe('Keep me in');
  });
});
