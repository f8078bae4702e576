// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('server-side rendering', () => {
  it('imports and constructs without a DOM', async () => {
    expect(typeof document).toBe('undefined');
    const { SessionManager, domActivity, requestActivity } = await import('../src');
    const session = new SessionManager({ token: null });
    expect(session.state).toBe('stopped');
    expect(session.getSnapshot().state).toBe('stopped');
    expect(typeof domActivity().start).toBe('function');
    expect(typeof requestActivity().start).toBe('function');
  });

  it('imports every adapter entry without a DOM', async () => {
    const react = await import('../src/react');
    const vue = await import('../src/vue');
    const svelte = await import('../src/svelte');
    const element = await import('../src/element');
    expect(typeof react.SessionProvider).toBe('function');
    expect(typeof vue.sessionPlugin.install).toBe('function');
    expect(typeof svelte.sessionStore).toBe('function');
    expect(typeof element.defineSessionWarningDialog).toBe('function');
  });
});
