import { StrictMode } from 'react';
import { act, render, screen, cleanup } from '@testing-library/react';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager } from '../../src';
import { Can, RequireRole, SessionProvider, useSession, useSessionEvent } from '../../src/react';
import { jwt } from '../jwt';

const MIN = 60_000;
const permissions = { admin: ['users:delete'], editor: ['posts:edit'] };

function Status() {
  const session = useSession();
  return (
    <div>
      <p data-testid="state">{session.state}</p>
      <button onClick={session.extend}>extend</button>
      <button onClick={session.logout}>logout</button>
      <Can permission="posts:edit" fallback={<span>read only</span>}>
        <span>edit posts</span>
      </Can>
      <RequireRole role="admin">
        <span>admin panel</span>
      </RequireRole>
    </div>
  );
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('sessionwarden/react', () => {
  it('starts an owned manager on mount, renders the snapshot, and destroys it on unmount (StrictMode)', () => {
    const { unmount } = render(
      <StrictMode>
        <SessionProvider options={{ idleTimeout: 30 * MIN, crossTab: false, token: jwt({ role: 'editor' }), permissions }}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    expect(screen.getByTestId('state').textContent).toBe('active');
    expect(screen.getByText('edit posts')).toBeTruthy();
    expect(screen.queryByText('admin panel')).toBeNull();
    act(() => vi.advanceTimersByTime(28 * MIN));
    expect(screen.getByTestId('state').textContent).toBe('warning');
    act(() => screen.getByText('extend').click());
    expect(screen.getByTestId('state').textContent).toBe('active');
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts a given manager and only stops it on unmount (StrictMode leaves it running while mounted)', () => {
    const manager = new SessionManager({ crossTab: false, token: jwt({ roles: ['admin'] }), permissions });
    const { unmount } = render(
      <StrictMode>
        <SessionProvider manager={manager}>
          <Status />
        </SessionProvider>
      </StrictMode>,
    );
    expect(manager.state).toBe('active');
    expect(screen.getByText('admin panel')).toBeTruthy();
    expect(screen.getByText('read only')).toBeTruthy();
    unmount();
    expect(manager.state).toBe('stopped');
    manager.destroy();
  });

  it('re-renders on logout and calls useSessionEvent’s latest handler once', () => {
    const calls: string[] = [];
    function Listener({ tag }: { tag: string }) {
      useSessionEvent('expired', ({ reason }) => calls.push(`${tag}:${reason}`));
      return null;
    }
    const manager = new SessionManager({ crossTab: false });
    const { rerender } = render(
      <SessionProvider manager={manager}>
        <Listener tag="first" />
        <Status />
      </SessionProvider>,
    );
    rerender(
      <SessionProvider manager={manager}>
        <Listener tag="second" />
        <Status />
      </SessionProvider>,
    );
    act(() => screen.getByText('logout').click());
    expect(screen.getByTestId('state').textContent).toBe('expired');
    expect(calls).toEqual(['second:logout']);
    manager.destroy();
  });

  it('renders on the server without touching the DOM or starting', () => {
    const manager = new SessionManager({ crossTab: false });
    const html = renderToString(
      <SessionProvider manager={manager}>
        <Status />
      </SessionProvider>,
    );
    expect(html).toContain('stopped');
    expect(manager.state).toBe('stopped');
  });

  it('throws a clear error outside a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Status />)).toThrow(/inside <SessionProvider>/);
  });
});
