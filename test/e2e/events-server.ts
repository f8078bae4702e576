// A small server for the browser tests of serverEvents(): the library (bundled from source), a
// test page, a check endpoint and a Server-Sent Events endpoint that the test drives (it says what and
// when). The page gets an HttpOnly cookie, the stream's only credential, as a real server would use.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { servePrelude, withPrelude } from './engines/prelude';

// The page: a SessionManager with serverCheck() and serverEvents() from the query's JSON (`o`: the
// manager's options, `check` and `events`: those of the two signals). Every event is logged in
// `window.events` with its wall time, every EventSource the library makes in `window.sources`.
const PAGE = `<!doctype html><html><head><title>serverEvents e2e</title></head><body><p id="state">loading</p>
<script type="module">
  import { SessionManager, serverCheck, serverEvents } from '/lib.js';
  const { check, events: stream, ...options } = JSON.parse(new URLSearchParams(location.search).get('o'));
  window.sources = [];
  window.EventSource = class extends EventSource {
    constructor(...args) {
      super(...args);
      window.sources.push(this);
    }
  };
  window.events = [];
  window.persisted = [];
  addEventListener('pageshow', (e) => window.persisted.push(e.persisted));
  const session = new SessionManager({ ...options, check: serverCheck(check), signals: [serverEvents(stream)] });
  for (const type of ['expired', 'checked', 'error']) {
    session.on(type, (payload) => window.events.push({ type, wall: performance.timeOrigin + performance.now(), ...JSON.parse(JSON.stringify(payload, (k, v) => (k === 'error' ? String(v) : v))) }));
  }
  session.subscribe(() => (document.getElementById('state').textContent = session.state));
  window.session = session;
  session.start();
</script></body></html>`;

/** One open event stream, as the server holds it. */
export interface OpenStream {
  res: ServerResponse;
  /** The query string it was opened with (to prove no token is in it). */
  search: string;
}

export interface EventsServer {
  url: string;
  /** Streams open now. */
  streams: Set<OpenStream>;
  /** Counters: streams opened, refused, and checks answered. */
  counts: { opened: number; refused: number; checks: number };
  /** While true, the stream and the check answer 401: the session is gone. */
  revoked: boolean;
  /** Writes `data` (an object as JSON) to every open stream, as one event. */
  send(data: unknown): void;
  /** Closes every open stream from the server's side (a restart, a proxy timeout). */
  drop(): void;
  reset(): void;
  close(): Promise<void>;
}

const COOKIE = 'sid=e2e-session';

export async function serveEvents(): Promise<EventsServer> {
  const lib = (await build({ entryPoints: ['src/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022' })).outputFiles[0]!.text;
  const streams = new Set<OpenStream>();
  const counts = { opened: 0, refused: 0, checks: 0 };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (servePrelude(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const authed = (req.headers.cookie ?? '').split(/;\s*/).includes(COOKIE) && !server.revoked;
    if (url.pathname === '/lib.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(lib);
    if (url.pathname === '/page.html') {
      // `no-cache`, not `no-store`: a `no-store` page never enters the back/forward cache.
      return res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-cache', 'set-cookie': `${COOKIE}; HttpOnly; SameSite=Strict; Path=/` }).end(withPrelude(PAGE));
    }
    if (url.pathname === '/other.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>another page</p>');
    if (url.pathname === '/check') {
      counts.checks++;
      return res.writeHead(authed ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ active: authed, serverTime: Date.now() }));
    }
    if (url.pathname === '/events') {
      if (!authed) {
        counts.refused++;
        return res.writeHead(401).end();
      }
      counts.opened++;
      const stream = { res, search: url.search };
      streams.add(stream);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`data: ${JSON.stringify({ type: 'session', serverTime: Date.now() })}\n\n`);
      req.on('close', () => streams.delete(stream));
      return;
    }
    res.writeHead(404).end();
  };
  const http = createServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const server: EventsServer = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    streams,
    counts,
    revoked: false,
    send(data) {
      const text = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
      for (const { res } of streams) res.write(text);
    },
    drop() {
      for (const { res } of [...streams]) res.end();
    },
    reset() {
      server.drop();
      Object.assign(counts, { opened: 0, refused: 0, checks: 0 });
      server.revoked = false;
    },
    close: () =>
      new Promise((resolve) => {
        server.drop();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}

/** The test page with these options: the manager's, and `check` / `events` for the two signals. */
export const eventsPage = (base: string, options: Record<string, unknown>) =>
  `${base}/page.html?o=${encodeURIComponent(JSON.stringify({ idleTimeout: 86_400_000, activity: [], check: { url: '/check' }, events: { url: '/events' }, ...options }))}`;
