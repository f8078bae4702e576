// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SessionManager } from '../../src';
import { Can, SessionProvider, useSession } from '../../src/react';
import { jwt } from '../jwt';

function Status() {
  const { state, roles } = useSession();
  return <p>{`${state} as ${roles.join(',')}`}<Can permission="posts:edit" fallback="read only">can edit</Can></p>;
}

describe('sessionwarden/react on the server', () => {
  it('renders with an owned manager without a DOM and without starting it', () => {
    expect(typeof document).toBe('undefined');
    const html = renderToString(
      <SessionProvider options={{ token: jwt({ role: 'editor' }), permissions: { editor: ['posts:edit'] } }}>
        <Status />
      </SessionProvider>,
    );
    expect(html).toBe('<p>stopped as editor<!-- -->can edit</p>');
  });

  it('renders a given manager’s snapshot and leaves it stopped', () => {
    const manager = new SessionManager({ token: jwt({ role: 'viewer' }) });
    expect(renderToString(<SessionProvider manager={manager}><Status /></SessionProvider>)).toBe('<p>stopped as viewer<!-- -->read only</p>');
    expect(manager.state).toBe('stopped');
  });
});
