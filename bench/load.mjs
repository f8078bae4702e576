// `npm run bench:load`: the demo server under attack and under a Redis failure, measured with autocannon.
// One server process (under `ulimit -n 1024`, as the review ran it) on a Redis of its own (AOF, fsync at
// every write), on loopback. Two phases:
// 1. the flood: 200 ordinary users (each from its own address, through a trusted proxy's
//    X-Forwarded-For) sign in, then check and refresh once a second each, and hold one event stream
//    each, while one account floods sign-ins and event streams from one address;
// 2. Redis killed (`kill -9`) and restarted while the users go on and an admin revokes 40 users,
//    two at a time, with the kill after the 10th acknowledged revocation.
// Prints the figures and writes them to docs/benchmarks.md (its own section, see load-section.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { withLoadSection } from './load-section.mjs';

const ORDINARY = 200;
/** Redis's `appendfsync`: `always` (docs/server.md), or `everysec` to compare (FSYNC=everysec). */
const FSYNC = process.env.FSYNC || 'always';
const VICTIMS = 40;
const FILE_LIMIT = 1_024;
const FLOOD_SECONDS = Number(process.env.FLOOD_SECONDS || 20);
const OUTAGE_SECONDS = 12;
/** Redis stays down this long after the kill before it is started again. */
const DOWN_MS = 2_000;
/** The attacker: sign-ins and stream opens per second (the review saw ~70 and ~200), over this many connections each. */
const ATTACK = { signIns: Number(process.env.ATTACK_SIGNINS || 300), streams: Number(process.env.ATTACK_STREAMS || 300), signInConnections: 50, streamConnections: 100, address: '203.0.113.66' };

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}
/** Resolves once `child` printed `pattern` on stdout, with the match. */
const printed = (child, pattern) =>
  new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(pattern);
      if (match) resolve(match);
    });
    child.on('exit', (code) => reject(new Error(`${child.spawnfile} exited (${code}): ${out.slice(-300)}`)));
    child.on('error', (error) => reject(new Error(`${child.spawnfile} did not start (${error.code}); the benchmark needs redis-server (apt-get install -y redis-server)`)));
  });

/** redis-server with the persistence docs/server.md asks for; `kill()` is `kill -9`, `restart()` loads its AOF. */
async function startRedis(dir) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', FSYNC, '--dir', dir];
  let child;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await printed(child, /Ready to accept connections/);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL'))),
    restart: launch,
    stop: () => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
}

/** The accounts: 200 ordinary ones, 40 to be revoked, the attacker's own, and an admin. */
const accounts = () => {
  const viewer = (name) => ({ name, roles: ['viewer'], password: 'demo' });
  const users = { admin: { name: 'Ada Admin', roles: ['admin'], password: 'demo' }, mallory: viewer('Mallory') };
  for (let i = 0; i < ORDINARY; i++) users[`user${i}`] = viewer(`User ${i}`);
  for (let i = 0; i < VICTIMS; i++) users[`victim${i}`] = viewer(`Victim ${i}`);
  return users;
};

/** The demo server's own `start()` under `ulimit -n`, with Redis; resolves with its URL, pid and connection ceiling. */
async function startServer(dir, redisUrl) {
  const file = join(dir, 'demo-server.mjs');
  await build({ entryPoints: ['examples/server/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: file, logLevel: 'warning' });
  const program = join(dir, 'load-server.mjs');
  writeFileSync(program, `import { start } from ${JSON.stringify(pathToFileURL(file).href)};
const running = start({ port: 0, quiet: true, trustProxy: 1, users: JSON.parse(process.env.LOAD_USERS) });
running.ready.then((url) => console.log(\`listening \${url} \${process.pid} \${running.connections.busy} \${running.connections.drop}\`));
// The event loop's delay, each second: how long a ready answer waited for the process to run.
import { monitorEventLoopDelay } from 'node:perf_hooks';
const delays = monitorEventLoopDelay({ resolution: 10 });
delays.enable();
setInterval(() => {
  console.log(\`delay \${(delays.percentile(99) / 1e6).toFixed(0)} \${(delays.max / 1e6).toFixed(0)}\`);
  delays.reset();
}, 1_000).unref();
// The ordinary users' requests as the server sees them (from the request to the end of the answer),
// printed and forgotten on SIGUSR2: what the server takes, apart from the load generator's own delays.
const served = [];
running.server.on('request', (req, res) => {
  if (!String(req.headers['x-forwarded-for']).startsWith('10.1.') || req.url === '/api/events') return;
  const start = performance.now();
  res.on('finish', () => served.push(performance.now() - start));
});
process.on('SIGUSR2', () => {
  const sorted = served.splice(0).sort((a, b) => a - b);
  const at = (p) => (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0).toFixed(0);
  console.log(\`served \${sorted.length} \${at(50)} \${at(99)} \${(sorted.at(-1) ?? 0).toFixed(0)}\`);
});
`);
  // node_modules is found from the bundle's directory: run it from here.
  const child = spawn('/bin/sh', ['-c', `ulimit -n ${FILE_LIMIT} && exec "$0" "$1"`, process.execPath, program], {
    env: { ...process.env, NODE_ENV: 'production', REDIS_URL: redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), LOAD_USERS: JSON.stringify(accounts()), STATIC_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => void (errors += chunk));
  const [, url, pid, busy, drop] = await printed(child, /listening (\S+) (\d+) (\d+) (\d+)/);
  const delays = []; // [p99, max] of the event loop's delay, each second
  const served = []; // [count, p50, p99, max] of the ordinary users' requests, at each SIGUSR2
  child.stdout.on('data', (chunk) => {
    for (const [, ...figures] of String(chunk).matchAll(/served (\d+) (\d+) (\d+) (\d+)/g)) served.push(figures.map(Number));
    for (const [, p99, max] of String(chunk).matchAll(/delay (\d+) (\d+)/g)) delays.push([Number(p99), Number(max)]);
  });
  const servedNow = async () => {
    const before = served.length;
    child.kill('SIGUSR2');
    await until(() => served.length > before, 'the server\'s figures');
    return served.at(-1);
  };
  return { delays, servedNow, url: url.replace('localhost', '127.0.0.1'), pid: Number(pid), busy: Number(busy), drop: Number(drop), child, errors: () => errors };
}

/** Open files and RSS of a process, sampled every 100 ms (from /proc, not through the server). */
function sampler(pid) {
  const read = () => {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`).length;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      // utime + stime (fields 14 and 15, in clock ticks of 10 ms), after the command name's parentheses.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return { fds, rss, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, at: performance.now() };
    } catch {
      return undefined; // gone
    }
  };
  const first = read();
  const max = { ...first };
  const timer = setInterval(() => {
    const now = read();
    if (!now) return;
    max.fds = Math.max(max.fds, now.fds);
    max.rss = Math.max(max.rss, now.rss);
  }, 100);
  return { first, max, now: read, stop: () => clearInterval(timer) };
}

const headerOf = (headers, name) => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
};
const cookieOf = (headers) => {
  const value = headerOf(headers, 'set-cookie');
  const all = Array.isArray(value) ? value : value ? [value] : [];
  return all.find((c) => /^__Host-sw_refresh=[^;]+/.test(c))?.split(';')[0];
};

/** One user: its address, and the token and refresh cookie it holds now. */
const user = (username, address) => ({ username, address, token: '', cookie: '', stream: undefined });

/** A request from a user's page, as `fetch` from the bench (for the few one-off calls, not the load). */
const call = (url, path, u, { method = 'GET', json, token = u?.token, cookie = u?.cookie } = {}) =>
  fetch(url + path, {
    method,
    headers: {
      origin: url,
      ...(u ? { 'x-forwarded-for': u.address } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(cookie ? { cookie } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    body: json ? JSON.stringify(json) : undefined,
  });
async function signIn(url, u) {
  const res = await call(url, '/api/login', u, { method: 'POST', json: { username: u.username, password: 'demo' }, token: '', cookie: '' });
  if (res.status !== 200) throw new Error(`${u.username} could not sign in: ${res.status}`);
  u.token = (await res.json()).token;
  u.cookie = res.headers.getSetCookie()[0].split(';')[0];
}

/** Every stream held, to close at the end. */
const held = [];

/** Holds a user's event stream (its own socket); notes when its first event came, what it heard, and whether it closed. */
function holdStream(url, u) {
  const { hostname, port } = new URL(url);
  const opened = performance.now();
  const stream = { firstEventMs: undefined, events: [], status: 0, closed: false };
  held.push(stream);
  const req = request({ host: hostname, port, path: '/api/events', agent: false, headers: { cookie: u.cookie, 'x-forwarded-for': u.address } }, (res) => {
    stream.status = res.statusCode;
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      stream.firstEventMs ??= performance.now() - opened;
      for (const frame of chunk.split('\n\n')) if (frame.startsWith('data: ')) stream.events.push(JSON.parse(frame.slice(6)).type);
    });
    res.on('close', () => (stream.closed = true));
  });
  req.on('error', () => (stream.closed = true));
  req.end();
  stream.destroy = () => req.destroy();
  return (u.stream = stream);
}

/** Users arrive in this many groups, 250 ms apart (40 sign-ins a second over the first 5 s), not all in the same millisecond. */
const GROUPS = 20;

/**
 * The ordinary users' load, with autocannon: one connection per user, one request a second each. The
 * first request signs the user in (`firstSignIn`) or checks; then check and refresh alternate, with
 * the token and the rotating cookie each answer brings. The users come in `GROUPS` autocannon
 * instances started 250 ms apart; every answer's time is kept, so the percentiles cover them all.
 */
async function ordinaryLoad(url, users, seconds, options) {
  const size = Math.ceil(users.length / GROUPS);
  const times = [];
  const runs = [];
  for (let g = 0; g < GROUPS; g++) {
    const instance = ordinaryGroup(url, users.slice(g * size, (g + 1) * size), seconds, options);
    instance.on('response', (client, status, bytes, ms) => times.push(ms));
    runs.push(instance);
    await delay(250);
  }
  const results = await Promise.all(runs);
  const counts = {};
  for (const result of results) for (const [code, n] of Object.entries(statuses(result))) counts[code] = (counts[code] ?? 0) + n;
  const sum = (key) => results.reduce((total, result) => total + result[key], 0);
  return { counts, errors: sum('errors'), timeouts: sum('timeouts'), latency: { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) } };
}

function ordinaryGroup(url, users, seconds, { firstSignIn, onSignedIn }) {
  let next = 0;
  const base = (u) => ({ origin: url, 'x-forwarded-for': u.address });
  const first = {
    setupRequest(req, context) {
      context.user ??= users[next++ % users.length];
      const u = context.user;
      if (!firstSignIn) return { ...req, method: 'GET', path: '/api/session', headers: { ...base(u), authorization: `Bearer ${u.token}` } };
      return { ...req, method: 'POST', path: '/api/login', headers: { ...base(u), 'content-type': 'application/json' }, body: JSON.stringify({ username: u.username, password: 'demo' }) };
    },
    onResponse(status, body, context, headers) {
      if (!firstSignIn || status !== 200) return;
      const u = context.user;
      u.token = JSON.parse(body).token;
      u.cookie = cookieOf(headers) ?? u.cookie;
      onSignedIn?.(u);
    },
  };
  const check = { setupRequest: (req, { user: u }) => ({ ...req, method: 'GET', path: '/api/session', headers: { ...base(u), authorization: `Bearer ${u.token}` } }) };
  const refresh = {
    setupRequest: (req, { user: u }) => ({ ...req, method: 'POST', path: '/api/refresh', headers: { ...base(u), cookie: u.cookie }, body: undefined }),
    onResponse(status, body, { user: u }, headers) {
      if (status !== 200) return;
      u.token = JSON.parse(body).token;
      u.cookie = cookieOf(headers) ?? u.cookie;
    },
  };
  // One pass of the list lasts the whole run (a context lives for one pass).
  const requests = [first, ...Array.from({ length: seconds * 2 + 10 }, (_, i) => (i % 2 ? refresh : check))];
  return autocannon({ url, connections: users.length, connectionRate: 1, duration: seconds, requests, timeout: 10 });
}

/** The attacker's flood: sign-ins and event streams of one account, from one address, at fixed rates (run in its own process). */
function attack(url, seconds) {
  const cookies = [];
  const headers = { origin: url, 'x-forwarded-for': ATTACK.address };
  const signIns = autocannon({
    url,
    connections: ATTACK.signInConnections,
    overallRate: ATTACK.signIns,
    duration: seconds,
    requests: [{
      method: 'POST',
      path: '/api/login',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'mallory', password: 'demo' }),
      onResponse: (status, body, context, responseHeaders) => {
        const cookie = status === 200 ? cookieOf(responseHeaders) : undefined;
        if (cookie) cookies.push(cookie);
      },
    }],
  });
  const streams = autocannon({
    url,
    connections: ATTACK.streamConnections,
    overallRate: ATTACK.streams,
    duration: seconds,
    timeout: seconds + 30, // a stream the server keeps open is not a timeout
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: '/api/events', headers: { ...headers, ...(cookies.length ? { cookie: cookies.at(-1) } : {}) } }) }],
  });
  return Promise.all([signIns, streams]);
}

/**
 * The ordinary users' load in a process of its own, so that nothing else of the benchmark (the
 * attacker, the 200 streams held here) delays its clock: a generator busy with something else reads
 * answers late, and counts that as latency. `users` are handed over in a file and come back with
 * their latest token and cookie; `onSignedIn(i, cookie)` as each signs in.
 */
async function ordinaryFrom(url, users, seconds, { firstSignIn, onSignedIn }) {
  const file = join(tmpdir(), `sessionwarden-load-users-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(users.map(({ stream, ...u }) => u)));
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--ordinary', url, String(seconds), firstSignIn ? '1' : '0', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let result;
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const [kind, ...data] = line.split(' ');
      if (kind === 'signed-in') {
        const u = users[Number(data[0])];
        u.cookie = data[1];
        onSignedIn?.(u);
      } else if (kind === 'result') result = JSON.parse(data.join(' '));
    }
  });
  await new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the ordinary users exited with ${code}`)))));
  for (const [i, { token, cookie }] of JSON.parse(readFileSync(file, 'utf8')).entries()) Object.assign(users[i], { token, cookie });
  rmSync(file, { force: true });
  return result;
}

/**
 * The attacker runs in a process of its own, as it would on a machine of its own: its load generator
 * then does not slow down the one that measures the ordinary users. Resolves with its two results.
 */
function attackFrom(url, seconds) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--attacker', url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => void (out += chunk));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the attacker exited with ${code}`)))));
}

const statuses = (result) => Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const share = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)} %` : 'n/a');
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
};

async function main() {
  const loadBefore = os.loadavg()[0];
  mkdirSync('bench/.tmp', { recursive: true });
  const dir = mkdtempSync(join('bench/.tmp', 'load-'));
  const redisDir = mkdtempSync(join(tmpdir(), 'sessionwarden-load-redis-'));
  const redis = await startRedis(redisDir);
  const server = await startServer(dir, redis.url);
  const sample = sampler(server.pid);
  try {
    const { url } = server;
    const ordinary = Array.from({ length: ORDINARY }, (_, i) => user(`user${i}`, `10.1.${i >> 8}.${i & 255}`));
    const victims = Array.from({ length: VICTIMS }, (_, i) => user(`victim${i}`, `10.2.0.${i}`));
    const admin = user('admin', '10.3.0.1');

    // 1. The flood.
    const streamed = [];
    const floodStart = sample.now();
    const delaysFrom = server.delays.length;
    const flood = attackFrom(url, FLOOD_SECONDS);
    const users = await ordinaryFrom(url, ordinary, FLOOD_SECONDS, { firstSignIn: true, onSignedIn: (u) => streamed.push(holdStream(url, u)) });
    const [signIns, streams] = await flood;
    const afterFlood = sample.now();
    const [servedCount, served50, served99, servedMax] = await server.servedNow();
    const floodDelays = server.delays.slice(delaysFrom);
    const floodCpu = (afterFlood.cpuMs - floodStart.cpuMs) / (afterFlood.at - floodStart.at);
    // CPU time per answer: what the server needs, whatever else runs on the machine.
    const answered = total(users.counts) + total(statuses(signIns)) + total(statuses(streams)) + streamed.length;
    const cpuPerAnswer = (afterFlood.cpuMs - floodStart.cpuMs) / answered;
    const userCounts = users.counts;
    const userErrors = total(userCounts) - (userCounts['200'] ?? 0) + users.errors + users.timeouts;
    const errorKinds = [...Object.entries(userCounts).filter(([code]) => code !== '200').map(([code, n]) => `${n} × ${code}`), ...(users.errors ? [`${users.errors} failed`] : []), ...(users.timeouts ? [`${users.timeouts} timed out`] : [])].join(', ');
    const openStreams = ordinary.filter((u) => u.stream && !u.stream.closed && u.stream.status === 200).length;

    // 2. Redis killed, with revocations in flight, and restarted.
    for (const u of [...victims, admin]) await signIn(url, u);
    for (const u of victims) holdStream(url, u);
    await until(() => victims.every((u) => u.stream.events.length > 0), "the victims' streams");
    const revoked = new Map();
    let killedAt = 0;
    let backAt = 0;
    const outage = ordinaryFrom(url, ordinary, OUTAGE_SECONDS, { firstSignIn: false });
    const revoke = (u) => call(url, '/api/admin/revoke', admin, { method: 'POST', json: { username: u.username } }).then((res) => res.status, () => 'network');
    const lanes = [0, 1].map(async (lane) => {
      for (let i = lane; i < VICTIMS; i += 2) {
        const started = performance.now();
        revoked.set(victims[i], { status: await revoke(victims[i]), ms: performance.now() - started, atKill: false });
      }
    });
    await until(() => [...revoked.values()].filter((r) => r.status === 200).length >= 10, 'ten acknowledged revocations');
    await redis.kill();
    killedAt = performance.now();
    await Promise.all(lanes);
    await delay(DOWN_MS); // a benchmark may wait: Redis stays down a while, as it would in a real restart
    await redis.restart();
    let probe;
    await until(async () => (probe = await call(url, '/api/session', admin).then((r) => r.status, (e) => e.name)) === 200, 'the server to answer again', 30_000).catch((error) => {
      throw new Error(`${error.message} (last answer: ${probe}; the server said: ${server.errors().slice(-500)})`);
    });
    backAt = performance.now();
    // What was refused while Redis was down is retried, as a client would (each until acknowledged).
    for (const [u, r] of revoked) {
      if (r.status === 200) continue;
      await until(async () => (await revoke(u)) === 200, `the revocation of ${u.username} to be acknowledged`);
    }
    const outageResult = await outage;
    const outageCounts = outageResult.counts;

    // Nothing lost: every revocation holds (check, refresh, stream), every ordinary session lives on.
    const holds = [];
    for (const u of victims) {
      const check = (await call(url, '/api/session', u)).status;
      const refresh = (await call(url, '/api/refresh', u, { method: 'POST' })).status;
      await until(() => u.stream.closed, `the stream of ${u.username} to close`, 5_000).catch(() => {});
      holds.push(check === 401 && refresh === 401 && u.stream.events.includes('revoked') && u.stream.closed);
    }
    const alive = [];
    for (const u of ordinary) alive.push((await call(url, '/api/session', u)).status === 200);
    const serverAlive = server.child.exitCode === null && server.child.signalCode === null;
    const end = sample.now();
    sample.stop();

    const lat = users.latency;
    const firstEvents = streamed.map((s) => s.firstEventMs).filter((ms) => ms !== undefined);
    const signInCounts = statuses(signIns);
    const streamCounts = statuses(streams);
    const refused = (counts) => (counts['429'] ?? 0) + (counts['503'] ?? 0);
    const acknowledged = [...revoked.values()].filter((r) => r.status === 200).length;
    const duringOutage = [...revoked.values()].filter((r) => r.status !== 200);
    const targets = [
      ['ordinary users see 0 errors', userErrors === 0],
      ['ordinary users p99 < 250 ms, measured by their load generator', lat.p99 < 250],
      ['and as the server timed them', served99 < 250],
      [`open files stay under the connection ceiling (${server.busy})`, sample.max.fds < server.busy],
      ['a Redis kill and restart loses no revocation', holds.every(Boolean)],
      ['no ordinary session is lost', alive.every(Boolean)],
      ['no process exits', serverAlive],
    ];
    const lines = [
      '## The demo server under a flood and a Redis failure (`bench/load.mjs`, `npm run bench:load`)',
      '',
      `Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores (load average ${loadBefore.toFixed(1)} when the run began), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. One server process (\`examples/server/main.ts\`, \`NODE_ENV=production\`) under \`ulimit -n ${FILE_LIMIT}\`: a \`503\` past ${server.busy} open connections, new connections dropped past ${server.drop} (derived from the limit). Redis 7 on loopback with \`appendonly yes\`, \`appendfsync ${FSYNC}\`. Load: autocannon ${JSON.parse(readFileSync('node_modules/autocannon/package.json', 'utf8')).version} on the same machine, the attacker in a process of its own.`,
      '',
      `**1. The flood (${FLOOD_SECONDS} s).** ${ORDINARY} ordinary users, each from its own address (behind one trusted proxy: \`X-Forwarded-For\`), sign in (in ${GROUPS} groups, 250 ms apart), then check (\`GET /api/session\`) and refresh (\`POST /api/refresh\`) in turn, one request a second each, and each holds one event stream opened after its sign-in. Meanwhile one account (one address) posts ${ATTACK.signIns} sign-ins a second over ${ATTACK.signInConnections} connections and opens ${ATTACK.streams} event streams a second over ${ATTACK.streamConnections}, with the cookies its sign-ins get.`,
      '',
      '| ordinary users | requests | p50 (ms) | p99 (ms) | max (ms) | errors (non-2xx, failed, timed out) |',
      '|---|---|---|---|---|---|',
      `| sign in, check, refresh | ${total(userCounts)} | ${lat.p50.toFixed(0)} | ${lat.p99.toFixed(0)} | ${lat.max.toFixed(0)} | ${userErrors} (${share(userErrors, total(userCounts))})${errorKinds ? `: ${errorKinds}` : ''} |`,
      `| the same, as the server timed them (request to answer) | ${servedCount} | ${served50} | ${served99} | ${servedMax} | |`,
      `| event streams (time to the first event) | ${streamed.length} opened, ${openStreams} still open at the end | ${percentile(firstEvents, 50)?.toFixed(0)} | ${percentile(firstEvents, 99)?.toFixed(0)} | ${Math.max(...firstEvents).toFixed(0)} | ${streamed.length - openStreams} |`,
      '',
      '| the attacker | answers | 200 | 401 | 429 (rate or bound) | 503 | refused (429 + 503) |',
      '|---|---|---|---|---|---|---|',
      `| sign-ins | ${total(signInCounts)} | ${signInCounts['200'] ?? 0} | ${signInCounts['401'] ?? 0} | ${signInCounts['429'] ?? 0} | ${signInCounts['503'] ?? 0} | ${share(refused(signInCounts), total(signInCounts))} |`,
      `| event streams (a 200 counts once the server closed it: a newer one pushed it out, or its session ended) | ${total(streamCounts)} | ${streamCounts['200'] ?? 0} | ${streamCounts['401'] ?? 0} | ${streamCounts['429'] ?? 0} | ${streamCounts['503'] ?? 0} | ${share(refused(streamCounts), total(streamCounts))} |`,
      '',
      `| server process | at start | after the flood | most during the run | at the end |`,
      '|---|---|---|---|---|',
      `| open files (/proc/<pid>/fd) | ${sample.first.fds} | ${afterFlood?.fds} | ${sample.max.fds} | ${end?.fds} |`,
      `| CPU during the flood: share of one core, and per answer | | ${(100 * floodCpu).toFixed(0)} %, ${cpuPerAnswer.toFixed(2)} ms | | |`,
      `| event loop delay, the worst second's p99 / max (ms) | | ${Math.max(...floodDelays.map((d) => d[0]))} / ${Math.max(...floodDelays.map((d) => d[1]))} | | |`,
      `| RSS (MB) | ${mb(sample.first.rss)} | ${mb(afterFlood?.rss ?? 0)} | ${mb(sample.max.rss)} | ${mb(end?.rss ?? 0)} |`,
      '',
      `**2. Redis killed and restarted (${OUTAGE_SECONDS} s of the same ordinary load, the streams held).** An admin revokes ${VICTIMS} other users (\`POST /api/admin/revoke\`), two at a time, each holding an event stream; Redis gets \`kill -9\` after the 10th acknowledged revocation, stays down ${DOWN_MS / 1000} s, and restarts on its AOF. Revocations refused meanwhile are retried until acknowledged, as a client would.`,
      '',
      `- Revocations: ${acknowledged} acknowledged before the kill, ${duringOutage.length} answered \`503\` (slowest ${Math.max(0, ...duringOutage.map((r) => r.ms)).toFixed(0)} ms), then retried; after the restart ${holds.filter(Boolean).length} of ${VICTIMS} hold (check \`401\`, refresh \`401\`, the stream heard \`revoked\` and closed).`,
      `- From the kill to the first answer after the restart: ${((backAt - killedAt) / 1000).toFixed(1)} s (Redis down ${DOWN_MS / 1000} s, then the server's own reconnect); ${alive.filter(Boolean).length} of ${ORDINARY} ordinary sessions alive afterwards.`,
      `- Ordinary requests over the ${OUTAGE_SECONDS} s: ${total(outageCounts)} answered (${outageCounts['200'] ?? 0} \`200\`, ${outageCounts['503'] ?? 0} \`503\` with \`Retry-After\`, ${total(outageCounts) - (outageCounts['200'] ?? 0) - (outageCounts['503'] ?? 0)} other), ${outageResult.errors} failed, ${outageResult.timeouts} timed out; p99 ${outageResult.latency.p99.toFixed(0)} ms, max ${outageResult.latency.max.toFixed(0)} ms.`,
      `- The server process ${serverAlive ? 'never exited' : 'EXITED'}${/Unhandled|uncaught/i.test(server.errors()) ? ' (and reported an unhandled error)' : ''}.`,
      '',
      `The server answered ${answered} requests in the flood on ${((afterFlood.cpuMs - floodStart.cpuMs) / 1000).toFixed(1)} s of CPU: ${cpuPerAnswer.toFixed(2)} ms each, so the flood's ${ORDINARY + ATTACK.signIns + ATTACK.streams} requests a second need about ${Math.round((ORDINARY + ATTACK.signIns + ATTACK.streams) * cpuPerAnswer / 10)} % of one core. Latencies are wall-clock times on a machine shared with other work (the load average above): a load average above the 2 cores means every process waited for a CPU, and the latencies show that wait too.`,
      '',
      'Targets (2 cores, one process): ' + targets.map(([what, met]) => `${what}: ${met ? 'met' : '**not met**'}`).join('; ') + '.',
    ];
    console.log(lines.join('\n'));
    const file = 'docs/benchmarks.md';
    writeFileSync(file, withLoadSection(existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n', lines));
  } finally {
    sample.stop();
    for (const stream of held) stream.destroy();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(redisDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--ordinary') {
  const [url, seconds, firstSignIn, file] = process.argv.slice(3);
  const users = JSON.parse(readFileSync(file, 'utf8'));
  const signedIn = (u) => process.stdout.write(`signed-in ${users.indexOf(u)} ${u.cookie}\n`);
  const result = await ordinaryLoad(url, users, Number(seconds), { firstSignIn: firstSignIn === '1', onSignedIn: signedIn });
  writeFileSync(file, JSON.stringify(users));
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
} else if (process.argv[2] === '--attacker') {
  const [signIns, streams] = await attack(process.argv[3], Number(process.argv[4]));
  process.stdout.write(JSON.stringify([{ statusCodeStats: signIns.statusCodeStats }, { statusCodeStats: streams.statusCodeStats }]));
} else {
  await main();
}
