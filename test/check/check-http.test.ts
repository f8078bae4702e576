// @vitest-environment node
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/check';
import { SessionManager, serverCheck } from '../../src';
import { stubPage } from '../node-page';

let server: Server;
let base = '';
let status = 200;
let lastAuth: string | undefined;

beforeAll(async () => {
  stubPage();
  server = createServer((req, res) => {
    lastAuth = req.headers.authorization;
    // An SSO proxy in front of the API: a session it does not know goes to its sign-in page.
    if (req.url?.startsWith('/proxied/')) return void res.writeHead(302, { location: '/login?return=%2Fapi%2Fsession' }).end();
    if (req.url === '/moved') return void res.writeHead(307, { location: '/api/session' }).end();
    if (req.url?.startsWith('/login')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><form>Sign in</form>');
    if (req.url === '/no-body') return void res.writeHead(204).end();
    if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok</p>');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status === 200 ? { active: true, serverTime: Date.now() + 7_000 } : { error: status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('check.url against a real HTTP server on 127.0.0.1', () => {
  it.each([
    [401, 'revoked'],
    [403, 'revoked'],
    [200, 'active'],
    [500, 'unknown'],
    [502, 'unknown'],
  ])('%i → %s', async (code, outcome) => {
    status = code;
    const answer = await runCheck({ url: `${base}/api/session` }, 'tok', new AbortController().signal);
    expect(answer.outcome).toBe(outcome);
    expect(lastAuth).toBe('Bearer tok');
    if (code === 200) expect(answer.serverTime).toBeGreaterThan(Date.now());
  });

  it('is unknown when nothing listens', async () => {
    const answer = await runCheck({ url: 'http://127.0.0.1:9/nothing' }, null, new AbortController().signal);
    expect(answer.outcome).toBe('unknown');
  });

  it('ends a manager’s session with reason revoked on a 401', async () => {
    status = 401;
    const session = new SessionManager({ crossTab: false, activity: [], check: serverCheck({ url: `${base}/api/session`, interval: 1 }) });
    const expired = new Promise((resolve) => session.on('expired', resolve));
    session.start();
    await expect(expired).resolves.toEqual({ reason: 'revoked' });
    session.destroy();
  });

  it.each([
    ['a 302 to an HTML sign-in page', '/proxied/api/session', '/login'],
    ['a 307 to the right path', '/moved', '/api/session'],
  ])('%s is unknown, never active, and says where it went (without the query)', async (_, path, landed) => {
    status = 200;
    const answer = await runCheck({ url: `${base}${path}` }, 'tok', new AbortController().signal);
    expect(answer).toMatchObject({ outcome: 'unknown', redirected: `${base}${landed}` });
  });

  it.each([['/no-body'], ['/html']])('a 2xx without a JSON body (%s) is still active', async (path) => {
    const answer = await runCheck({ url: `${base}${path}` }, 'tok', new AbortController().signal);
    expect(answer.outcome).toBe('active');
  });

  it('behind a proxy that redirects: checked unknown and one error naming the sign-in page, never a logout', async () => {
    const session = new SessionManager({ crossTab: false, activity: [], check: serverCheck({ url: `${base}/proxied/api/session`, interval: 1 }) });
    const log: unknown[] = [];
    session.on('error', ({ error, during }) => log.push([during, String(error)]));
    session.on('expired', ({ reason }) => log.push(reason));
    const checked = new Promise((resolve) => session.on('checked', ({ result }) => resolve(result)));
    session.start();
    await expect(checked).resolves.toBe('unknown');
    session.destroy();
    expect(log).toEqual([['check', `Error: sessionwarden: serverCheck() url was redirected to ${base}/login`]]);
  });
});
