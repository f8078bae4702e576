/** setTimeout's largest delay (about 24.8 days); a longer one would fire at once. */
export const MAX_DELAY = 2 ** 31 - 1;

/** The one timer of a manager: armed for an absolute deadline, never early, never re-armed for nothing. */
export interface Deadline {
  /** Arm for `at` (epoch ms); `Infinity` disarms. Re-arming for the same deadline does nothing. */
  set(at: number): void;
  clear(): void;
}

/**
 * Creates the deadline timer. A delay past {@link MAX_DELAY} is clamped and re-armed from the
 * absolute deadline when it fires, so a far deadline fires neither early nor late.
 * Timers are looked up (on the global object) at call time, so that fake timers drive them in tests.
 */
export function createDeadline(fire: () => void, now: () => number): Deadline {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let deadline = Infinity;
  const clear = () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
  const arm = () => {
    clear();
    if (deadline === Infinity) return;
    handle = setTimeout(() => {
      handle = undefined;
      if (now() >= deadline) fire();
      else arm();
    }, Math.min(Math.max(deadline - now(), 0), MAX_DELAY));
  };
  return {
    set(at) {
      if (at === deadline && (handle !== undefined || at === Infinity)) return;
      deadline = at;
      arm();
    },
    clear() {
      deadline = Infinity;
      clear();
    },
  };
}
