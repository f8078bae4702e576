import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from './auth';

/**
 * Serves the built SPA from `staticDir` (default: `examples/app/dist`, if it was built; `false` for
 * none). The SPA's own routes (/dashboard, …) get index.html; a missing file (/assets/x.js) stays a 404.
 */
export function serveBuiltApp(app: Hono<AppEnv>, staticDir: string | false | undefined): void {
  const root = staticRoot(staticDir);
  if (!root) return;
  app.use('*', serveStatic({ root }));
  app.get('*', async (c) => {
    if (/\.[a-z0-9]+$/i.test(c.req.path)) return c.notFound();
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(join(root, 'index.html'), 'utf8'));
  });
}

/** The directory to serve: the given one, or the built demo app next to this file or under the working directory. */
function staticRoot(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  const candidates = option !== undefined ? [resolve(option)] : [fileURLToPath(new URL('../app/dist', import.meta.url)), resolve('examples/app/dist')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found && option !== undefined) console.warn(`createApp: no index.html in ${candidates[0]}; serving the API only`);
  return found;
}
