// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('sessionwarden/element on the server', () => {
  it('imports without a DOM, and defining the element says it needs a browser', async () => {
    expect(typeof document).toBe('undefined');
    const { defineSessionWarningDialog } = await import('../../src/element');
    expect(() => defineSessionWarningDialog()).toThrow(new Error('sessionwarden: defineSessionWarningDialog() needs a browser'));
  });
});
