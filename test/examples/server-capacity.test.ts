// @vitest-environment node
// A flood of connections from anywhere: past a ceiling derived from the process's open-file limit,
// the server answers 503 with Retry-After (and, further on, drops new connections at once), instead
// of failing to accept with EMFILE and resetting everyone, and it comes back when the flood stops.
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionLimits } from '../../examples/server/capacity';
import { buildServer, startServer, until, type ServerProcess } from './processes';

const FILE_LIMIT = 160;
let file: string;
let server: ServerProcess;
const sockets: Socket[] = [];

beforeAll(async () => {
  file = await buildServer();
  server = await startServer(file, { REDIS_URL: '', JWT_SECRET: '' }, { fileLimit: FILE_LIMIT });
}, 30_000);
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.stop();
  if (file) rmSync(file, { force: true });
});

/** Opens `count` idle connections (a client that never sends a request), each once connected. */
const hold = (count: number) =>
  Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => resolve());
    socket.on('error', () => resolve()); // dropped by the server: what the test counts below
    sockets.push(socket);
  })));
const status = () => fetch(`${server.url}/api/session`).then((res) => res.status, () => 'reset' as const);

describe('the connection ceiling', () => {
  it('is derived from the open-file limit, with room to spare', () => {
    expect(connectionLimits(1_024)).toEqual({ busy: 768, drop: 960 });
    expect(connectionLimits(FILE_LIMIT)).toEqual({ busy: 76, drop: 96 });
    expect(connectionLimits(FILE_LIMIT, 50)).toEqual({ busy: 50, drop: 96 });
    expect(() => connectionLimits(FILE_LIMIT, 97)).toThrow(/^sessionwarden: the connection ceiling/);
  });

  it(`under ulimit -n ${FILE_LIMIT}: past ${connectionLimits(FILE_LIMIT).busy} connections, 503 with Retry-After; past ${connectionLimits(FILE_LIMIT).drop}, dropped; never EMFILE; back once the flood stops`, async () => {
    const { busy, drop } = connectionLimits(FILE_LIMIT);
    expect(await status()).toBe(401);
    await hold(busy);
    await until(async () => (await status()) === 503, 'a 503 once the connections are past the ceiling');
    const refused = await fetch(`${server.url}/api/session`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('connection')).toBe('close');
    // A flood past every descriptor: the ones past `drop` are closed at once, the process lives on.
    await hold(FILE_LIMIT * 2);
    await until(() => sockets.filter((socket) => !socket.destroyed && !socket.closed).length <= drop, 'the connections past `drop` to be closed');
    expect(server.exited()).toBeNull();
    expect(server.errors()).not.toMatch(/EMFILE/);
    for (const socket of sockets.splice(0)) socket.destroy();
    await until(async () => (await status()) === 401, 'the server to answer again once the flood stopped');
  }, 30_000);
});
