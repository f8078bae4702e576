// @vitest-environment node
import { describe, expect, it } from 'vitest';

describe('sessionwarden/angular on the server', () => {
  it('imports without a DOM, and provideSession() touches none', async () => {
    expect(typeof document).toBe('undefined');
    const angular = await import('../../src/angular');
    expect(typeof angular.SwCan).toBe('function');
    expect(typeof angular.SwRole).toBe('function');
    expect(angular.provideSession({ idleTimeout: 60_000 })).toBeTruthy();
  });
});
