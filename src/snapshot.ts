import type { SessionSnapshot } from './types';

/**
 * The session's snapshot as subscribers see it: the same object until a field changes, then a new
 * one, announced to each listener and to `changed` (the `'change'` event).
 */
export function snapshots(make: () => SessionSnapshot, changed: (next: SessionSnapshot) => void) {
  const listeners = new Set<() => void>();
  let current = make();
  return {
    listeners,
    get: () => current,
    /** Takes the snapshot afresh without announcing it (before anyone could listen). */
    reset: () => void (current = make()),
    /** Publishes a new snapshot if anything in it changed. */
    update() {
      const next = make();
      if ((Object.keys(next) as (keyof SessionSnapshot)[]).every((key) => next[key] === current[key])) return;
      current = next;
      for (const listener of listeners) listener();
      changed(next);
    },
  };
}
