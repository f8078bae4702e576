// Processes a test starts and must stop: a Redis (unless `REDIS_URL` names one, or the test must be
// able to stop, kill and restart it: `startRedis`) and demo servers.
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

/** Waits until `condition()` is true (polling every 10 ms), at most `timeout` ms; then throws, naming `what`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A redis-server of the test's own, with the persistence the demo asks for (AOF, fsync at every write). */
export interface OwnRedis {
  url: string;
  /** SIGSTOP: the process stalls, its connections stay open and nothing answers. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGKILL (`kill -9`), waited for: no shutdown save, only what the AOF holds survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (it loads its AOF), once it accepts connections. */
  restart(): Promise<void>;
  /** Stops it and deletes its directory. */
  stop(): Promise<void>;
}

/**
 * A fresh redis-server on a free loopback port that this test controls (never `REDIS_URL`'s, which
 * it must not stop). `persistence`: `'aof'` (default: `appendonly yes`, `appendfsync always`, as
 * docs/server.md asks) or `'snapshot'` (Redis's default kind, RDB only: what a revocation is lost to).
 */
export async function startRedis({ persistence = 'aof' }: { persistence?: 'aof' | 'snapshot' } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-redis-'));
  const durable = persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durable, '--dir', dir];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await printed(child, 'Ready to accept connections');
    } catch (error) {
      throw new Error(`redis-server did not start (install it: apt-get install -y redis-server): ${(error as Error).message}`);
    }
  };
  await launch();
  const signal = (name: NodeJS.Signals) => void child.kill(name);
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    restart: launch,
    stop: async () => {
      child.kill('SIGCONT');
      await stopped(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `REDIS_URL`'s Redis, or a fresh redis-server on a free loopback port, configured as docs/server.md asks (AOF, fsync at every write). */
export async function useRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sessionwarden-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** A running demo server process. */
export interface ServerProcess {
  url: string;
  /** Its exit code or signal once it exited (it never should while a test runs), else `null`. */
  exited(): number | NodeJS.Signals | null;
  /** What it wrote to stderr so far. */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * A demo server process (its own `start()`, port 0, with `options`), with this environment; resolves
 * once it listens (and, with Redis, is connected). `fileLimit` runs it under `ulimit -n`.
 */
export async function startServer(file: string, env: Record<string, string>, { options = {}, fileLimit }: { options?: Record<string, unknown>; fileLimit?: number } = {}): Promise<ServerProcess> {
  const program = `import(${JSON.stringify(pathToFileURL(file).href)}).then(({ start }) => start({ port: 0, quiet: true, ...${JSON.stringify(options)} }).ready.then((url) => console.log('listening ' + url)))`;
  const command = fileLimit === undefined ? [process.execPath, '--input-type=module', '-e', program] : ['/bin/sh', '-c', `ulimit -n ${fileLimit} && exec "$0" --input-type=module -e "$1"`, process.execPath, program];
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, STATIC_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => void (errors += chunk));
  try {
    const line = await printed(child, /listening http:\/\/localhost:\d+/);
    return {
      url: line.replace('listening http://localhost', 'http://127.0.0.1'),
      exited: () => child.exitCode ?? child.signalCode,
      errors: () => errors,
      stop: () => stopped(child),
    };
  } catch (error) {
    await stopped(child);
    throw new Error(`${(error as Error).message}\n${errors.slice(-1_000)}`);
  }
}

/** Runs the bundled server file as a program (`node file`), as a user starts it; resolves with how it exited and what it printed. */
export function runServerFile(file: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, STATIC_DIR: '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => void (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk));
    child.on('error', reject);
    // A server that started instead of refusing: stop it, and say what it printed.
    child.stdout!.on('data', () => /demo: http/.test(output) && child.kill('SIGTERM'));
    child.on('exit', (code) => resolve({ code, output }));
  });
}
