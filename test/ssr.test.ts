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
});
