/** Limits of {@link createLimiter}; durations in milliseconds. */
export interface LimiterOptions {
  /** Failures allowed before the first lock-out. */
  free: number;
  /** The first lock-out; each further failure doubles it. */
  lockout: number;
  /** The longest lock-out. */
  maxLockout: number;
  /** How many keys are tracked at most (the oldest are forgotten first), so a flood cannot fill memory. */
  maxKeys?: number;
}

interface Failures {
  count: number;
  last: number;
  lockedUntil: number;
}

/** A failure counter with lock-out backoff, as returned by {@link createLimiter}. */
export type Limiter = ReturnType<typeof createLimiter>;

/**
 * Failed attempts per key (a username, a client address) with exponential lock-out: after `free`
 * failures, each further one locks the key for `lockout`, then twice that, up to `maxLockout`.
 * While locked, nothing is tried (not even a right password), so guessing costs time, not just
 * requests. A key quiet for twice `maxLockout` is forgotten. Lazy, like the store: no timers.
 */
export function createLimiter(now: () => number, { free, lockout, maxLockout, maxKeys = 10_000 }: LimiterOptions) {
  const keys = new Map<string, Failures>();
  const forgetAfter = 2 * maxLockout;
  const live = (key: string) => {
    const entry = keys.get(key);
    if (entry && now() - entry.last >= forgetAfter && now() >= entry.lockedUntil) keys.delete(key);
    return keys.get(key);
  };
  return {
    /** Milliseconds until `key` may try again; 0 when it may now. */
    retryIn(key: string): number {
      return Math.max(0, (live(key)?.lockedUntil ?? 0) - now());
    },
    /** Counts a failure; returns the lock-out it starts (0 while failures are still free). */
    fail(key: string): number {
      const entry = live(key) ?? { count: 0, last: 0, lockedUntil: 0 };
      keys.delete(key); // re-insert: the map stays ordered by last failure, oldest first
      entry.count++;
      entry.last = now();
      const locked = entry.count > free ? Math.min(maxLockout, lockout * 2 ** (entry.count - free - 1)) : 0;
      entry.lockedUntil = now() + locked;
      keys.set(key, entry);
      if (keys.size > maxKeys) keys.delete(keys.keys().next().value!);
      return locked;
    },
    /** A success: the key starts over. */
    reset(key: string) {
      keys.delete(key);
    },
    /** Forgets the keys that are quiet and unlocked; returns how many keys are left. */
    sweep(): number {
      for (const key of [...keys.keys()]) live(key);
      return keys.size;
    },
  };
}

/** Limits of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Attempts per minute, on average, per key. */
  perMinute: number;
  /** Attempts allowed at once after a quiet spell. Default `perMinute`. */
  burst?: number;
  /** How many keys are tracked at most (the oldest are forgotten first). */
  maxKeys?: number;
}

/** An attempt counter per key (a token bucket), as returned by {@link createRateLimiter}. */
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * Attempts per key whatever their outcome (a token bucket): `burst` at once, then `perMinute` on
 * average. Sign-in counts here per client address, successes too, since each success creates a
 * session. Lazy, like the failure limiter: no timers.
 */
export function createRateLimiter(now: () => number, { perMinute, burst = perMinute, maxKeys = 10_000 }: RateLimiterOptions) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  const tokensOf = (key: string) => {
    const bucket = buckets.get(key);
    return bucket ? Math.min(burst, bucket.tokens + (now() - bucket.at) * perMs) : burst;
  };
  return {
    /** Takes one attempt for `key`: 0 when it may go ahead, else the milliseconds until it may (nothing is taken then). */
    take(key: string): number {
      const tokens = tokensOf(key);
      if (tokens < 1) return Math.ceil((1 - tokens) / perMs);
      buckets.delete(key); // re-insert: the map stays ordered by last attempt, oldest first
      buckets.set(key, { tokens: tokens - 1, at: now() });
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
      return 0;
    },
    /** Forgets the keys whose bucket is full again; returns how many keys are left. */
    sweep(): number {
      for (const key of [...buckets.keys()]) if (tokensOf(key) >= burst) buckets.delete(key);
      return buckets.size;
    },
  };
}
