import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp, type ServerOptions } from './app';
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
}

/** A running demo server. */
export interface RunningServer {
  server: ServerType;
  /** Resolves once the server listens, with its URL. */
  ready: Promise<string>;
  /** Stops the sweep and the server; resolves when every connection is closed. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the demo API (and the built app, when there is one) on 127.0.0.1 only: it is a demo, with
 * public passwords. Environment: `PORT`, `STATIC_DIR`, `JWT_SECRET` (else a random key per start;
 * processes that share a Redis must share it too), `REDIS_URL` (sessions in Redis, shared by every
 * process that has it, and ended sessions fanned out to all their event streams; else in memory),
 * `REDIS_PREFIX` (of its keys, default `sw:`).
 */
export function start(options: StartOptions = {}): RunningServer {
  const { port = Number(process.env.PORT || 5173), quiet = false, handleSignals = true, ...appOptions } = options;
  const redisUrl = process.env.REDIS_URL || undefined;
  const { app, store, limits, events } = createApp<SessionStore>({
    secret: process.env.JWT_SECRET || undefined,
    staticDir: process.env.STATIC_DIR || undefined,
    ...(redisUrl ? { store: redisStore({ url: redisUrl, prefix: process.env.REDIS_PREFIX || undefined }) } : {}),
    ...appOptions,
  });
  // One sweep for all sessions and login counters (expiry is otherwise lazy); unref'd so it never keeps the process alive.
  const sweep = setInterval(() => {
    void Promise.resolve(store.sweep()).catch(() => {}); // a Redis store reports its own errors
    limits.users.sweep();
    limits.addresses.sweep();
  }, 30_000).unref();
  let resolveReady!: (url: string) => void;
  const listening = new Promise<string>((resolveUrl) => (resolveReady = resolveUrl));
  // With Redis: ready once it is connected and the ended-session channel is heard.
  const ready = Promise.all([listening, (store as Partial<RedisStore>).ready]).then(([url]) => url);
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
    const url = `http://localhost:${info.port}`;
    resolveReady(url);
    if (quiet) return;
    console.log(`\n  sessionwarden demo: ${url}\n`);
    console.log(`  demo users, password "${DEMO_PASSWORD}":`);
    for (const [username, { roles }] of Object.entries(USERS)) console.log(`    ${username.padEnd(8)} ${roles.join(', ')}`);
    console.log('\n  Ctrl-C stops.\n');
  });

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
  return { server, ready, stop };
}

/** Whether this module is the program (`node main.mjs` after a build, `tsx main.ts`), not an import. */
const isEntry = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isEntry) start();
