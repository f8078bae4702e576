// Framework apps in every engine: each app bundled from source by esbuild (React and Vue in their
// production builds, Angular compiled at run time), served with a fake sign-in API whose clock is the
// page's (each request says what time it is there), so that tokens fit a page on the browser's clock.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { jwt, type Browser, type Tab } from './harness';
import { servePrelude, withPrelude } from './engines/prelude';

const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/**
 * Bundles `entry` (a file, or `{ contents, resolveDir }` for code read from elsewhere) for the browser,
 * `sessionwarden` and its entries from source (`core`: another module in place of the core's).
 */
export async function bundle(entry: string | { contents: string; resolveDir: string; loader: 'ts' | 'tsx' }, core = src('index.ts')): Promise<string> {
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: entry }),
    bundle: true, format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
    alias: {
      'sessionwarden/react': src('react/index.tsx'),
      'sessionwarden/vue': src('vue/index.ts'),
      'sessionwarden/angular': src('angular/index.ts'),
      'sessionwarden/element': src('element/index.ts'),
      sessionwarden: core,
    },
    jsx: 'automatic',
    // Angular's decorators as its JIT compiler expects them; the frameworks' production builds.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  });
  return result.outputFiles[0]!.text;
}

/**
 * In every page, before the app: stamp each request with the page's (fake) time (`x-test-clock`),
 * and count the requests still open, so that a test lets time pass only once the answers are in.
 */
export const PAGE_SCRIPT = () => {
  const w = window as unknown as { __open: number };
  w.__open = 0;
  const track = <T,>(promise: Promise<T>) => {
    w.__open++;
    return promise.finally(() => w.__open--);
  };
  const fetch0 = window.fetch;
  window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('x-test-clock', String(Date.now()));
    return track(fetch0.call(this, input, { ...init, headers }));
  };
  for (const read of ['json', 'text'] as const) {
    const original = Response.prototype[read];
    Response.prototype[read] = function (this: Response) {
      return track(original.call(this));
    } as never;
  }
};

/** Waits until the page has no request open (and its answer read). */
export const answered = (page: Tab) => page.waitForFunction(() => !((window as unknown as { __open?: number }).__open! > 0));

/** The fake sign-in API: what it issued and was asked, on the pages' clock. */
export interface Api {
  /** The newest page time a request said (epoch ms). */
  now: number;
  /** Lifetime (s) of the tokens it issues. */
  lifetime: number;
  /** The API requests in order, with the page time they came at. */
  calls: { path: string; at: number; status: number }[];
  /** The sign-ins (session ids) still alive on the server. */
  live: Set<number>;
}

export interface AppServer {
  url: string;
  api: Api;
  close(): Promise<void>;
}

const cookie = (req: IncomingMessage) => Number(/(?:^|; )sid=(\d+)/.exec(req.headers.cookie ?? '')?.[1] ?? NaN);
const sidOf = (req: IncomingMessage) => {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  try {
    return Number(JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()).sid);
  } catch {
    return NaN;
  }
};

/**
 * Serves `files` (path → [content type, body]) and a fake sign-in API on 127.0.0.1:
 * `POST /api/sign-in` (a token for a new session, its id in a `sid` cookie), `POST /api/refresh` (a new
 * token for the cookie's session), `GET /api/session` (the bearer token's session alive: 200, else
 * 401) and `POST /api/sign-out` (ends the cookie's session). Tokens are issued at the page's time.
 */
export async function serveApps(files: Record<string, [type: string, body: string]>, now: number): Promise<AppServer> {
  const api: Api = { now, lifetime: 5 * 60, calls: [], live: new Set() };
  let sessions = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (servePrelude(req, res)) return;
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const at = Number(req.headers['x-test-clock']);
    if (at > api.now) api.now = at;
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      // The server's Date is the page's: a check that reads it learns no offset from the fake clock.
      res.sendDate = false;
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', date: new Date(api.now).toUTCString(), ...headers });
      res.end(type === 'text/html' ? withPrelude(body) : body);
      if (pathname.startsWith('/api/')) api.calls.push({ path: pathname, at: api.now, status });
    };
    const token = (sid: number) => {
      const iat = Math.floor(api.now / 1000);
      return jwt({ sub: 'ann', sid, roles: ['editor'], iat, exp: iat + api.lifetime });
    };
    if (files[pathname]) return send(200, ...files[pathname]!);
    if (pathname === '/api/sign-in' && req.method === 'POST') {
      const sid = ++sessions;
      api.live.add(sid);
      return send(200, 'text/plain', token(sid), { 'set-cookie': `sid=${sid}; Path=/api; HttpOnly; SameSite=Strict` });
    }
    if (pathname === '/api/refresh' && req.method === 'POST') {
      const sid = cookie(req);
      return api.live.has(sid) ? send(200, 'text/plain', token(sid)) : send(401, 'text/plain', 'signed out');
    }
    if (pathname === '/api/session') return api.live.has(sidOf(req)) ? send(200, 'application/json', '{"active":true}') : send(401, 'text/plain', 'signed out');
    if (pathname === '/api/sign-out' && req.method === 'POST') {
      api.live.delete(cookie(req));
      return send(204, 'text/plain', '', { 'set-cookie': 'sid=; Path=/api; Max-Age=0' });
    }
    send(404, 'text/plain', 'not found');
  };
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    api,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A page that runs `script` (a path the server serves) after setting `window.APP` from the query's `app` (JSON). */
export const APP_PAGE = (script: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title></head><body>
<div id="app"></div><div id="root"></div><sw-root></sw-root>
<script>window.APP = JSON.parse(new URLSearchParams(location.search).get('app') ?? '{}'); window.calls = [];</script>
<script type="module" src="${script}"></script>
</body></html>`;

/** Installs the page-time stamp of every request in every page of `browser`. */
export const stampRequests = (browser: Browser) => browser.addInitScript(PAGE_SCRIPT);
