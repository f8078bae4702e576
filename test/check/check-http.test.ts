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
});
