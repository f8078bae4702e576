// What both fresh-app scripts need to look at a built app: its folder served on 127.0.0.1, and a
// page in a fresh profile of one engine (Chromium, Firefox or WebKit: the browser tests' own drivers,
// test/e2e/engines) on the browser's clock, paused, that collects every error and warning.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The engines that `ENGINES` names (comma-separated), all three by default. */
export const engineNames = () => {
  const wanted = (process.env.ENGINES ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  return wanted.length ? wanted : ['chromium', 'firefox', 'webkit'];
};

let loaded;
/** test/e2e/engines, bundled for Node (it is TypeScript) beside the repository's packages, and imported. */
async function engines() {
  if (loaded) return loaded;
  // Under node_modules (ignored by git), so that the bundle's imports resolve to the repository's packages.
  const outfile = join(repo, 'node_modules', '.cache', `sessionwarden-engines-${process.pid}.mjs`);
  await build({ entryPoints: [join(repo, 'test/e2e/engines/index.ts')], bundle: true, platform: 'node', format: 'esm', outfile, packages: 'external', logLevel: 'warning' });
  try {
    loaded = await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
  return loaded;
}

/**
 * Serves `root` (any path that is not a file gets its index.html, as a single-page app wants) and
 * opens it in a fresh browser of `engine` with the clock installed, paused, at `time`. `page` is a
 * small page driver; `problems()` gathers page errors, console errors and warnings (and failed
 * requests where the driver tells); `close()` ends it all.
 */
export async function openServed(root, { engine: name = 'chromium', time = Date.UTC(2025, 0, 6, 9) } = {}) {
  const { chromiumEngine, firefoxEngine, webkitEngine, servePrelude, withPrelude } = await engines();
  const engine = { chromium: chromiumEngine, firefox: firefoxEngine, webkit: webkitEngine }[name];
  if (!engine) throw new Error(`fresh: unknown engine ${name}`);
  const server = createServer((request, response) => {
    if (servePrelude(request, response)) return;
    const path = resolve(root, `.${decodeURIComponent(new URL(request.url, 'http://x').pathname)}`);
    const file = path.startsWith(root + sep) && existsSync(path) && statSync(path).isFile() ? path : join(root, 'index.html');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(type === 'text/html' ? withPrelude(readFileSync(file, 'utf8')) : readFileSync(file));
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  await engine.setUp();
  const browser = await engine.launch();
  await browser.clock.install(time);
  const tab = await browser.newTab();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  const page = {
    evaluate: (fn, arg) => tab.evaluate(fn, arg),
    waitForFunction: (fn, arg, options) => tab.waitForFunction(fn, arg, options),
    textContent: (selector) => tab.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector),
    waitForSelector: (selector, { state = 'attached', timeout = 10_000 } = {}) =>
      tab.waitForFunction(([s, attached]) => (document.querySelector(s) !== null) === attached, [selector, state !== 'detached'], { timeout }),
    click: (selector) => tab.click(selector),
    mouse: tab.mouse,
    clock: { runFor: (ms) => browser.clock.runFor(ms) },
  };
  return {
    page,
    problems: () => tab.problems(),
    async close() {
      await browser.close();
      await engine.tearDown();
      server.close();
    },
  };
}
