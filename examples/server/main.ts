import { realpathSync } from 'node:fs';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type ServerOptions } from './app';
import { connectionLimits, limitConnections, openFileLimit, overloaded } from './capacity';
import { redisStore, type RedisStore } from './redis-store';
import type { SessionStore } from './store';
import { DEMO_PASSWORD, USERS } from './users';

/** Options of {@link start}: those of `createApp`, plus where to listen. */
export interface StartOptions extends ServerOptions {
  /** TCP port; `0` picks a free one. Default `PORT` from the environment, else 5173. */
  port?: number;
  /** Do not print the URL and the demo users. Default `false`. */
  quiet?: boolean;
  /** Stop on SIGINT/SIGTERM and exit. Default `true`; tests turn it off. */
  handleSignals?: boolean;
  /**
   * Open connections past which every request gets `503` with `Retry-After`. Default: derived from
   * the process's open-file limit (`ulimit -n`), well under it (see `capacity.ts`).
   */
  maxConnections?: number;
}

/** A running demo server. */
export interface RunningServer {
  server: ServerType;
  /** Resolves once the server listens, with its URL. */
  ready: Promise<string>;
  /** Stops the sweep and the server; resolves when every connection is closed. Idempotent. */
  stop(): Promise<void>;
  /** The connection ceiling (`busy`: 503 past it; `drop`: closed at once past it) and the open connections now. */
  connections: { busy: number; drop: number; open(): number };
}

/**
 * Refuses to start a server that would half work: with `NODE_ENV=production` or `REDIS_URL` and no
 * key, each process would sign with its own random key, and behind a load balancer a token from one
 * would be a 401 on the other, which the client reads as a revocation.
 */
export function requireSecret(secret: unknown, env: NodeJS.ProcessEnv = process.env): void {
  if (secret || !(env.NODE_ENV === 'production' || env.REDIS_URL)) return;
  const why = env.REDIS_URL ? 'REDIS_URL is set: every process on that Redis must sign with the same key' : 'NODE_ENV=production: a random key per start would differ between processes and sign everyone out at each restart';
  throw new Error(`sessionwarden: JWT_SECRET is required (${why}). Set it to at least 32 random bytes, e.g. JWT_SECRET=$(openssl rand -hex 32)`);
}

/**
 * Starts the demo API (and the built app, when there is one) on 127.0.0.1 only: it is a demo, with
 * public passwords. Environment: `PORT`, `STATIC_DIR`, `JWT_SECRET` (at least 32 bytes; required with
 * `NODE_ENV=production` or `REDIS_URL`, else a random key per start), `REDIS_URL` (sessions in Redis,
 * shared by every process that has it, and ended sessions fanned out to all their event streams; else
 * in memory), `REDIS_PREFIX` (of its keys, default `sw:`), `REDIS_TIMEOUT` (ms a store call may wait,
 * default 1,000), `DEV_COOKIE=1` (the `devCookie` fallback, for Safari on http://localhost).
 */
export function start(options: StartOptions = {}): RunningServer {
  const { port = Number(process.env.PORT || 5173), quiet = false, handleSignals = true, maxConnections, ...appOptions } = options;
  const redisUrl = process.env.REDIS_URL || undefined;
  const secret = appOptions.secret ?? (process.env.JWT_SECRET || undefined);
  requireSecret(secret);
  const limitsOfConnections = connectionLimits(openFileLimit(), maxConnections);
  const { app, store, limits, events } = createApp<SessionStore>({
    secret,
    staticDir: process.env.STATIC_DIR || undefined,
    devCookie: process.env.DEV_COOKIE === '1',
    ...(redisUrl ? { store: redisStore({ url: redisUrl, prefix: process.env.REDIS_PREFIX || undefined, timeout: Number(process.env.REDIS_TIMEOUT) || undefined }) } : {}),
    ...appOptions,
  });
  // One sweep for all sessions and login counters (expiry is otherwise lazy); unref'd so it never keeps the process alive.
  const sweep = setInterval(() => {
    void Promise.resolve(store.sweep()).catch(() => {}); // a Redis store reports its own errors
    limits.users.sweep();
    limits.addresses.sweep();
    limits.signIns.sweep();
  }, 30_000).unref();
  let resolveReady!: (url: string) => void;
  const listening = new Promise<string>((resolveUrl) => (resolveReady = resolveUrl));
  // With Redis: ready once it is connected and the ended-session channel is heard.
  const ready = Promise.all([listening, (store as Partial<RedisStore>).ready]).then(([url]) => url);
  // Past the connection ceiling, a fast 503 (before the app, which may ask the store) instead of EMFILE for everyone.
  const server = serve({ fetch: (request, env) => (connections.full() ? overloaded() : app.fetch(request, env)), port, hostname: '127.0.0.1' }, (info) => {
    const url = `http://localhost:${info.port}`;
    // Once listening, a failed accept (EMFILE despite the ceiling) is reported, never a crash.
    server.on('error', (error: Error & { code?: string }) => console.error(`server: ${error.name}${error.code ? ` ${error.code}` : ''}`));
    resolveReady(url);
    if (quiet) return;
    console.log(`\n  sessionwarden demo: ${url}\n`);
    console.log(`  demo users, password "${DEMO_PASSWORD}":`);
    for (const [username, { roles }] of Object.entries(USERS)) console.log(`    ${username.padEnd(8)} ${roles.join(', ')}`);
    console.log('\n  Ctrl-C stops.\n');
  });

  const connections = limitConnections(server as Server, limitsOfConnections);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((done) => {
      clearInterval(sweep);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      events.close(); // open streams would keep close() waiting forever
      server.close(() => void Promise.resolve((store as Partial<RedisStore>).close?.()).finally(done));
      // close() waits for open requests; idle keep-alive sockets of a browser are closed at once.
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    }));
  const onSignal = () => {
    // A second Ctrl-C, or a request that never finishes, must not leave the process hanging.
    setTimeout(() => process.exit(0), 2_000).unref();
    void stop().then(() => process.exit(0));
  };
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { server, ready, stop, connections: { busy: connections.busy, drop: connections.drop, open: connections.open } };
}

/** Whether this module is the program (`node main.mjs` after a build, `tsx main.ts`), not an import. */
const isEntry = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isEntry) {
  try {
    start().ready.catch((error: Error) => {
      console.error(`sessionwarden: the demo server could not start: ${error.name}`);
      process.exit(1);
    });
  } catch (error) {
    console.error((error as Error).message); // a clear reason (JWT_SECRET missing, devCookie in production), not a stack
    process.exit(1);
  }
}
