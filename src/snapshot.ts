import type { SessionSnapshot } from './types';

/**
 * The session's snapshot as subscribers see it: the same object until a field changes, then a new
 * one, announced to `changed` (the `'change'` event, which `subscribe()` listens to).
 */
export function snapshots(make: () => SessionSnapshot, changed: (next: SessionSnapshot) => void) {
  let current = make();
  return {
    get: () => current,
    /** Takes the snapshot afresh without announcing it (before anyone could listen). */
    reset: () => void (current = make()),
    /** Publishes a new snapshot if anything in it changed. */
    update() {
      const next = make();
      if ((Object.keys(next) as (keyof SessionSnapshot)[]).some((key) => next[key] !== current[key])) changed((current = next));
    },
  };
}
