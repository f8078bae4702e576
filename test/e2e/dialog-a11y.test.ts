// SPEC "The first hour": the warning is accessible. <session-warning-dialog> in every engine, open:
// no axe-core violation; the time left announced politely (a polite live region, on opening, at
// each minute and every 10 s of the last minute, never every second, while the visible countdown
// ticks outside it); focus moves to "Stay signed in" on opening and back to where it was on closing.
// Time is the browser's clock.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { forEachEngine, suite, type Tab } from './harness';
import { bundle } from './apps';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The warning comes at 30 s, with 2 minutes left. `window.session`, and the dialog in a page with a
// search field focused, as in an app.
const APP = `
import { SessionManager } from 'sessionwarden';
import { defineSessionWarningDialog } from 'sessionwarden/element';
defineSessionWarningDialog();
const session = new SessionManager({ idleTimeout: 150_000, warnBefore: 120_000, crossTab: false, activity: [] });
document.querySelector('session-warning-dialog').session = session;
window.session = session;
session.start();
`;
const PAGE = (script: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orders</title></head><body>
<main><h1>Orders</h1><label>Search <input id="search"></label></main>
<session-warning-dialog></session-warning-dialog>
<script type="module">${script.replaceAll('</script', '<\\/script')}</script>
</body></html>`;

let script: string;
type Win = { session: { state: string; logout(): void }; said: [number, string][] };

const dialogState = (page: Tab) => page.evaluate(() => {
  const el = document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean };
  return { open: el.open, focused: el.shadowRoot!.activeElement?.getAttribute('part') ?? null, outside: document.activeElement?.id || document.activeElement?.tagName };
});

beforeAll(async () => {
  script = await bundle({ contents: APP, resolveDir: process.cwd(), loader: 'ts' });
});

forEachEngine((engine) => {
  const t = suite('a11y', engine);
  let page: Tab;
  const runFor = (ms: number) => t.browser.clock.runFor(ms);
  beforeEach(async () => {
    t.server.pages.set('/a11y.html', PAGE(script));
    await t.launch();
    await t.browser.clock.install(1_000);
    page = await t.browser.newTab();
    await page.goto(`${t.server.url}/a11y.html`);
    await page.waitForFunction(() => 'session' in window);
    await page.evaluate(() => document.querySelector<HTMLElement>('#search')!.focus());
  });

  describe('<session-warning-dialog>, open', () => {
    it('has no axe-core violation', async () => {
      await runFor(30_000);
      expect((await dialogState(page)).open).toBe(true);
      type Result = { violations: string[]; passes: string[] };
      await page.evaluate((source) => {
        (0, eval)(source);
        const w = window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: unknown[] }[]; passes: { id: string }[] }> }; axeResult?: Result };
        void w.axe.run(document).then(({ violations, passes }) => {
          w.axeResult = { violations: violations.map(({ id, nodes }) => `${id} (${nodes.length})`), passes: passes.map(({ id }) => id) };
        });
      }, AXE);
      // axe waits on timers of its own: the page's clock runs, a little at a time, until it is done.
      const done = () => page.evaluate(() => (window as unknown as { axeResult?: Result }).axeResult ?? null);
      let result = await done();
      for (let i = 0; !result && i < 600; i++) {
        await runFor(50);
        result = await done();
      }
      if (!result) throw new Error('axe did not finish in 30 s of the page\'s time');
      expect(result.violations).toEqual([]);
      // It looked at the dialog: the rules about dialogs, names and contrast ran and passed.
      expect(result.passes).toEqual(expect.arrayContaining(['aria-dialog-name', 'button-name', 'color-contrast']));
    });

    it('moves focus to "Stay signed in" on opening, and gives it back on "Stay signed in" and on the end', async () => {
      await runFor(30_000);
      expect(await dialogState(page)).toEqual({ open: true, focused: 'extend', outside: 'SESSION-WARNING-DIALOG' });
      await page.press('Enter'); // the focused button: stay signed in
      await page.waitForFunction(() => !(document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open);
      expect(await dialogState(page)).toEqual({ open: false, focused: null, outside: 'search' });
      expect(await page.evaluate(() => (window as unknown as Win).session.state)).toBe('active');

      await runFor(30_000);
      expect(await dialogState(page)).toMatchObject({ open: true, focused: 'extend' });
      await runFor(120_000); // no answer: the session ends, the dialog closes
      expect(await page.evaluate(() => (window as unknown as Win).session.state)).toBe('expired');
      expect(await dialogState(page)).toEqual({ open: false, focused: null, outside: 'search' });
    });

    it('announces the time left politely, on opening, at each minute and every 10 s of the last minute, never every second; the countdown ticks outside the live region', async () => {
      // Everything the live region says, and every change of the visible countdown, with the page's time.
      await page.evaluate(() => {
        const w = window as unknown as Win & { ticks: number };
        const root = document.querySelector('session-warning-dialog')!.shadowRoot!;
        const live = root.querySelector('[aria-live]')!;
        const countdown = root.querySelector('[part=countdown]')!;
        w.said = [];
        w.ticks = 0;
        new MutationObserver(() => w.said.push([Date.now(), live.textContent ?? ''])).observe(live, { childList: true, characterData: true, subtree: true });
        new MutationObserver(() => w.ticks++).observe(countdown, { childList: true, characterData: true, subtree: true });
      });
      await runFor(30_000);
      for (let s = 0; s < 120; s += 5) await runFor(5_000);
      const { said, ticks, live, countdown } = await page.evaluate(() => {
        const w = window as unknown as Win & { ticks: number };
        const root = document.querySelector('session-warning-dialog')!.shadowRoot!;
        const region = root.querySelector('[aria-live]')!;
        const counter = root.querySelector('[part=countdown]')!;
        const liveAncestor = (el: Element | null): boolean => !!el && (el.hasAttribute('aria-live') || ['alert', 'status', 'timer', 'log'].includes(el.getAttribute('role') ?? '') || liveAncestor(el.parentElement));
        return { said: w.said, ticks: w.ticks, live: region.getAttribute('aria-live'), countdown: liveAncestor(counter) };
      });
      expect(live).toBe('polite');
      expect(countdown).toBe(false);
      expect(said.map(([, text]) => text)).toEqual(['2 minutes', '1 minute', '50 seconds', '40 seconds', '30 seconds', '20 seconds', '10 seconds']);
      expect(said.map(([at]) => Math.round((at - 31_000) / 1000))).toEqual([0, 60, 70, 80, 90, 100, 110]);
      expect(ticks).toBeGreaterThanOrEqual(119); // the visible countdown, once a second
    });
  });
});
