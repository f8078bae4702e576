import type { JwtClaims } from '../types';
import type { SessionContext, SessionSignal } from '../signal';
import { decodeToken, fingerprint, otherUser, toLocal } from '../core/token';
import { readRoles, defaultRoles } from '../core/roles';
import { fn } from '../options';
import { need, type Problem } from '../errors';

/** The largest clock offset learned from a token's `iat` (ms). */
const MAX_LEARNED_SKEW = 300_000;

/** Options of {@link jwtToken}: the token options of `SessionManager`. */
export interface JwtTokenOptions {
  /** A JWT; its `exp` ends the session (reason `'token'`). `null`/`undefined`: none; `''` is malformed. */
  token?: string | null;
  /** An absolute end when there is no JWT (server clock, epoch ms). */
  expiresAt?: number | null;
  /**
   * Server minus client clock in ms, or `'auto'`: learned from a new token's `iat` when within ±5 min
   * (an older token is taken as old, not the clock as wrong), refined by each check and by the `Date`
   * header of the API's answers that `requestActivity()` sees. Default `'auto'`.
   */
  clockSkew?: number | 'auto';
  /** Roles from the claims. Default `claims.roles ?? claims.role ?? []`. */
  roles?: (claims: JwtClaims) => readonly string[];
}

/** The token signal, with the calls `SessionManager` makes on it. */
export interface JwtTokenSignal extends SessionSignal {
  /** The token in use, or `null`. */
  get(): string | null;
  /**
   * Replaces the token (`where`: who gave it, for the error: its name, or in production its code, docs/errors.md).
   * @throws `InvalidTokenError` for a malformed token; nothing changes then.
   */
  set(token: string | null, where?: string | number): void;
}

/**
 * The JWT signal: its `exp` (or `expiresAt`) ends the session with reason `'token'`, on the
 * server's clock corrected by the clock offset; its claims give the roles. A token of another user
 * (`sub`) begins a new session. Built into `SessionManager` (its `token`, `expiresAt`, `clockSkew`
 * and `roles` options); for `SessionCore`, pass it in `signals` and call `set()` on it.
 * @throws `InvalidTokenError` for a malformed `token`, `TypeError` for other bad options.
 */
export function jwtToken(options: JwtTokenOptions = {}): JwtTokenSignal {
  const { clockSkew = 'auto' } = options;
  // In production too: an offset or an end that is not a number would give a session without an end.
  need(clockSkew === 'auto' || Number.isFinite(clockSkew), __DEV__ ? "option `clockSkew` must be a finite number or 'auto'" : 30);
  need(options.expiresAt == null || Number.isFinite(options.expiresAt), __DEV__ ? 'option `expiresAt` must be a finite epoch-ms number' : 31);
  const reader = fn<JwtTokenOptions['roles']>(__DEV__ ? 'option `roles`' : 32, options.roles) ?? defaultRoles;
  const auto = clockSkew === 'auto';
  let serverEnd = options.expiresAt ?? undefined;
  let skew = auto ? 0 : clockSkew;
  let skewKnown = !auto;
  let token: string | null = null;
  let claims: JwtClaims | null = null;
  let roles: readonly string[] = [];
  let setAt = 0;
  /** The session, once attached (`set()` and the news need it; reading the options does not). */
  let ctx!: SessionContext;

  const end = () => toLocal(claims?.exp === undefined ? serverEnd : claims.exp * 1000, skew);
  const setSkew = (value: number) => {
    skew = value;
    skewKnown = true;
  };
  /**
   * `'auto'`: a token's `iat` is read as "issued just now", within ±5 min. Beyond that, or once its
   * `exp` has passed on this clock, the token is old (restored from storage), not the clock wrong:
   * the offset stays 0 until the server's clock speaks.
   */
  const learnSkew = () => {
    const { iat, exp } = claims ?? {};
    const offset = (iat ?? NaN) * 1000 - setAt;
    if (!skewKnown && ctx?.started() && Math.abs(offset) <= MAX_LEARNED_SKEW && (exp ?? Infinity) * 1000 > setAt) setSkew(offset);
  };
  const apply = (next: string | null | undefined, where: Problem) => {
    const decoded = next == null ? null : decodeToken(next, where);
    const nextRoles = decoded ? readRoles(reader, decoded) : []; // may throw: before anything changes
    token = next ?? null;
    claims = decoded;
    roles = nextRoles;
    setAt = ctx?.now() ?? Date.now();
    learnSkew();
  };
  /** Tells the kernel and the other signals that this token is in use. */
  const publish = () => {
    ctx.bus.emit('token', { token, claims, end: end(), at: setAt });
    ctx.claims(claims, roles);
  };
  /** The record's token fields. */
  const fields = () => ({ tokenExp: claims?.exp, tokenId: token === null ? undefined : fingerprint(token), skew: skewKnown ? skew : undefined, sub: sub() });
  /** A new token while started; `share`: tell the other tabs. */
  const changed = (share: boolean) => {
    if (share) ctx.tell({ k: 'token', token, skew }, fields());
    ctx.run();
    if (token !== null && ctx.phase().phase !== 'expired') ctx.emit('refreshed', { expiresAt: end() });
  };
  const sub = () => (typeof claims?.sub === 'string' ? claims.sub : undefined);
  apply(options.token, __DEV__ ? 'option `token`' : 34);

  const signal: JwtTokenSignal = {
    get: () => token,
    set(next, where = __DEV__ ? 'setToken()' : 35) {
      const before = claims;
      apply(next, where);
      publish();
      if (ctx.phase().phase === 'expired') return ctx.renew();
      if (!ctx.started()) return;
      if (otherUser(before, claims)) ctx.restart();
      changed(true);
    },
    attach(context) {
      ctx = context;
      const { bus } = context;
      publish();
      bus.on('msg:token', (message) => {
        const m = message as unknown as { token: string | null; skew: number };
        if (m.token === token) return;
        try {
          apply(m.token, __DEV__ ? 'a message from another tab' : 37);
        } catch (error) {
          return context.degrade(error, 'channel');
        }
        if (auto) setSkew(m.skew);
        publish();
        changed(false);
      });
      bus.on('setToken', (next) => signal.set(next, __DEV__ ? 'refresh()' : 36));
      bus.on('msg:skew', (message) => auto && setSkew(message.skew as number));
      // A check learned the server's time: refine the offset (a `Date` header is only to the second).
      /** The server's time, measured at `at` (its `Date` header is only to the second: `coarse`). */
      const learn = (serverTime: number, at: number, coarse?: boolean, passing?: boolean) => {
        const measured = serverTime - at;
        if (!auto || (passing && skewKnown) || (coarse && skew >= measured && skew <= measured + 1000)) return;
        setSkew(coarse ? measured + 500 : measured);
        context.tell({ k: 'skew', skew }, { skew });
      };
      bus.on('serverTime', ({ serverTime, at, coarse }) => learn(serverTime, at, coarse));
      bus.on('dated', (serverTime) => learn(serverTime as number, context.now(), true, true));
      bus.on('serverEnd', (at) => {
        if (claims?.exp === undefined) serverEnd = at;
      });
      return {
        start() {
          const record = context.read();
          if (record?.skew !== undefined && !skewKnown) setSkew(record.skew);
          learnSkew();
          publish();
          context.tell(null, fields());
        },
        end,
      };
    },
  };
  return signal;
}
