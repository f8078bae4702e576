// `npm run demo`: builds the example app (from the library's source) and serves app and API on one
// localhost port (PORT, default 5173), on the server's embedded in-memory store. Ctrl-C stops it.
// Safari keeps no Secure cookie on http://localhost: DEV_COOKIE=1 npm run demo (examples/server/README.md).
import { build as viteBuild } from 'vite';
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

const nodeEnv = process.env.NODE_ENV;
await viteBuild({ configFile: 'examples/app/vite.config.ts', logLevel: 'warn' });
// vite build sets NODE_ENV=production; this server on http://localhost is not production (which would ask for JWT_SECRET).
if (nodeEnv === undefined) delete process.env.NODE_ENV;
else process.env.NODE_ENV = nodeEnv;
await build({ entryPoints: ['examples/server/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: '.tmp/demo-server.mjs', logLevel: 'warning' });
const { start } = await import(pathToFileURL('.tmp/demo-server.mjs').href);
start({ staticDir: 'examples/app/dist' });
