/**
 * The life of a session in one tab: `'stopped' → 'active' ⇄ 'warning' → 'expired'`. `'starting'`
 * comes between `'stopped'` and the rest for the few milliseconds after `start()` in which the
 * browser is still asked whether the session has already ended (a browser that was closed, with
 * `closeDetection('browser')`): never `'active'` before that is known. It has no roles.
 */
export type SessionState = 'stopped' | 'starting' | 'active' | 'warning' | 'expired';

/** Why a warning was raised: the user is idle, or the token is about to expire. */
export type WarningReason = 'idle' | 'token';

/** Why a session ended. */
export type ExpireReason = 'idle' | 'token' | 'revoked' | 'closed' | 'logout';

/** The outcome of one server check. */
export type CheckOutcome = 'active' | 'revoked' | 'unknown';

/** Decoded JWT claims: the registered ones (RFC 7519) typed, any other as `unknown`. */
export interface JwtClaims {
  /** Subject: the user. A token of another `sub` begins a new session. */
  sub?: string;
  /** Issuer. */
  iss?: string;
  /** Audience. */
  aud?: string | string[];
  /** The token's id. */
  jti?: string;
  /** Expiry, in seconds since the epoch (server clock). */
  exp?: number;
  /** Not before, in seconds since the epoch (server clock). */
  nbf?: number;
  /** Issued at, in seconds since the epoch (server clock). */
  iat?: number;
  [claim: string]: unknown;
}

/**
 * What a custom `check.request` resolves to: `true`/`false`, or an object that can also
 * move the session's end (`expiresAt`, server clock) and report the server's time.
 */
export type CheckResult =
  | boolean
  | {
      /** `false` ends the session with reason `'revoked'`. */
      active: boolean;
      /** A new absolute end of the session (server clock, epoch ms), for sessions without a JWT. */
      expiresAt?: number;
      /** The server's clock (epoch ms): refines the clock offset. */
      serverTime?: number;
    };

/** The backup server check that catches a token revoked on the server. */
export interface CheckOptions {
  /** A URL called with `GET` and the bearer token: 2xx active, 401/403 revoked, else unknown. */
  url?: string;
  /** A custom check; called with an `AbortSignal` that `stop()` aborts. */
  request?: (signal: AbortSignal) => Promise<CheckResult>;
  /** Milliseconds between checks. Default `900_000` (15 min). */
  interval?: number;
  /** Check at once when the tab becomes visible or focused and the last check is older than `interval`. Default `true`. */
  onFocus?: boolean;
}

/** What an activity source may tell the session besides activity. */
export interface ActivitySignals {
  /** The server just answered an authenticated request: the session is alive (skips the next check). */
  proved(): void;
  /** The server rejected the session (a 401): end it with reason `'revoked'`. */
  revoked(): void;
  /** The server's `Date` header (epoch ms, to the second) on an answer that just came: sets the clock offset while none is known. */
  dated?(serverTime: number): void;
}

/**
 * A source of user activity. `start` receives `report`, which stores a timestamp and
 * nothing else (call it with no argument for "now"), and returns a function that stops the source.
 */
export interface ActivitySource {
  /** Starts reporting; returns the function that stops. */
  start(report: (at?: number) => void, signals: ActivitySignals): () => void;
}

/** An immutable picture of the session; a new object only when something changed. */
export interface SessionSnapshot {
  /** The session's state. */
  readonly state: SessionState;
  /** Why the session ended, while `state` is `'expired'`. */
  readonly reason: ExpireReason | null;
  /** What the warning is about, while `state` is `'warning'`. */
  readonly warning: WarningReason | null;
  /**
   * The nearest end (local clock, epoch ms) as of the last decision; `Infinity` when nothing ends
   * the session. Exact while `'warning'`; while `'active'` later activity may have moved it on
   * (use `remaining()` for the exact figure).
   */
  readonly expiresAt: number;
  /** The token's decoded claims, or `null`. */
  readonly claims: Readonly<JwtClaims> | null;
  /** The user's roles. */
  readonly roles: readonly string[];
}

/** Events of {@link SessionManager} and their payloads. */
export type SessionEvents = {
  /** `warnBefore` ahead of an end; once per warning. The state is already `'warning'`. */
  warning: {
    /** What is about to end the session. */
    reason: WarningReason;
    /** When it ends (local clock, epoch ms). */
    expiresAt: number;
  };
  /** `extend()` here or in another tab moved the nearest end. */
  extended: {
    /** The new end (local clock, epoch ms). */
    expiresAt: number;
  };
  /** The session ended: exactly once per session, in every tab. */
  expired: {
    /** Why it ended. */
    reason: ExpireReason;
  };
  /** Activity, at most once per `sampleInterval`. */
  activity: {
    /** When (epoch ms). */
    at: number;
  };
  /** A new token is in use. */
  refreshed: {
    /** The new token's end (local clock, epoch ms). */
    expiresAt: number;
  };
  /** After each server check. */
  checked: {
    /** What the server said; `'unknown'` is retried and never ends the session. */
    result: CheckOutcome;
  };
  /** Any change of the snapshot; the payload is the new snapshot. */
  change: SessionSnapshot;
  /** A failure that did not end the session. */
  error: {
    /** What went wrong. */
    error: unknown;
    /** Where: `'refresh'`, `'storage'`, `'channel'`, `'beforeExpire'`, … */
    during: string;
  };
};
