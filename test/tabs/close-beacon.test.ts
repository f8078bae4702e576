// The close beacon when several pages are open (happy-dom; real closes are in test/e2e/lifecycle.test.ts):
// with a check, every closing page sends it and the pages still open answer it with a check.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions, serverCheck, closeDetection } from '../../src';

const SEC = 1000;
const MIN = 60 * SEC;
const managers: SessionManager[] = [];
let beacon: ReturnType<typeof vi.fn>;

const make = (options: SessionOptions) => {
  const session = new SessionManager({ idleTimeout: 30 * MIN, endOnClose: closeDetection('browser', { grace: 10 * SEC, beacon: '/api/close' }), activity: [], storageKey: 'cb', ...options });
  managers.push(session);
  session.start();
  return session;
};
/** Another page of the session, as far as this one can tell: its messages on the channel. */
const otherPage = (message: { k: 'open' } | { k: 'gone' }) => {
  const channel = new BroadcastChannel('cb');
  channel.postMessage(message);
  channel.close();
};
const pagehide = () => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  localStorage.clear();
  beacon = vi.fn(() => true);
  vi.stubGlobal('navigator', Object.assign(Object.create(navigator), { sendBeacon: beacon }));
});
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('close beacon with other pages open', () => {
  it('without a check, a page that counts another open page leaves the beacon to the last one', async () => {
    make({});
    otherPage({ k: 'open' });
    await vi.advanceTimersByTimeAsync(10);
    pagehide();
    expect(beacon).not.toHaveBeenCalled();
  });

  it('with a check, a closing page sends it even while it counts others (pages closing in the same instant)', async () => {
    make({ check: serverCheck({ request: async () => true }) });
    otherPage({ k: 'open' });
    await vi.advanceTimersByTimeAsync(10);
    pagehide();
    expect(beacon).toHaveBeenCalledTimes(1);
    expect(beacon).toHaveBeenCalledWith('/api/close');
  });

  it("a page still open answers another page's 'gone' with one check, after the beacon and within closeGrace", async () => {
    const request = vi.fn(async () => true);
    make({ check: serverCheck({ request, interval: 15 * MIN }) });
    await vi.advanceTimersByTimeAsync(SEC);
    expect(request).not.toHaveBeenCalled();
    otherPage({ k: 'gone' });
    await vi.advanceTimersByTimeAsync(4 * SEC);
    expect(request).not.toHaveBeenCalled(); // not before the beacon can have arrived
    await vi.advanceTimersByTimeAsync(2 * SEC);
    expect(request).toHaveBeenCalledTimes(1); // closeGrace / 2 after the 'gone'
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(request).toHaveBeenCalledTimes(1); // then back to the interval
  });

  it("without a beacon there is nothing to answer: a 'gone' calls no check", async () => {
    const request = vi.fn(async () => true);
    make({ endOnClose: closeDetection('browser', { grace: 10 * SEC }), check: serverCheck({ request, interval: 15 * MIN }) });
    otherPage({ k: 'gone' });
    await vi.advanceTimersByTimeAsync(MIN);
    expect(request).not.toHaveBeenCalled();
  });
});

describe('the close beacon and the record in one pagehide', () => {
  it("sends the beacon before it writes the record's goneAt (Firefox loses a closing window's beacon sent after a localStorage write)", async () => {
    const order: string[] = [];
    beacon.mockImplementation(() => order.push('beacon') > 0);
    make({ check: serverCheck({ request: async () => true }) }); // with a check, a closing page always sends it
    await vi.advanceTimersByTimeAsync(10);
    const write = localStorage.setItem.bind(localStorage);
    const setItem = vi.spyOn(localStorage, 'setItem').mockImplementation((key: string, value: string) => {
      if (value.includes('goneAt')) order.push('goneAt');
      write(key, value);
    });
    pagehide();
    setItem.mockRestore();
    expect(order).toEqual(['beacon', 'goneAt']);
  });
});
