/** Web Locks, where the browser has them. */
const locks = (): LockManager | undefined =>
  typeof navigator === 'object' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;

/**
 * Holds lock `name` until released or until the page goes away (the browser then passes it
 * on): leadership with `'exclusive'`, "this page is open" with `'shared'`. `onHeld` runs once
 * the lock is granted; without Web Locks at once (a lone tab leads itself).
 */
export function hold(name: string, mode: LockMode, onHeld: () => void): () => void {
  const manager = locks();
  if (!manager) {
    onHeld();
    return () => {};
  }
  const abort = new AbortController();
  let release = () => abort.abort();
  manager
    .request(name, { mode, signal: abort.signal }, () => {
      onHeld();
      return new Promise<void>((resolve) => (release = resolve));
    })
    .catch(() => {}); // aborted before it was granted
  return () => release();
}

/** Runs `task` under an exclusive lock, one tab at a time; without Web Locks, directly. */
export const exclusive = <T>(name: string, task: () => Promise<T>): Promise<T> => {
  const manager = locks();
  return manager ? (manager.request(name, task) as Promise<T>) : task();
};

/** How many pages hold `name`, or `undefined` where the browser cannot tell. */
export async function holders(name: string): Promise<number | undefined> {
  const manager = locks();
  if (!manager) return undefined;
  const { held = [] } = await manager.query();
  return held.filter((lock) => lock.name === name).length;
}
