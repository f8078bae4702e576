// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SessionManager } from '../../src';
import { SessionProvider, WarningDialog } from '../../src/react';

describe('<WarningDialog> on the server', () => {
  it('renders the tag with its texts, and defines nothing', () => {
    expect(typeof customElements).toBe('undefined');
    const html = renderToString(
      <SessionProvider manager={new SessionManager()}>
        <WarningDialog heading="Still there?" extendLabel="Keep me in" />
      </SessionProvider>,
    );
    expect(html).toBe('<session-warning-dialog heading="Still there?" extend-label="Keep me in"></session-warning-dialog>');
  });
});
