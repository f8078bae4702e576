// The demo server with 1,000 open event streams (GET /api/events), on loopback: its memory (RSS,
// heap after a full GC) and open file descriptors before, with the streams open, and after they close.
// The server runs in its own process (so that only its own memory is counted), bundled from source.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const STREAMS = 1_000;
const BATCH = 100;

/** The server's program: the demo app, answering `measure` with its memory, descriptors and streams. */
const PROGRAM = `
import { readdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './demo-app.mjs';
// One client signs in 1,000 times and holds 1,000 streams: every per-user and per-address bound lifted (bench/load.mjs measures them).
const { app, events } = createApp({ staticDir: false, loginLimits: { perAddress: 1e9, perUser: 1e9, perMinute: 1e9 }, sessionsPerUser: 1e9, events: { perUser: 1e9, perAddress: 1e9 } });
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send({ port: info.port }));
process.on('message', (message) => {
  if (message === 'exit') process.exit(0);
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  process.send({ rss, heapUsed, fds: readdirSync('/proc/self/fd').length, streams: events.size() });
});
`;

const ask = (child, message) => new Promise((resolve) => {
  child.once('message', resolve);
  child.send(message);
});

/** One HTTP call to the server: resolves with the response (its body left open for a stream). */
const call = (port, path, { method = 'GET', headers = {}, body } = {}) => new Promise((resolve, reject) => {
  const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, resolve);
  req.on('error', reject);
  req.end(body);
});

export async function serverStreams() {
  mkdirSync('bench/.tmp', { recursive: true });
  const dir = `bench/.tmp/streams-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  await build({ entryPoints: ['examples/server/app.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: `${dir}/demo-app.mjs`, logLevel: 'warning' });
  writeFileSync(`${dir}/server.mjs`, PROGRAM);
  const child = fork(`${dir}/server.mjs`, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sockets = [];
  try {
    const { port } = await new Promise((resolve) => child.once('message', resolve));
    const origin = `http://127.0.0.1:${port}`;
    const started = await ask(child, 'measure');
    // One session per stream (a session holds at most 3): sign-ins, each with its own refresh cookie.
    const cookies = [];
    for (let i = 0; i < STREAMS; i++) {
      const res = await call(port, '/api/login', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ username: ['admin', 'editor', 'viewer'][i % 3], password: 'demo' }) });
      res.resume();
      cookies.push(res.headers['set-cookie'][0].split(';')[0]);
    }
    const sessions = await ask(child, 'measure');
    for (let i = 0; i < STREAMS; i += BATCH) {
      await Promise.all(cookies.slice(i, i + BATCH).map(async (cookie) => {
        const res = await call(port, '/api/events', { headers: { cookie } });
        if (res.statusCode !== 200) throw new Error(`stream refused: ${res.statusCode}`);
        sockets.push(res.socket);
        await new Promise((resolve) => res.once('data', resolve)); // its first event: the stream is up
      }));
    }
    const open = await ask(child, 'measure');
    for (const socket of sockets.splice(0)) socket.destroy();
    let closed = await ask(child, 'measure');
    for (let i = 0; closed.streams > 0 || closed.fds > sessions.fds; i++) {
      if (i > 200) break; // bounded: report what is left
      await new Promise((resolve) => setTimeout(resolve, 20));
      closed = await ask(child, 'measure');
    }
    return { streams: STREAMS, started, sessions, open, closed };
  } finally {
    for (const socket of sockets) socket.destroy();
    child.send('exit');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

/** The figures as markdown rows. */
export function streamsTable(result) {
  const { streams, started, sessions, open, closed } = result;
  const row = (label, m) => `| ${label} | ${m.streams} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${m.fds} |`;
  const perStream = (key) => (((open[key] - sessions[key]) / streams) / 1024).toFixed(1);
  return [
    '| demo server (one process, loopback) | open streams | RSS (MB) | heap after GC (MB) | open file descriptors |',
    '|---|---|---|---|---|',
    row('started', started),
    row(`${streams} sessions signed in`, sessions),
    row(`${streams} event streams open`, open),
    row('after the clients closed them', closed),
    '',
    `Per open stream: ${perStream('rss')} kB of RSS, ${perStream('heapUsed')} kB of heap, ${((open.fds - sessions.fds) / streams).toFixed(2)} file descriptor.`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(streamsTable(await serverStreams()).join('\n'));
