// The browser tests' server: the library (bundled from source by esbuild), a test page and a fake
// API on 127.0.0.1. Every page it serves carries the prelude of the engine under test (see
// engines/prelude.ts: the fake clock where Playwright's is not available).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { servePrelude, withPrelude } from './engines/prelude';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT (the client never checks signatures). */
export const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;

// What a page can be denied before the library loads, as browsers deny it (a privacy mode, an
// enterprise policy, an opaque origin): each one throws at once, as Safari's private mode does.
const DENY = (denied: string) => `<script>
  const denied = ${denied};
  const deny = (what) => () => { throw new DOMException(what + ' denied by the test page', 'SecurityError'); };
  if (denied.includes('channel')) window.BroadcastChannel = function BroadcastChannel() { return deny('BroadcastChannel')(); };
  if (denied.includes('locks') && navigator.locks) for (const name of ['request', 'query']) Object.defineProperty(navigator.locks, name, { value: deny('navigator.locks.' + name), configurable: true });
  if (denied.includes('storage')) for (const name of ['localStorage', 'sessionStorage']) Object.defineProperty(window, name, { get: deny(name), configurable: true });
</script>`;

// The test page: a SessionManager from the options in the query string (`o`, JSON), exposed as
// `window.session`, with every event logged in `window.events`, every `pageshow` in
// `window.persisted`, every `fetch` (the check's, the refresh's) in `window.requests` with the
// page's time (and its time in `window.shownAt`), and every state the app could read in `window.states`: the one right after
// `start()` ('start:…') and the snapshot's at each change. A page in a frame posts its states and
// errors to its parent (`window.frames` there). `restart: true` (not an option of the library)
// stops and starts the session at once, as React's StrictMode does; `deny` (neither) lists what
// throws in this page: 'channel', 'locks', 'storage'.
const PAGE = (options: string, deny: string) => `<!doctype html><html><head><title>sessionwarden e2e</title>
${deny === '[]' ? '' : DENY(deny)}</head><body>
<p id="state">loading</p>
<script type="module">
  import { SessionManager, serverCheck, tokenRefresh, closeDetection } from '/lib.js';
  // The query's JSON may name the optional signals by their settings; the page makes each one.
  const { restart, check, refresh, refreshBefore, refreshTimeout, endOnClose, closeGrace, closeBeacon, deny, ...options } = ${options};
  if (check) options.check = serverCheck(check);
  if (endOnClose) options.endOnClose = closeDetection(endOnClose, { grace: closeGrace, beacon: closeBeacon });
  window.requests = [];
  const fetch0 = window.fetch;
  window.fetch = (input, init) => {
    window.requests.push({ path: new URL(input.url ?? String(input), location.href).pathname, at: Date.now() });
    return fetch0(input, init);
  };
  // The page's clock (maybe a fake one) tells the test server when "now" is, so tokens fit the page's time.
  if (refresh) options.refresh = tokenRefresh((signal) => fetch('/refresh?now=' + Date.now(), { method: 'POST', signal }).then((r) => r.text()), { before: refreshBefore, timeout: refreshTimeout });
  window.events = [];
  window.persisted = [];
  window.states = [];
  window.errors = [];
  const report = () => window.parent !== window && window.parent.postMessage({ states: window.states, errors: window.errors }, '*');
  window.shownAt = [];
  addEventListener('pageshow', (e) => (window.persisted.push(e.persisted), window.shownAt.push(Date.now())));
  try {
    const session = new SessionManager(options);
    for (const type of ['warning', 'extended', 'expired', 'refreshed', 'checked', 'error']) {
      session.on(type, (payload) => window.events.push({ type, at: Date.now(), ...JSON.parse(JSON.stringify(payload, (k, v) => k === 'error' ? String(v) : v)) }));
    }
    session.on('error', ({ error, during }) => (window.errors.push(during + ': ' + String(error)), report()));
    session.subscribe(() => {
      window.states.push(session.getSnapshot().state, session.state);
      document.getElementById('state').textContent = session.state;
      report();
    });
    window.session = session;
    session.start();
    window.states.push('start:' + session.state, 'start:' + session.getSnapshot().state);
    if (restart) {
      session.stop(); // as React's StrictMode does with effects
      session.start();
    }
    document.getElementById('state').textContent = session.state;
  } catch (error) {
    window.errors.push('thrown: ' + String(error));
    document.getElementById('state').textContent = 'threw ' + String(error);
    window.session = null;
  }
  report();
</script></body></html>`;

/** A page that frames the test page (`o` as for it) in a sandbox: an opaque origin. */
const FRAMING = (src: string) => `<!doctype html><html><head><title>framed</title></head><body>
<iframe sandbox="allow-scripts" src="${src.replaceAll('"', '&quot;')}"></iframe>
<script>
  window.framed = [];
  addEventListener('message', (e) => window.framed.push(e.data));
</script></body></html>`;

/** Counters the test pages hit. */
export interface Hits {
  check: number;
  refresh: number;
  beacon: number;
}

/** How the fake API answers; tests may change it. */
export interface Settings {
  /** Delay of `/refresh`, to widen a race. */
  refreshDelay: number;
  /** Lifetime (s) of the tokens `/refresh` issues. */
  refreshLifetime: number;
  /** The numbers (1, 2, …) of the `/refresh` calls that never answer, as on a flaky network. */
  refreshHangs: number[];
  /** The `sub` of the tokens `/refresh` issues. */
  refreshSub: string | undefined;
}

export interface TestServer {
  url: string;
  hits: Hits;
  /** The API calls (`/check`, `/refresh`, `/beacon`) in the order they arrived, with their query and when (epoch ms). */
  calls: { path: string; search: string; at: number }[];
  settings: Settings;
  /** The numbers of the `/refresh` calls that were answered with a token, in order. */
  answered: number[];
  /** More pages to serve, by path (`/dialog.html` → its HTML): a test's own page, with the prelude. */
  pages: Map<string, string>;
  /** Zeroes the counters and restores the default settings. */
  reset: () => void;
  close: () => Promise<void>;
}

/** Serves the library (bundled from source), the test page and a fake API on 127.0.0.1. */
export async function serve(): Promise<TestServer> {
  const bundle = await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022' });
  const lib = bundle.outputFiles[0]!.text;
  const hits: Hits = { check: 0, refresh: 0, beacon: 0 };
  const answered: number[] = [];
  const calls: TestServer['calls'] = [];
  const defaults: Settings = { refreshDelay: 0, refreshLifetime: 600, refreshHangs: [], refreshSub: undefined };
  const settings: Settings = { ...defaults };
  const hanging: ServerResponse[] = [];
  const pages = new Map<string, string>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (servePrelude(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string, status = 200) => {
      // `no-cache` (revalidate), not `no-store`: a `no-store` page never enters the back/forward cache.
      // Any origin may load the library: a sandboxed frame's origin is opaque.
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache', 'access-control-allow-origin': '*' });
      res.end(type === 'text/html' ? withPrelude(body) : body);
    };
    if (url.pathname === '/lib.js') return send('text/javascript', lib);
    if (url.pathname === '/page.html') {
      const options = url.searchParams.get('o') ?? '{}';
      return send('text/html', PAGE(options, JSON.stringify((JSON.parse(options) as { deny?: string[] }).deny ?? [])));
    }
    if (url.pathname === '/framed.html') return send('text/html', FRAMING(`/page.html?o=${encodeURIComponent(url.searchParams.get('o') ?? '{}')}`));
    if (url.pathname === '/other.html') return send('text/html', '<!doctype html><p>another page</p>');
    if (pages.has(url.pathname)) return send('text/html', pages.get(url.pathname)!);
    if (url.pathname === '/favicon.ico') return send('image/x-icon', '');
    if (url.pathname.slice(1) in hits) calls.push({ path: url.pathname, search: url.search, at: Date.now() });
    if (url.pathname === '/check') {
      hits.check++;
      return send('application/json', JSON.stringify({ active: true, serverTime: Date.now() }));
    }
    if (url.pathname === '/refresh') {
      const n = ++hits.refresh;
      if (settings.refreshHangs.includes(n)) return void hanging.push(res);
      setTimeout(() => {
        // The page's time when it says it (its clock may be a fake one), else this server's.
        const now = Math.floor(Number(url.searchParams.get('now') || Date.now()) / 1000);
        send('text/plain', jwt({ iat: now, exp: now + settings.refreshLifetime, n, sub: settings.refreshSub }));
        answered.push(n);
      }, settings.refreshDelay);
      return;
    }
    if (url.pathname === '/beacon') {
      hits.beacon++;
      return send('text/plain', '');
    }
    send('text/plain', 'not found', 404);
  };
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    calls,
    settings,
    answered,
    pages,
    reset: () => {
      for (const name of Object.keys(hits)) hits[name as keyof Hits] = 0;
      calls.length = 0;
      answered.length = 0;
      for (const res of hanging.splice(0)) res.destroy();
      Object.assign(settings, defaults);
    },
    close: () => new Promise((resolve) => {
      for (const res of hanging.splice(0)) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The page URL with these SessionManager options (and the page's own: `restart`, `deny`). */
export const pageUrl = (base: string, options: Record<string, unknown>) =>
  `${base}/page.html?o=${encodeURIComponent(JSON.stringify(options))}`;

/** The test page with these options, in a sandboxed frame (an opaque origin) of a page of ours. */
export const framedUrl = (base: string, options: Record<string, unknown>) =>
  `${base}/framed.html?o=${encodeURIComponent(JSON.stringify(options))}`;
