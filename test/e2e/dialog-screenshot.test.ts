// <session-warning-dialog> in every engine: a true modal <dialog> in a shadow root, focus in and
// back out, Escape, on the browser's clock; and, in Chromium, the screenshot of the README
// (docs/images/element-dialog.png, refreshed by `npm run screenshots`; `npm test` writes it to an
// ignored folder).
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { forEachEngine, suite, type Tab } from './harness';
import { SCREENSHOTS_IN_CHROMIUM } from './reasons';

const SHOTS = process.env.SCREENSHOTS ?? '.tmp/screenshots';
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

// The warning comes 1 s after start, with 2 minutes left. No activity sources: the test moves the mouse.
const APP = `
import { SessionManager } from 'sessionwarden';
import { defineSessionWarningDialog } from 'sessionwarden/element';
defineSessionWarningDialog();
const session = new SessionManager({ idleTimeout: 121_000, warnBefore: 120_000, crossTab: false, activity: [] });
const dialog = document.createElement('session-warning-dialog');
dialog.session = session;
document.body.append(dialog);
window.session = session;
session.start();
`;

// A plain app page behind the dialog, so the screenshot shows the dialog as users meet it.
const PAGE = (script: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme — Orders</title><style>
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1b1f24; background: #f4f6f8; }
  header { display: flex; align-items: center; gap: 24px; padding: 14px 32px; background: #fff; border-bottom: 1px solid #e3e6ea; }
  header b { font-size: 17px; } header span { color: #57606a; } header input { margin-left: auto; padding: 6px 10px; border: 1px solid #d0d7de; border-radius: 8px; font: inherit; }
  main { padding: 28px 32px; display: grid; grid-template-columns: repeat(3, 1fr); gap: 18px; }
  .card { background: #fff; border: 1px solid #e3e6ea; border-radius: 12px; padding: 16px 18px; }
  .card small { color: #57606a; } .card p { margin: 4px 0 0; font-size: 26px; font-weight: 600; }
  table { grid-column: 1 / -1; background: #fff; border: 1px solid #e3e6ea; border-radius: 12px; border-spacing: 0; overflow: hidden; }
  td, th { text-align: left; padding: 10px 18px; border-bottom: 1px solid #eef0f2; } th { color: #57606a; font-weight: 500; }
</style></head><body>
<header><b>Acme</b><span>Orders</span><span>Customers</span><span>Reports</span><input id="search" placeholder="Search orders"></header>
<main>
  <div class="card"><small>Open orders</small><p>128</p></div>
  <div class="card"><small>Shipped today</small><p>46</p></div>
  <div class="card"><small>Revenue (week)</small><p>$18,420</p></div>
  <table><tr><th>Order</th><th>Customer</th><th>Status</th><th>Total</th></tr>
    <tr><td>#10482</td><td>Northwind Traders</td><td>Packing</td><td>$1,240.00</td></tr>
    <tr><td>#10481</td><td>Blue Yonder</td><td>Shipped</td><td>$312.50</td></tr>
    <tr><td>#10480</td><td>Contoso Ltd</td><td>Shipped</td><td>$98.00</td></tr>
    <tr><td>#10479</td><td>Fabrikam</td><td>Delivered</td><td>$2,015.75</td></tr>
  </table>
</main>
<script type="module">${script.replaceAll('</script', '<\\/script')}</script>
</body></html>`;

let bundle: string;
beforeAll(async () => {
  bundle = (await build({
    stdin: { contents: APP, resolveDir: process.cwd(), loader: 'ts' },
    alias: { 'sessionwarden/element': src('element/index.ts'), sessionwarden: src('index.ts') },
    bundle: true, format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
  })).outputFiles[0]!.text;
});

type Dialog = HTMLElement & { open: boolean };
/** What the dialog shows and where focus is, read in the page. */
const inside = (page: Tab) => page.evaluate(() => {
  const el = document.querySelector('session-warning-dialog')!;
  const root = el.shadowRoot!;
  const dialog = root.querySelector('dialog')!;
  // Text as the flat tree shows it (slots replaced by what they show), as a screen reader reads it.
  const flat = (node: Node): string => node instanceof HTMLSlotElement
    ? [...(node.assignedNodes({ flatten: true }).length ? node.assignedNodes({ flatten: true }) : node.childNodes)].map(flat).join('')
    : node.nodeType === Node.TEXT_NODE ? node.textContent! : [...node.childNodes].map(flat).join('');
  const named = (id: string) => flat(root.getElementById(id)!).trim();
  const labelled = (element: Element) => (element.getAttribute('aria-labelledby') ?? '').split(' ').filter(Boolean).map(named).join(' ');
  return {
    open: (el as Dialog).open,
    modal: dialog.matches(':modal'),
    role: dialog.getAttribute('role'),
    name: labelled(dialog),
    buttons: [...root.querySelectorAll('button')].map((button) => flat(button).trim()),
    focused: root.activeElement?.getAttribute('part') ?? null,
    countdown: root.querySelector('[part=countdown]')!.textContent,
    announced: root.querySelector('[aria-live=polite]')!.textContent,
  };
});

forEachEngine((engine) => {
  const t = suite('dialog', engine);
  let page: Tab;
  const runFor = (ms: number) => t.browser.clock.runFor(ms);
  beforeEach(async () => {
    t.server.pages.set('/dialog.html', PAGE(bundle));
    await t.launch({ viewport: { width: 900, height: 560 } });
    await t.browser.clock.install(Date.UTC(2026, 11, 1, 8));
    page = await t.browser.newTab();
    await page.goto(`${t.server.url}/dialog.html`);
    await page.evaluate(() => document.querySelector<HTMLElement>('#search')!.focus()); // where focus must come back to
  });

  describe('<session-warning-dialog>', () => {
    it('opens as a modal with focus inside, counts down, takes the page\'s styles, closes on Escape with focus back', async () => {
      await runFor(1_000);
      await page.waitForFunction(() => (document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open, undefined, { timeout: 5_000 });
      const opened = await inside(page);
      expect(opened).toMatchObject({ open: true, modal: true, focused: 'extend', role: 'alertdialog', name: 'Your session is about to end' });
      // Named by its heading, for screen readers; its buttons named by their texts.
      expect(opened.buttons).toEqual(['Sign out', 'Stay signed in']);
      expect(opened.countdown).toBe('2:00');
      expect(opened.announced).toBe('2 minutes');
      // The page behind is inert while the modal is open: a real click where the search field is does not reach it.
      const search = await page.evaluate(() => {
        const box = document.querySelector('#search')!.getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      });
      await page.mouse.click(search.x, search.y);
      expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('search');
      await runFor(1_000);
      expect((await inside(page)).countdown).toBe('1:59');

      // The default colours: the message muted, the countdown in the dialog's own colour.
      const colours = await page.evaluate(() => {
        const root = document.querySelector('session-warning-dialog')!.shadowRoot!;
        return Object.fromEntries(['message', 'countdown'].map((part) => [part, getComputedStyle(root.querySelector(`[part=${part}]`)!).color]));
      });
      expect(colours).toEqual({ message: 'rgb(87, 96, 106)', countdown: 'rgb(27, 31, 36)' });

      // Styling from the page: custom properties and ::part().
      const styled = await page.evaluate(() => {
        const style = document.createElement('style');
        style.textContent = 'session-warning-dialog { --sw-accent: rgb(102, 51, 153) } session-warning-dialog::part(heading) { color: rgb(200, 0, 0) }';
        document.head.append(style);
        const root = document.querySelector('session-warning-dialog')!.shadowRoot!;
        return { extend: getComputedStyle(root.querySelector('[part=extend]')!).backgroundColor, heading: getComputedStyle(root.querySelector('[part=heading]')!).color };
      });
      expect(styled).toEqual({ extend: 'rgb(102, 51, 153)', heading: 'rgb(200, 0, 0)' });

      await page.press('Escape'); // "I am here"
      await page.waitForFunction(() => !(document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open, undefined, { timeout: 3_000 });
      expect(await page.evaluate(() => (window as unknown as { session: { state: string } }).session.state)).toBe('active');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
      expect(await page.evaluate(() => document.querySelector('session-warning-dialog')!.shadowRoot!.querySelector('dialog')!.open)).toBe(false);
      expect(await page.problems()).toEqual([]);
    });

    it(engine.skipIn({ firefox: SCREENSHOTS_IN_CHROMIUM, webkit: SCREENSHOTS_IN_CHROMIUM }, 'looks right: the README\'s screenshot of the open dialog'), async () => {
      await runFor(2_000);
      await page.waitForFunction(() => (document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open, undefined, { timeout: 5_000 });
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot!(`${SHOTS}/element-dialog.png`);
    });
  });
});
