// @vitest-environment node
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager, type SessionEvents, type SessionOptions, serverCheck } from 'sessionwarden';
import { runCheck } from '../../src/check/check';
import { jwt as makeJwt } from '../jwt';
import { stubPage } from '../node-page';

// check.url against a real HTTP server on 127.0.0.1 (real timers, no sleeps: each test awaits the check).

const MIN = 60_000;

/** What the server saw of each request. */
const seen: { method: string; url: string; authorization: string | undefined }[] = [];
/** Requests left hanging (closed in afterEach). */
const hanging: ServerResponse[] = [];
const SKEW = 10 * MIN; // the server's clock runs 10 minutes ahead

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/revoked': (_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"revoked"}'),
  '/forbidden': (_req, res) => res.writeHead(403).end(),
  '/active': (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ active: true, serverTime: Date.now() + SKEW })),
  '/active-inactive': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"active":false}'),
  '/dated': (_req, res) => res.writeHead(204, { date: new Date(Date.now() + SKEW).toUTCString() }).end(),
  '/error': (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'),
  '/unavailable': (_req, res) => res.writeHead(503, { 'retry-after': '30' }).end(),
  '/hang': (_req, res) => void hanging.push(res),
};

let server: Server;
let base: string;
beforeAll(async () => {
  stubPage();
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization });
    (routes[req.url!] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const managers: SessionManager[] = [];
afterEach(() => {
  for (const session of managers.splice(0)) session.destroy();
  for (const res of hanging.splice(0)) res.destroy();
  seen.length = 0;
});

describe('runCheck against a real server', () => {
  it('401 is revoked; the bearer token is sent with a GET', async () => {
    const answer = await runCheck({ url: `${base}/revoked` }, 'tok.en.x', new AbortController());
    expect(answer.outcome).toBe('revoked');
    expect(seen).toEqual([{ method: 'GET', url: '/revoked', authorization: 'Bearer tok.en.x' }]);
  });

  it('403 is revoked', async () => {
    expect((await runCheck({ url: `${base}/forbidden` }, null, new AbortController())).outcome).toBe('revoked');
    expect(seen[0]!.authorization).toBeUndefined();
  });

  it('200 is active, with serverTime from the JSON body (to the millisecond)', async () => {
    const before = Date.now();
    const answer = await runCheck({ url: `${base}/active` }, 'tok', new AbortController());
    const after = Date.now();
    expect(answer.outcome).toBe('active');
    expect(answer.coarse).toBe(false);
    expect(answer.serverTime).toBeGreaterThanOrEqual(before + SKEW);
    expect(answer.serverTime).toBeLessThanOrEqual(after + SKEW);
  });

  it('200 with { active: false } is revoked', async () => {
    expect((await runCheck({ url: `${base}/active-inactive` }, 'tok', new AbortController())).outcome).toBe('revoked');
  });

  it('a 204 without a body is active, with the Date header as a coarse server time', async () => {
    const before = Date.now();
    const answer = await runCheck({ url: `${base}/dated` }, 'tok', new AbortController());
    expect(answer.outcome).toBe('active');
    expect(answer.coarse).toBe(true);
    expect(answer.serverTime! % 1000).toBe(0);
    expect(Math.abs(answer.serverTime! - (before + SKEW))).toBeLessThan(2000);
  });

  it.each(['/error', '/unavailable', '/missing'])('%s (5xx, 404) is unknown', async (path) => {
    expect((await runCheck({ url: `${base}${path}` }, 'tok', new AbortController())).outcome).toBe('unknown');
  });

  it('a refused connection is unknown', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect((await runCheck({ url: `http://127.0.0.1:${port}/` }, 'tok', new AbortController())).outcome).toBe('unknown');
  });

  it('aborting the signal ends a hanging request at once as unknown', async () => {
    const controller = new AbortController();
    const pending = runCheck({ url: `${base}/hang` }, 'tok', controller);
    while (hanging.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect((await pending).outcome).toBe('unknown');
  });
});

describe('SessionManager with check.url against a real server', () => {
  /** A manager whose check is due 1 ms after start; resolves with the first 'checked' result. */
  const firstCheck = (path: string, options: SessionOptions = {}) => {
    const session = new SessionManager({ crossTab: false, activity: [], idleTimeout: Infinity, ...options, check: serverCheck({ url: `${base}${path}`, interval: 1 }) });
    managers.push(session);
    const expired: SessionEvents['expired'][] = [];
    session.on('expired', (event) => expired.push(event));
    const checked = new Promise<SessionEvents['checked']>((resolve) => session.on('checked', resolve));
    session.start();
    return { session, expired, checked };
  };

  it("401: the session ends with reason 'revoked'", async () => {
    const token = makeJwt({ sub: 'u1', exp: Math.floor(Date.now() / 1000) + 3600 });
    const { session, expired, checked } = firstCheck('/revoked', { token });
    expect(await checked).toEqual({ result: 'revoked' });
    expect(expired).toEqual([{ reason: 'revoked' }]);
    expect(session.state).toBe('expired');
    expect(seen[0]).toEqual({ method: 'GET', url: '/revoked', authorization: `Bearer ${token}` });
  });

  it('200: active, and serverTime moves the token end by the server’s offset', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600; // no iat: the offset is unknown until the check
    const { session, expired, checked } = firstCheck('/active', { token: makeJwt({ exp }) });
    const before = session.remaining();
    expect(await checked).toEqual({ result: 'active' });
    session.stop();
    expect(session.state).toBe('stopped');
    expect(expired).toEqual([]);
    const after = session.remaining();
    // The end came 10 minutes nearer (within the request's round trip and the time between readings).
    expect(before - after).toBeGreaterThan(SKEW - 1000);
    expect(before - after).toBeLessThan(SKEW + 1000);
  });

  it('500: unknown, the session goes on', async () => {
    const { session, expired, checked } = firstCheck('/error');
    expect(await checked).toEqual({ result: 'unknown' });
    expect(expired).toEqual([]);
    expect(session.state).toBe('active');
  });
});
