// <session-warning-dialog> in real Chromium: a true modal <dialog> in a shadow root, focus in and
// back out, Escape, and the screenshot of the README (docs/images/element-dialog.png, refreshed by
// `npm run screenshots`; `npm test` writes it to an ignored folder).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const SHOTS = process.env.SCREENSHOTS ?? '.tmp/screenshots';
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
}, 60_000);
afterAll(() => browser?.close());

describe('<session-warning-dialog> in Chromium', () => {
  it('opens as a modal with focus inside, counts down, takes the page\'s styles, closes on Escape with focus back, and looks right', async () => {
    const bundle = await build({
      stdin: { contents: APP, resolveDir: process.cwd(), loader: 'ts' },
      alias: { 'sessionwarden/element': src('element/index.ts'), sessionwarden: src('index.ts') },
      bundle: true, format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
    });
    const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.setContent(PAGE(bundle.outputFiles[0]!.text));
    await page.focus('#search'); // where focus must come back to

    const element = page.locator('session-warning-dialog');
    await page.waitForFunction(() => (document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open, undefined, { timeout: 10_000 });
    const inside = await element.evaluate((el) => {
      const dialog = el.shadowRoot!.querySelector('dialog')!;
      return {
        modal: dialog.matches(':modal'),
        focused: el.shadowRoot!.activeElement?.getAttribute('part'),
        countdown: el.shadowRoot!.querySelector('[part=countdown]')!.textContent,
        announced: el.shadowRoot!.querySelector('[aria-live=polite]')!.textContent,
      };
    });
    expect(inside).toMatchObject({ modal: true, focused: 'extend' });
    expect(inside.countdown).toMatch(/^(2:00|1:5\d)$/);
    expect(inside.announced).toMatch(/^(2 minutes|1 minute \d+ seconds)$/);
    // The page behind is inert while the modal is open.
    await expect(page.locator('#search').click({ timeout: 500 })).rejects.toThrow();
    // Named by its heading, for screen readers; its buttons named by their texts.
    await element.getByRole('alertdialog', { name: 'Your session is about to end' }).waitFor({ timeout: 1_000 });
    await element.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 1_000 });
    await page.waitForFunction(() => {
      const text = document.querySelector('session-warning-dialog')!.shadowRoot!.querySelector('[part=countdown]')!.textContent!;
      return text !== '2:00';
    }, undefined, { timeout: 3_000 });

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/element-dialog.png` });

    // The default colours: the message muted, the countdown in the dialog's own colour.
    const colours = await element.evaluate((el) => Object.fromEntries(['message', 'countdown'].map((part) => [part, getComputedStyle(el.shadowRoot!.querySelector(`[part=${part}]`)!).color])));
    expect(colours).toEqual({ message: 'rgb(87, 96, 106)', countdown: 'rgb(27, 31, 36)' });

    // Styling from the page: custom properties and ::part().
    await page.addStyleTag({ content: 'session-warning-dialog { --sw-accent: rgb(102, 51, 153) } session-warning-dialog::part(heading) { color: rgb(200, 0, 0) }' });
    const styled = await element.evaluate((el) => ({
      extend: getComputedStyle(el.shadowRoot!.querySelector('[part=extend]')!).backgroundColor,
      heading: getComputedStyle(el.shadowRoot!.querySelector('[part=heading]')!).color,
    }));
    expect(styled).toEqual({ extend: 'rgb(102, 51, 153)', heading: 'rgb(200, 0, 0)' });

    await page.keyboard.press('Escape'); // "I am here"
    await page.waitForFunction(() => !(document.querySelector('session-warning-dialog') as HTMLElement & { open: boolean }).open, undefined, { timeout: 3_000 });
    expect(await page.evaluate(() => (window as unknown as { session: { state: string } }).session.state)).toBe('active');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    expect(await element.evaluate((el) => el.shadowRoot!.querySelector('dialog')!.open)).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
