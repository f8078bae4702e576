// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('sessionwarden/testing without a DOM', () => {
  it('imports, and makes a test session and a stand-in', async () => {
    expect(typeof document).toBe('undefined');
    const { createTestSession, mockSession, testToken } = await import('../../src/testing');
    expect(createTestSession({ token: testToken({ roles: ['a'] }) }).roles).toEqual(['a']);
    expect(mockSession({ state: 'expired' }).getSnapshot().reason).toBe('idle');
  });
});
