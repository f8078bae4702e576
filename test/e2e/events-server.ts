// A small server for the browser tests of serverEvents(): the library (bundled from source), a
// test page, a check endpoint and a Server-Sent Events endpoint that the test drives (it says what and
// when), and endpoints that misbehave (a flood without a line end, a redirect to a page). The page
// gets an HttpOnly cookie, the stream's only credential, as a real server would use.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { servePrelude, withPrelude } from './engines/prelude';

// The page: a SessionManager with serverCheck() and serverEvents() from the query's JSON (`o`: the
// manager's options, `check` and `events`: those of the two signals). Every event is logged in
// `window.events` with its wall time; every stream request the library makes is in `window.streams`
// with its state (0 asked, 1 answered, 2 aborted by the library), the bytes the library has read of
// its body and, once it cancelled the body, how many it had read then. (The body is passed on through
// a pull-based stream: the library reads exactly what it asks for, as from the network's.)
const PAGE = `<!doctype html><html><head><title>serverEvents e2e</title></head><body><p id="state">loading</p>
<script type="module">
  import { SessionManager, serverCheck, serverEvents } from '/lib.js';
  const { check, events: stream, ...options } = JSON.parse(new URLSearchParams(location.search).get('o'));
  window.streams = [];
  const fetch0 = window.fetch;
  window.fetch = (input, init) => {
    if (init?.headers?.accept !== 'text/event-stream') return fetch0(input, init); // the check's
    const stream = { state: 0, read: 0, cancelledAt: undefined };
    window.streams.push(stream);
    init.signal?.addEventListener('abort', () => (stream.state = 2));
    return fetch0(input, init).then((response) => {
      stream.state ||= 1;
      if (!response.ok || !response.body) return response;
      const reader = response.body.getReader();
      const body = new ReadableStream({
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          stream.read += value.length;
          controller.enqueue(value);
        },
        cancel(reason) {
          stream.cancelledAt = stream.read;
          return reader.cancel(reason);
        },
      }, { highWaterMark: 0 });
      return new Response(body, { status: response.status, headers: response.headers });
    });
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

/** One answer of the flood endpoint: `data: ` and then bytes without a line end, as fast as the client takes them. */
export interface Flood {
  /** Bytes written to the socket until the client went away (or the cap). */
  written: number;
  /** Whether the client closed the connection. */
  closed: boolean;
}

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
  /** Each request to `/flood`, in order. */
  floods: Flood[];
  /** Writes `text` as it is to every open `/drip` stream (which the test feeds, and never ends a line on its own). */
  drip(text: string): void;
  /** `/drip` streams open now. */
  drips: Set<ServerResponse>;
  /** Requests by path (`/moved` redirects to `/other.html`, which a followed redirect would ask for). */
  hits: Record<string, number>;
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
  const floods: Flood[] = [];
  const floodResponses = new Set<ServerResponse>();
  const drips = new Set<ServerResponse>();
  const hits: Record<string, number> = {};
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (servePrelude(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
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
    if (url.pathname === '/moved') return res.writeHead(302, { location: '/other.html' }).end();
    if (url.pathname === '/drip') {
      drips.add(res);
      res.on('close', () => drips.delete(res));
      return res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }).flushHeaders();
    }
    if (url.pathname === '/flood') {
      // 64 KiB at a time while the socket takes them (backpressure), up to a cap of 256 MiB.
      const flood: Flood = { written: 0, closed: false };
      floods.push(flood);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('data: ');
      const pump = () => {
        while (!flood.closed && flood.written < 256 * 1024 * 1024) {
          flood.written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      floodResponses.add(res);
      res.on('close', () => ((flood.closed = true), floodResponses.delete(res)));
      return pump();
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
    floods,
    hits,
    drips,
    drip(text) {
      for (const res of drips) res.write(text);
    },
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
      for (const res of [...floodResponses, ...drips]) res.destroy();
      floods.length = 0;
      for (const path of Object.keys(hits)) delete hits[path];
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
