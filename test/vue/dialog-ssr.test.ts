// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { SessionManager } from '../../src';
import { sessionPlugin, WarningDialog } from '../../src/vue';

describe('<WarningDialog> on the server', () => {
  it('renders the tag with its texts (not the session), and defines nothing', async () => {
    expect(typeof customElements).toBe('undefined');
    const app = createSSRApp({ render: () => h(WarningDialog, { heading: 'Still there?', extendLabel: 'Keep me in' }) }).use(sessionPlugin, new SessionManager());
    expect(await renderToString(app)).toBe('<session-warning-dialog heading="Still there?" extend-label="Keep me in"></session-warning-dialog>');
  });
});
