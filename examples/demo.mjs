// `npm run demo`: builds the example app (from the library's source) and serves app and API on one
// localhost port (PORT, default 5173), on the server's embedded in-memory store. Ctrl-C stops it.
import { build as viteBuild } from 'vite';
import { build } from 'esbuild';
import { pathToFileURL } from 'node:url';

await viteBuild({ configFile: 'examples/app/vite.config.ts', logLevel: 'warn' });
await build({ entryPoints: ['examples/server/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: '.tmp/demo-server.mjs', logLevel: 'warning' });
const { start } = await import(pathToFileURL('.tmp/demo-server.mjs').href);
start({ staticDir: 'examples/app/dist' });
