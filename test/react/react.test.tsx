import { Component, StrictMode, type ReactNode } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appBinding, SessionManager, type SessionEvents, type SessionOptions } from '../../src';
import { Can, RequireRole, SessionProvider, useSession, useSessionEvent, type UseSession } from '../../src/react';
import { jwt } from '../jwt';

const MIN = 60_000;
const permissions = { admin: ['users:delete'], editor: ['posts:edit'] };
const options: SessionOptions = { idleTimeout: 30 * MIN, crossTab: false, activity: [], permissions };

/** The last value `useSession()` returned, and how often `Status` rendered. */
let seen: UseSession;
let renders = 0;
function Status() {
  const session = (seen = useSession());
  renders++;
  return (
    <div>
      <p data-testid="state">{session.state}</p>
      <p data-testid="roles">{session.roles.join(',')}</p>
      <button onClick={session.extend}>extend</button>
      <button onClick={session.logout}>logout</button>
      <Can permission="posts:edit" fallback={<span>read only</span>}>
        <span>edit posts</span>
      </Can>
      <RequireRole role="admin" fallback={<span>no admin</span>}>
        <span>admin panel</span>
      </RequireRole>
    </div>
  );
}
const state = () => screen.getByTestId('state').textContent;

/** Catches a render error the way an app would, so React's own error reporting stays quiet. */
class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p data-testid="error">{`${this.state.error.name}: ${this.state.error.message}`}</p> : this.props.children;
  }
}
const renderError = (ui: ReactNode) => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  render(<Boundary>{ui}</Boundary>);
  return screen.getByTestId('error').textContent;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  renders = 0;
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('SessionProvider', () => {
  it('creates a manager from options, starts it (StrictMode’s double effects leave it running) and destroys it on unmount', () => {
    const start = vi.spyOn(SessionManager.prototype, 'start');
    const destroy = vi.spyOn(SessionManager.prototype, 'destroy');
    const { unmount } = render(
      <StrictMode>
        <SessionProvider options={{ ...options, token: jwt({ role: 'editor' }) }}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    const manager = seen.manager;
    expect(start).toHaveBeenCalledTimes(2); // mount, StrictMode's re-mount
    expect(destroy).toHaveBeenCalledTimes(1); // StrictMode's simulated unmount
    expect(manager.state).toBe('active');
    expect(state()).toBe('active');
    // The subscription made after the StrictMode re-mount still works: the snapshot follows the manager.
    act(() => vi.advanceTimersByTime(28 * MIN));
    expect(state()).toBe('warning');
    unmount();
    expect(destroy).toHaveBeenCalledTimes(2);
    expect(manager.state).toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts a given manager (StrictMode leaves it running) and only stops it on unmount', () => {
    const manager = new SessionManager({ ...options, token: jwt({ roles: ['admin'] }) });
    const stop = vi.spyOn(manager, 'stop');
    const destroy = vi.spyOn(manager, 'destroy');
    const { unmount } = render(
      <StrictMode>
        <SessionProvider manager={manager}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    expect(manager.state).toBe('active');
    expect(stop).toHaveBeenCalledTimes(1); // StrictMode's simulated unmount, then started again
    expect(seen.manager).toBe(manager);
    unmount();
    expect(manager.state).toBe('stopped');
    expect(destroy).not.toHaveBeenCalled();
    manager.start(); // still the app's, with its handlers: it resumes
    expect(manager.state).toBe('active');
    manager.destroy();
  });

  it('creates its manager once, not on every render', () => {
    const { rerender } = render(<SessionProvider options={options}><Status /></SessionProvider>);
    const first = seen.manager;
    rerender(<SessionProvider options={{ ...options }}><Status /></SessionProvider>);
    expect(seen.manager).toBe(first);
  });

  it('moves from one given manager to another: stops the old, starts the new', () => {
    const a = new SessionManager({ ...options, token: jwt({ sub: 'a' }) });
    const b = new SessionManager({ ...options, token: jwt({ sub: 'b' }) });
    const { rerender } = render(<SessionProvider manager={a}><Status /></SessionProvider>);
    expect([a.state, b.state]).toEqual(['active', 'stopped']);
    rerender(<SessionProvider manager={b}><Status /></SessionProvider>);
    expect([a.state, b.state]).toEqual(['stopped', 'active']);
    expect(seen.manager).toBe(b);
    a.destroy();
    b.destroy();
  });

  it('renders on the server without starting, and hydrates without a mismatch', () => {
    const manager = new SessionManager({ ...options, token: jwt({ sub: 'ada' }) });
    const html = renderToString(<SessionProvider manager={manager}><Status /></SessionProvider>);
    expect(html).toContain('stopped');
    expect(manager.state).toBe('stopped');
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const error = vi.spyOn(console, 'error');
    const recoverable = vi.fn();
    let root!: ReturnType<typeof hydrateRoot>;
    act(() => void (root = hydrateRoot(container, <SessionProvider manager={manager}><Status /></SessionProvider>, { onRecoverableError: recoverable })));
    expect(recoverable).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    expect(manager.state).toBe('active');
    expect(container.querySelector('[data-testid=state]')!.textContent).toBe('active');
    act(() => root.unmount());
    container.remove();
    manager.destroy();
  });

  it.each([
    ['a manager that is not one', { manager: {} as SessionManager }],
    ['both a manager and options', { manager: new SessionManager(options), options }],
  ])('rejects %s with a TypeError', (_, props) => {
    expect(renderError(<SessionProvider {...props}><Status /></SessionProvider>)).toMatch(/^TypeError: sessionwarden: <SessionProvider> takes/);
  });

  it('passes bad options on as the core’s RangeError', () => {
    expect(renderError(<SessionProvider options={{ idleTimeout: -1 }} />)).toMatch(/^RangeError: .*idleTimeout/);
  });
});

describe('useSession', () => {
  it('follows the snapshot and calls the actions', () => {
    render(<SessionProvider options={{ ...options, token: jwt({ role: 'editor' }) }}><Status /></SessionProvider>);
    expect(state()).toBe('active');
    act(() => vi.advanceTimersByTime(28 * MIN));
    expect(state()).toBe('warning');
    expect(seen.warning).toBe('idle');
    act(() => screen.getByText('extend').click());
    expect(state()).toBe('active');
    act(() => screen.getByText('logout').click());
    expect(state()).toBe('expired');
    expect(seen.reason).toBe('logout');
  });

  it('re-renders only when the snapshot changes, with actions that keep their identity', () => {
    const manager = new SessionManager(options);
    render(<SessionProvider manager={manager}><Status /></SessionProvider>);
    const [before, rendersBefore] = [seen, renders];
    act(() => manager.reportActivity()); // activity moves no snapshot field
    expect(renders).toBe(rendersBefore);
    act(() => manager.setToken(jwt({ role: 'admin' })));
    expect(renders).toBeGreaterThan(rendersBefore);
    expect(seen.roles).toEqual(['admin']);
    expect(seen.extend).toBe(before.extend);
    expect(seen.can).toBe(before.can);
    expect(seen.claims).toBe(manager.getSnapshot().claims);
    manager.destroy();
  });

  it('throws a clear Error outside a provider', () => {
    expect(renderError(<Status />)).toBe('Error: sessionwarden: useSession() and its components must be used inside <SessionProvider>');
  });
});

describe('<Can> and <RequireRole>', () => {
  it('show children or fallback, and follow role changes', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'viewer' }) });
    render(<SessionProvider manager={manager}><Status /></SessionProvider>);
    expect(screen.getByText('read only')).toBeTruthy();
    expect(screen.getByText('no admin')).toBeTruthy();
    act(() => manager.setToken(jwt({ roles: ['editor', 'admin'] })));
    expect(screen.getByText('edit posts')).toBeTruthy();
    expect(screen.getByText('admin panel')).toBeTruthy();
    expect(screen.queryByText('read only')).toBeNull();
    act(() => manager.setToken(null));
    expect(screen.getByText('read only')).toBeTruthy();
    expect(screen.getByText('no admin')).toBeTruthy();
    manager.destroy();
  });

  it.each(['logout', 'expiry'])('hide once the session ends (%s): roles end with it', (how) => {
    vi.useFakeTimers();
    const manager = new SessionManager({ ...options, idleTimeout: MIN, warnBefore: 10_000, token: jwt({ roles: ['editor', 'admin'] }) });
    render(<SessionProvider manager={manager}><Status /></SessionProvider>);
    expect(screen.getByText('edit posts')).toBeTruthy();
    act(() => (how === 'logout' ? manager.logout() : void vi.advanceTimersByTime(MIN)));
    expect(state()).toBe('expired');
    expect(screen.getByText('read only')).toBeTruthy();
    expect(screen.getByText('no admin')).toBeTruthy();
    expect(screen.queryByText('edit posts')).toBeNull();
    manager.destroy();
    vi.useRealTimers();
  });

  it('render nothing without a fallback', () => {
    const { container } = render(
      <SessionProvider options={options}>
        <Can permission="users:delete">x</Can>
        <RequireRole role="admin">y</RequireRole>
      </SessionProvider>,
    );
    expect(container.textContent).toBe('');
  });

  it('reject a permission or role that is not a string', () => {
    expect(renderError(<SessionProvider options={options}><Can permission={7 as never}>x</Can></SessionProvider>)).toMatch(/^TypeError: .*can\(\) takes a string/);
    cleanup();
    expect(renderError(<SessionProvider options={options}><RequireRole role={null as never}>x</RequireRole></SessionProvider>)).toMatch(/^TypeError: .*hasRole\(\) takes a string/);
  });

  it('throw outside a provider', () => {
    expect(renderError(<Can permission="x">x</Can>)).toMatch(/^Error: .*inside <SessionProvider>/);
  });
});

describe('useSessionEvent', () => {
  function Listener({ tag, calls, type = 'expired' }: { tag: string; calls: string[]; type?: keyof SessionEvents }) {
    useSessionEvent(type, (payload) => calls.push(`${tag}:${JSON.stringify(payload)}`));
    return null;
  }

  it('subscribes once, calls the latest handler, and unsubscribes on unmount', () => {
    const calls: string[] = [];
    const manager = new SessionManager({ ...options, token: jwt({ sub: 'ada' }) });
    const on = vi.spyOn(appBinding(manager), 'on'); // the adapters' subscriptions go through it
    const { rerender, unmount } = render(<SessionProvider manager={manager}><Listener tag="first" calls={calls} /></SessionProvider>);
    rerender(<SessionProvider manager={manager}><Listener tag="second" calls={calls} /></SessionProvider>);
    rerender(<SessionProvider manager={manager}><Listener tag="third" calls={calls} /></SessionProvider>);
    expect(on).toHaveBeenCalledTimes(1);
    act(() => manager.logout());
    expect(calls).toEqual(['third:{"reason":"logout"}']);
    unmount();
    manager.setToken(jwt({ sub: 'next' }));
    manager.start();
    manager.logout();
    expect(calls).toHaveLength(1);
    manager.destroy();
  });

  it('survives StrictMode’s double effects with one live subscription', () => {
    const calls: string[] = [];
    render(
      <StrictMode>
        <SessionProvider options={{ ...options, idleTimeout: 10_000, warnBefore: 2_000 }} startWithoutToken>
          <Listener tag="w" type="warning" calls={calls} />
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    act(() => vi.advanceTimersByTime(8_000));
    expect(calls).toEqual(['w:{"reason":"idle","expiresAt":1010000}']);
  });

  it('rejects an unknown event type and a handler that is not a function', () => {
    expect(renderError(<SessionProvider options={options}><Listener tag="x" type={'nope' as never} calls={[]} /></SessionProvider>)).toMatch(/^TypeError: .*unknown event "nope"/);
    cleanup();
    function Bad() {
      useSessionEvent('expired', 'not a function' as never);
      return null;
    }
    expect(renderError(<SessionProvider options={options}><Bad /></SessionProvider>)).toBe('TypeError: sessionwarden: useSessionEvent() takes a handler function');
  });

  it('throws outside a provider', () => {
    expect(renderError(<Listener tag="x" calls={[]} />)).toMatch(/^Error: .*inside <SessionProvider>/);
  });
});
