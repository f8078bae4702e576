// @vitest-environment happy-dom
// The demo app's timings: a link must not set them (`/dashboard?idle=2&warn=1` would sign its visitor
// out in every tab), so only a test build (`vite build --mode test`, which defines
// __DEMO_TEST_BUILD__) reads them from the URL. The production bundle itself is checked in real
// Chromium (test/e2e/demo.test.ts); here, both sides of the switch in the source.
import { afterEach, describe, expect, it, vi } from 'vitest';

const load = async (search: string, testBuild: boolean | undefined) => {
  vi.resetModules();
  history.replaceState(null, '', `/dashboard${search}`);
  vi.stubGlobal('__DEMO_TEST_BUILD__', testBuild);
  return (await import('../../examples/app/src/api')).timings;
};
afterEach(() => vi.unstubAllGlobals());

describe('the demo app timings', () => {
  it('a production build (or none defined) ignores ?idle=, ?warn=, ?grace=', async () => {
    for (const build of [false, undefined]) {
      expect(await load('?idle=2&warn=1&grace=1', build)).toEqual({ idleTimeout: 60_000, warnBefore: 20_000, closeGrace: 10_000 });
    }
  });

  it('a test build takes them (ms), and the defaults where one is missing or not a number', async () => {
    expect(await load('?idle=4000&warn=1500&grace=2000', true)).toEqual({ idleTimeout: 4_000, warnBefore: 1_500, closeGrace: 2_000 });
    expect(await load('?idle=soon', true)).toEqual({ idleTimeout: 60_000, warnBefore: 20_000, closeGrace: 10_000 });
  });
});
