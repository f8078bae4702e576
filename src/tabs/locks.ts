import type { Emitter } from 'mitt';
import type { BusEvents, PageHide } from '../signal';

const NOOP = () => {};

/** Web Locks, where the browser has them and lets this page use them (the getter may throw: an opaque origin). */
const locks = (): LockManager | undefined => {
  try {
    return typeof navigator === 'object' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Holds lock `name` until released or until the page goes away (the browser then passes it
 * on): leadership with `'exclusive'`, "this page is open" with `'shared'`. `onHeld` runs each
 * time the lock is granted (without Web Locks, or with locks that throw or reject, once: a lone tab
 * leads itself); the function it may return runs when this page lets the lock go.
 *
 * A page entering the back/forward cache (the `bus`'s `hide`) lets its lock go and asks again when it
 * is restored (its next `wake`): a cached page holding a lock would keep it from the open tabs (Chrome
 * evicts such a page from the cache as soon as another tab asks for the lock), and a cached page is not an open one.
 * It lets go already at `beforeunload` (Firefox caches no page that holds a lock then), and asks again a
 * second later if no `pagehide` came.
 */
export function hold(bus: Emitter<BusEvents>, name: string, mode: LockMode, onHeld: () => void | (() => void)): () => void {
  const manager = locks();
  if (!manager) {
    onHeld();
    return NOOP;
  }
  let release = NOOP;
  let away = false;
  const request = () => {
    const abort = new AbortController();
    let granted: (() => void) | undefined;
    release = () => {
      release = NOOP;
      if (granted) granted();
      else abort.abort();
    };
    // Locks that throw or reject (a sandboxed or opaque origin) are as good as none: this page leads itself.
    const alone = () => void (!abort.signal.aborted && !granted && onHeld());
    try {
      manager
        .request(name, { mode, signal: abort.signal }, () => {
          if (abort.signal.aborted) return undefined;
          const lost = onHeld();
          return new Promise<void>((resolve) => {
            granted = () => {
              if (typeof lost === 'function') lost();
              resolve();
            };
          });
        })
        .catch(alone); // or aborted before it was granted
    } catch {
      alone();
    }
  };
  const onHide = ({ cached }: PageHide) => cached && ((away = true), release());
  const onWake = () => away && ((away = false), request());
  // Firefox keeps a page out of the back/forward cache if it holds or awaits a lock when the navigation
  // starts, and `pagehide` is too late there: let go at `beforeunload`, and ask again a second later if
  // the page stays (a download or `mailto:` link; a cached page's timer waits for its restore, which asked already).
  const onLeave = () => away || ((away = true), release(), setTimeout(onWake, 1_000));
  request();
  bus.on('hide', onHide);
  bus.on('wake', onWake);
  addEventListener('beforeunload', onLeave);
  return () => {
    bus.off('hide', onHide);
    bus.off('wake', onWake);
    removeEventListener('beforeunload', onLeave);
    away = false; // (a wake under way must not ask again)
    release();
  };
}

/** Runs `task` under an exclusive lock, one tab at a time; without Web Locks (or with ones that throw), directly. `signal` gives up the wait. */
export const exclusive = <T>(name: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
  try {
    const manager = locks();
    if (manager) return manager.request(name, { signal }, task) as Promise<T>;
  } catch {
    // as if there were no locks
  }
  return task();
};

/** How many pages hold (or are about to hold) `name`, or `undefined` where the browser cannot tell. */
export const holders = async (name: string): Promise<number | undefined> =>
  (await lockNames())?.filter((lock) => lock === name).length;

/** The names of the locks held or asked for in this origin; `undefined` (at once, or later) where the browser cannot tell. */
export const lockNames = (): Promise<string[] | undefined> | undefined => {
  try {
    return locks()?.query().then(({ held = [], pending = [] }) => [...held, ...pending].map((lock) => lock.name!), () => undefined);
  } catch {
    return undefined;
  }
};
