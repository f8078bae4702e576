// serverEvents() in every engine: one stream for all tabs, sign-out in every tab within a second,
// no check while the stream is up (on the browser's clock), reconnects with backoff after the server
// drops the stream, the back/forward cache, a refused stream, and garbage on the stream.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forEachEngine, goBack, leave, ready, type Browser, type Tab } from './harness';
import { eventsPage, serveEvents, type EventsServer } from './events-server';
import { FIREFOX_LOCK_BFCACHE } from './reasons';

type Win = { session: { state: string }; events: { type: string; wall: number; reason?: string; during?: string }[]; sources: EventSource[]; persisted: boolean[] };
forEachEngine((engine) => {
  let server: EventsServer;
  let browser: Browser;
  let n = 0;
  let key = '';
  const launch = (options?: { bfcache?: boolean }) => engine.engine.launch(options);

  beforeAll(async () => {
    server = await serveEvents();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    key = `events-e2e-${engine.name}-${++n}`;
    server.reset();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined as never;
  });

  const open = async (url: string): Promise<Tab> => {
    const page = await browser.newTab();
    await page.goto(url);
    await ready(page);
    return page;
  };
  /** Waits until the server holds `count` streams (a real connection: no clock drives it). */
  const streamsOpen = async (count: number) => {
    for (let i = 0; server.streams.size !== count; i++) {
      if (i > 500) throw new Error(`expected ${count} open streams, the server holds ${server.streams.size}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const events = (page: Tab) => page.evaluate(() => (window as unknown as Win).events);
  const waitForExpired = (page: Tab) =>
    page.waitForFunction(() => (window as unknown as Win).events.some((e) => e.type === 'expired'), undefined, { timeout: 5_000 });
  /** Waits until the page's newest EventSource is in `readyState` (1 open, 2 closed by the library). */
  const sourceState = (page: Tab, state: number) =>
    page.waitForFunction((s) => (window as unknown as Win).sources.at(-1)?.readyState === s, state, { timeout: 5_000 });

  describe('serverEvents()', () => {
    it('3 tabs hold one stream, on the cookie (no token in its URL); a revoked event signs all three out within a second', async () => {
      browser = await launch();
      const tabs = [];
      for (let i = 0; i < 3; i++) tabs.push(await open(eventsPage(server.url, { storageKey: key })));
      await streamsOpen(1);
      expect(server.counts.opened).toBe(1);
      expect([...server.streams][0]!.search).toBe('');
      const sentAt = Date.now();
      server.send({ type: 'revoked' });
      await Promise.all(tabs.map(waitForExpired));
      for (const tab of tabs) {
        const expired = (await events(tab)).find((e) => e.type === 'expired')!;
        expect(expired.reason).toBe('revoked');
        expect(expired.wall - sentAt).toBeLessThan(1_000);
      }
      await streamsOpen(0); // the leader closed it
    });

    it('while the stream is up, an hour of heartbeats makes no request beyond the stream (5 tabs)', async () => {
      browser = await launch();
      await browser.clock.install(Date.now());
      const tabs = [];
      for (let i = 0; i < 5; i++) tabs.push(await open(eventsPage(server.url, { storageKey: key, check: { url: '/check', interval: 15 * 60_000 } })));
      await streamsOpen(1);
      await sourceState(tabs[0]!, 1);
      for (let beat = 0; beat < 144; beat++) {
        server.send({ type: 'heartbeat' });
        await browser.clock.runFor(25_000);
      }
      expect(server.counts.checks).toBe(0); // the first connection needs none: the server accepting it is the proof
      expect(server.counts.opened).toBe(1);
      for (const tab of tabs) expect(await tab.evaluate(() => (window as unknown as Win).session.state)).toBe('active');
    });

    it('a stream dropped by the server is opened again after a jittered backoff (not at once), then checked', async () => {
      browser = await launch();
      await browser.clock.install(Date.now());
      const page = await open(eventsPage(server.url, { storageKey: key, events: { url: '/events', retryDelay: 2_000 } }));
      await streamsOpen(1);
      await sourceState(page, 1);
      const checks = server.counts.checks;
      server.drop();
      await sourceState(page, 2); // closed by the library, which will not let EventSource retry on its own
      await browser.clock.runFor(999); // the first delay is 1 to 2 s
      expect(server.counts.opened).toBe(1);
      await browser.clock.runFor(1_001);
      await streamsOpen(1);
      await sourceState(page, 1);
      await page.waitForFunction((c) => (window as unknown as Win).events.filter((e) => e.type === 'checked').length > c, checks);
      expect(server.counts.opened).toBe(2);
    });

    it(engine.skipIn({ firefox: FIREFOX_LOCK_BFCACHE }, 'closes the stream when the page enters the back/forward cache, is restored from it, and opens the stream again'), async () => {
      browser = await launch({ bfcache: true });
      const page = await open(eventsPage(server.url, { storageKey: key }));
      const misses = await browser.bfcacheMisses(page);
      await streamsOpen(1);
      await leave(page, server.url);
      await streamsOpen(0);
      await goBack(page);
      expect(await page.evaluate(() => (window as unknown as Win).persisted)).toEqual([false, true]);
      expect(misses).toEqual([]);
      await streamsOpen(1);
      expect(server.counts.opened).toBe(2);
    });

    it('a stream the server refuses (the session is gone) asks for one check, and its 401 signs the user out', async () => {
      browser = await launch();
      const page = await open(eventsPage(server.url, { storageKey: key }));
      await streamsOpen(1);
      server.revoked = true;
      server.drop(); // e.g. the server restarted, and the session was revoked meanwhile
      await waitForExpired(page);
      expect((await events(page)).find((e) => e.type === 'expired')?.reason).toBe('revoked');
      expect(server.counts.refused).toBe(1);
    });

    it('garbage on the stream: one error event, the session keeps working and still hears a revocation', async () => {
      browser = await launch();
      const page = await open(eventsPage(server.url, { storageKey: key }));
      await streamsOpen(1);
      await sourceState(page, 1);
      for (const junk of ['not json', '{"type":"logout"}', `{"type":"revoked","x":"${'x'.repeat(5_000)}"}`, '{"type":"session","expiresAt":"soon"}']) server.send(junk);
      await page.waitForFunction(() => (window as unknown as Win).events.some((e) => e.type === 'error'));
      expect(await page.evaluate(() => (window as unknown as Win).session.state)).toBe('active');
      server.send({ type: 'revoked' });
      await waitForExpired(page);
      expect((await events(page)).filter((e) => e.type === 'error')).toHaveLength(1);
      expect((await events(page)).find((e) => e.type === 'error')?.during).toBe('events');
    });
  });
});
