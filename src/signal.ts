import type { Emitter } from 'mitt';
import type { ExpireReason, JwtClaims, SessionEvents, WarningReason } from './types';

/**
 * A message to the other tabs of the session. `k` names its kind; a signal listens to the kinds it
 * sends on its context's bus as `msg:<k>`. Fields are validated by the tabs signal where it knows
 * them (numbers finite, reasons known) and by the receiving signal otherwise.
 */
export interface TabMessage {
  /** The kind of message. */
  k: string;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * What one tab keeps of the session for the others and for a reload (versioned; anything else
 * reads as absent). Signals add their own fields through {@link SessionContext.tell}.
 */
export interface SharedRecord {
  /** The version. */
  v: 1;
  /** Last activity in any tab (epoch ms). */
  lastActivity: number;
  /** Set once the session ended. */
  ended?: ExpireReason;
  /** When it ended (epoch ms). */
  endedAt?: number;
  /** Learned clock offset (server − client ms). */
  skew?: number;
  /** `exp` (seconds) of the newest token in use, so a tab can skip a refresh another tab did. */
  tokenExp?: number;
  /** A one-way fingerprint of the newest token in use (never the token): a new sign-in after the end is told from it. */
  tokenId?: string;
  /** Last proof that the server session is alive: a check or an app request's 2xx. */
  provedAt?: number;
  /** When the last page of the session was hidden for good (pagehide). */
  goneAt?: number;
  /** The user (`sub` claim) whose session this is: another user's token never continues it. */
  sub?: string;
}

/** News of the token in use, for the signals that depend on it (refresh, check, tabs). */
export interface TokenNews {
  /** The JWT, or `null`. */
  token: string | null;
  /** Its decoded claims, or `null`. */
  claims: JwtClaims | null;
  /** Where it ends the session (local clock, epoch ms; `Infinity` for never). */
  end: number;
  /** When it was set (epoch ms). */
  at: number;
}

/** What a server check learned of the server's clock. */
export interface ServerTime {
  /** The server's time (epoch ms), at the middle of the request. */
  serverTime: number;
  /** When the request was sent (local clock). */
  sentAt: number;
  /** When the answer came (local clock). */
  at: number;
  /** Whether `serverTime` is only to the second (a `Date` header). */
  coarse: boolean;
  /** Heard in passing (an API answer's `Date` header): it sets the offset only while none is known. */
  passing?: boolean;
}

/** The page being hidden. */
export interface PageHide {
  /** On `pagehide` (the page is unloaded or cached), not only hidden. */
  final: boolean;
  /** The page goes into the back/forward cache. */
  cached: boolean;
}

/** Where the inactivity machine stands. */
export interface Phase {
  /** `'active'`, `'warning'` or `'expired'`. */
  phase: 'active' | 'warning' | 'expired';
  /** What the warning is about, `null` when there is none. */
  warning: WarningReason | null;
  /** The last activity it counted (epoch ms). */
  lastActivity: number;
}

/** The events that signals and the kernel exchange on {@link SessionContext.bus}. */
export type BusEvents = {
  /** A decision is due: each signal with something due (a check, a refresh) runs it now. */
  run: number;
  /** The kernel shares activity with the other tabs: a signal may add its own news to the message and the record patch. */
  share: [message: TabMessage, patch: Partial<SharedRecord>];
  /** The user extended the session here (`extend()`), during a warning of this reason (or none). */
  extend: WarningReason | null;
  /** The session ended. */
  end: ExpireReason;
  /** A token is in use (or none). */
  token: TokenNews;
  /** An app request proved the session alive. */
  proved: number;
  /** A new token, from a signal (a refresh): the token signal sets it as `setToken()` does, and throws what it throws. */
  setToken: string;
  /** A check learned the server's clock. */
  serverTime: ServerTime;
  /** A check says the session (without a JWT `exp`) ends then (server clock). */
  serverEnd: number;
  /** A signal needs a server check by then (epoch ms). */
  check: number;
  /** The page was hidden. */
  hide: PageHide;
  /** The page may have slept or been frozen (`focus`: it became visible or focused). */
  wake: boolean;
  /** The session was begun afresh for another user: stored news of the old one is not this session's. */
  restart: void;
  /** A token was given after the end: the next `start()` begins a new session, not the stored one. */
  renew: void;
  /** A message of this kind from another tab. */
  [type: `msg:${string}`]: TabMessage;
  /** A signal's own event. */
  [type: string]: unknown;
};

/**
 * The session, as a signal sees it: the one interface between the kernel and the modules that plug
 * into it (token expiry, refresh, the server check, tabs, close detection …). Read the clock through
 * `now()`, arm no timer of your own for decisions (return them from `due()`), and never read another
 * signal's state: talk on the `bus`.
 */
export interface SessionContext {
  /** The `storageKey` option: prefix of storage keys, channel and lock names. */
  readonly key: string;
  /** The clock (the `now` option). */
  now(): number;
  /** The `warnBefore` option: the lead time of every warning. */
  readonly warnBefore: number;
  /** Events between signals and the kernel ({@link BusEvents}). */
  readonly bus: Emitter<BusEvents>;
  /** Emits a public event of the session. */
  emit<K extends keyof SessionEvents>(type: K, payload: SessionEvents[K]): void;
  /** Reports trouble that did not end the session (storage, channel, locks): `'error'`, once for all of them. */
  degrade(error: unknown, during: string): void;
  /** Whether the session is started. */
  started(): boolean;
  /** Where the inactivity machine stands. */
  phase(): Phase;
  /** The newest activity known, counted or not (epoch ms). */
  lastActivity(): number;
  /** Activity elsewhere (another tab, the shared record) at `at`; a time from the future counts as now. */
  hear(at: number): void;
  /** On `start()` of a fresh session: continue one whose last activity was `at` (a reload, a new tab). */
  resume(at: number): void;
  /** `extend()` in another tab at `at`. */
  extend(at: number): void;
  /** Ends the session; `share`: tell the other tabs and the record. */
  end(reason: ExpireReason, share: boolean): void;
  /** Another user's token is in use: begin a fresh session here, with no `'expired'` for the old one. */
  restart(): void;
  /** A token was given after the end: the next `start()` begins a new session. */
  renew(): void;
  /** Decide now (after a signal's end, due time or leadership changed). */
  run(): void;
  /**
   * Called in `start()` by a signal that cannot tell at once whether the session has already ended
   * (it asks the browser): until the returned function is called, the state reads `'starting'` (no
   * roles) and nothing is decided. End the session (`end()`) before calling it, if it ended.
   */
  wait(): () => void;
  /** Sets the claims and roles the snapshot shows. */
  claims(claims: JwtClaims | null, roles: readonly string[]): void;
  /** Whether this tab leads the others (runs the check and the refresh). A tabs signal sets it; alone, a tab leads itself. */
  leader: boolean;
  /** Whether other tabs hear this one (a tabs signal with an open channel sets it). */
  shared: boolean;
  /** Tells the other tabs `message` and writes `patch` into the shared record (a tabs signal fills this in). */
  tell(message: TabMessage | null, patch?: Partial<SharedRecord>): void;
  /** Reads the shared record (a tabs signal fills this in). */
  read(): SharedRecord | undefined;
}

/** What a signal does for the session; every part is optional. */
export interface SignalHooks {
  /** On `start()`; `fresh` when a new session begins. Returns what undoes it on `stop()` or the end. */
  start?(fresh: boolean): (() => void) | void;
  /** Where this signal ends the session (local clock, epoch ms; `Infinity` for nowhere): with reason `'token'`. */
  end?(): number;
  /** When this signal next wants `run` (epoch ms; `Infinity` for never). */
  due?(): number;
  /** Awaited before `'expired'` is emitted (the place to auto-save). */
  beforeEnd?(reason: ExpireReason): Promise<void> | void;
}

/**
 * A signal module, made by a named factory (`serverCheck({ url })`, `closeDetection('browser')` …), so
 * that what an app does not import, its bundle does not carry. The session's constructor attaches it
 * once, with its context.
 */
export interface SessionSignal {
  /** Binds the signal to one session; returns what it does for it. */
  attach(context: SessionContext): SignalHooks;
}
