import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';

/** The process's soft limit of open files (`ulimit -n`, from /proc/self/limits); `undefined` where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((entry) => entry.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isInteger(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

/** Descriptors kept for everything but client connections: stdio, Redis, the built app's files, the runtime's own. */
const RESERVED = 64;

/**
 * How many client connections the process holds before it answers `503` (`busy`), and past which it
 * drops a new connection at once (`drop`). Both stay under the file limit (default: this process's,
 * else 1,024), so that the process never fails to open a file or a socket of its own: `busy` at 80 %
 * of what is left after {@link RESERVED}, and `drop` at all of it.
 */
export function connectionLimits(fileLimit = openFileLimit() ?? 1_024, busy?: number): { busy: number; drop: number } {
  const drop = Math.max(16, fileLimit - RESERVED);
  const ceiling = busy ?? Math.floor(drop * 0.8);
  if (!Number.isInteger(ceiling) || ceiling < 1 || ceiling > drop) throw new RangeError(`sessionwarden: the connection ceiling must be an integer from 1 to ${drop} (the open-file limit ${fileLimit} less ${RESERVED})`);
  return { busy: ceiling, drop };
}

/**
 * Counts the server's open connections and bounds them: past `drop`, Node closes a new connection
 * at once (`server.maxConnections`); past `busy`, `full()` is true and the app answers `503` with
 * `Retry-After` and `Connection: close`, so that a flood of connections degrades into fast refusals
 * instead of resets and `EMFILE` for everyone.
 */
export function limitConnections(server: Server, limits: { busy: number; drop: number }) {
  let open = 0;
  server.maxConnections = limits.drop;
  server.on('connection', (socket) => {
    open++;
    socket.once('close', () => open--);
  });
  return {
    ...limits,
    /** Open connections now. */
    open: () => open,
    /** Whether a request should be refused (the connection it came on included). */
    full: () => open > limits.busy,
  };
}

/** The answer to a request past the ceiling: JSON, not stored, and the connection closed after it. */
export const overloaded = (): Response =>
  new Response(JSON.stringify({ error: 'the server is at capacity; try again shortly' }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '5', connection: 'close' },
  });
