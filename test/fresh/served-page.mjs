// What both fresh-app scripts need to look at a built app: its folder served on 127.0.0.1, and a
// page in a fresh Chromium profile on Playwright's clock that collects every error and warning.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

/**
 * Serves `root` (any path that is not a file gets its index.html, as a single-page app wants) and
 * opens it in a fresh Chromium profile with the clock installed at `time`. `problems` gathers page
 * errors, console errors and warnings, and failed requests; `close()` ends it all.
 */
export async function openServed(root, { time = Date.UTC(2025, 0, 6, 9) } = {}) {
  const server = createServer((request, response) => {
    const path = resolve(root, `.${decodeURIComponent(new URL(request.url, 'http://x').pathname)}`);
    const file = path.startsWith(root + sep) && existsSync(path) && statSync(path).isFile() ? path : join(root, 'index.html');
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const profile = mkdtempSync(join(tmpdir(), 'sessionwarden-fresh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => ['error', 'warning'].includes(message.type()) && problems.push(message.text()));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  await page.clock.install({ time });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  return {
    page,
    problems,
    async close() {
      await context.close();
      server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
