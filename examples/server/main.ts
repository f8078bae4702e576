import { serve } from '@hono/node-server';
import { createApp } from './app';
import { USERS } from './users';

/** Starts the demo API (and the built app, if given) on 127.0.0.1; stops cleanly on Ctrl-C. */
export function start({ port = Number(process.env.PORT ?? 5173), staticDir = process.env.STATIC_DIR } = {}) {
  const { app, store } = createApp({ staticDir });
  const sweep = setInterval(() => store.sweep(), 60_000).unref();
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
    console.log(`\n  sessionwarden demo: http://localhost:${info.port}\n`);
    console.log(`  demo users (password "demo"): ${Object.entries(USERS).map(([u, { roles }]) => `${u} (${roles.join(', ')})`).join(', ')}`);
    console.log('  idle 60 s, warning 20 s before, ends when the browser closes. Ctrl-C stops.\n');
  });
  const stop = () => {
    clearInterval(sweep);
    server.close(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
