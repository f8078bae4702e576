// Processes a test starts and must stop: a Redis (unless `REDIS_URL` names one) and demo servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** A free TCP port on the loopback interface. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Resolves once `child` printed `text` on stdout; rejects if it exits (or cannot start) first. */
const printed = (child: ChildProcess, text: string | RegExp) =>
  new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = out.match(text);
      if (match) resolve(match[0]);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${child.spawnfile} exited (${code}) before it was ready: ${out.slice(-500)}`)));
  });

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** `REDIS_URL`'s Redis, or a fresh redis-server on a free loopback port, without persistence. */
export async function useRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await printed(child, 'Ready to accept connections');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start (install it: apt-get install -y redis-server, or set REDIS_URL): ${(error as Error).message}`);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await stopped(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bundles the demo server (its dependencies stay in node_modules) into .tmp, once per call. */
export async function buildServer(): Promise<string> {
  const file = `.tmp/demo-server-${process.pid}-${Date.now()}.mjs`;
  await build({ entryPoints: ['examples/server/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: file, logLevel: 'warning' });
  return file;
}

/** A demo server process (its own `start()`, port 0), with this environment; resolves with its base URL. */
export async function startServer(file: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const program = `import(${JSON.stringify(pathToFileURL(file).href)}).then(({ start }) => start({ port: 0, quiet: true }).ready.then((url) => console.log('listening ' + url)))`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], { env: { ...process.env, STATIC_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await printed(child, /listening http:\/\/localhost:\d+/);
    return { url: line.replace('listening http://localhost', 'http://127.0.0.1'), stop: () => stopped(child) };
  } catch (error) {
    await stopped(child);
    throw error;
  }
}
