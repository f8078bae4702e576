// What the unit tests of serverEvents() share: a manager with serverCheck() (its request a mock) and
// serverEvents() on a fake fetch whose bodies the tests feed, fake timers, and clean-up after each test.
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { SessionManager, serverCheck, serverEvents, type CheckResult, type ServerEventsOptions, type SessionOptions } from '../../src';
import { FakeStream, fakeFetch } from './fake-stream';

export const SEC = 1_000;
export const MIN = 60 * SEC;
const managers: SessionManager[] = [];
/** The check's request of the current test (answers active unless a test says otherwise). */
export const fakes = { check: vi.fn<(signal: AbortSignal) => Promise<CheckResult>>() };

/** A tab: one manager with serverCheck() (15 min) and serverEvents(), alone unless `options` say otherwise; `log` has its events. */
export const make = (events: Partial<ServerEventsOptions> = {}, options: SessionOptions = {}) => {
  const session = new SessionManager({
    idleTimeout: Infinity, crossTab: false, activity: [],
    check: serverCheck({ request: fakes.check, interval: 15 * MIN }),
    signals: [serverEvents({ url: '/api/events', ...events })],
    ...options,
  });
  const log: { type: string; payload: unknown }[] = [];
  for (const type of ['expired', 'error', 'checked'] as const) session.on(type, (payload) => log.push({ type, payload }));
  managers.push(session);
  return { session, log };
};
/** The one open stream (fails the test if there is none or more). */
export const stream = () => {
  const live = FakeStream.live();
  expect(live).toHaveLength(1);
  return live[0]!;
};
export const pageEvent = (type: 'pagehide' | 'pageshow', persisted: boolean) =>
  window.dispatchEvent(Object.assign(new Event(type), { persisted }));

/** Lets the client take what the fake stream gave it (promises settle; no time passes). */
export const settle = () => vi.advanceTimersByTimeAsync(0);

/** Fake timers, a fake fetch and a fresh check mock for each test of the file that calls it. */
export function useFakes() {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    localStorage.clear();
    FakeStream.all = [];
    vi.stubGlobal('fetch', vi.fn(fakeFetch));
    fakes.check = vi.fn(async () => true);
  });
  afterEach(() => {
    for (const session of managers.splice(0)) session.destroy();
    delete (navigator as { locks?: unknown }).locks;
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
}
