import type { JwtClaims } from '../types';
import type { SessionContext, SessionSignal } from '../signal';
import { decodeToken, fingerprint, otherUser, toLocal } from '../core/token';
import { readRoles, defaultRoles } from '../core/roles';
import { fn, must } from '../options';

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
   * Replaces the token (`where` names the caller in errors).
   * @throws `InvalidTokenError` for a malformed token; nothing changes then.
   */
  set(token: string | null, where?: string): void;
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
  must(clockSkew === 'auto' || Number.isFinite(clockSkew), 'option `clockSkew`', "a finite number or 'auto'");
  must(options.expiresAt == null || Number.isFinite(options.expiresAt), 'option `expiresAt`', 'a finite epoch-ms number');
  const reader = fn<JwtTokenOptions['roles']>('option `roles`', options.roles) ?? defaultRoles;
  const auto = clockSkew === 'auto';
  let serverEnd = options.expiresAt ?? undefined;
  let skew = auto ? 0 : clockSkew;
  let skewKnown = !auto;
  let token: string | null = null;
  let claims: JwtClaims | null = null;
  let roles: readonly string[] = [];
  let setAt = 0;
  let ctx: SessionContext | undefined;

  const end = () => toLocal(claims?.exp === undefined ? serverEnd : claims.exp * 1000, skew);
  const setSkew = (value: number) => {
    [skew, skewKnown] = [value, true];
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
  const apply = (next: string | null | undefined, where: string) => {
    const decoded = next == null ? null : decodeToken(next, where);
    const nextRoles = decoded ? readRoles(reader, decoded) : []; // may throw: before anything changes
    [token, claims, roles, setAt] = [next ?? null, decoded, nextRoles, ctx?.now() ?? Date.now()];
    learnSkew();
  };
  /** Tells the kernel and the other signals that this token is in use. */
  const publish = () => {
    ctx!.bus.emit('token', { token, claims, end: end(), at: setAt });
    ctx!.claims(claims, roles);
  };
  /** The record's token fields. */
  const fields = () => ({ tokenExp: claims?.exp, tokenId: token === null ? undefined : fingerprint(token), skew: skewKnown ? skew : undefined, sub: sub() });
  /** A new token while started; `share`: tell the other tabs. */
  const changed = (share: boolean) => {
    const c = ctx!;
    if (share) c.tell({ k: 'token', token, skew }, fields());
    c.run();
    if (token !== null && c.phase().phase !== 'expired') c.emit('refreshed', { expiresAt: end() });
  };
  const sub = () => (typeof claims?.sub === 'string' ? claims.sub : undefined);
  apply(options.token, 'option `token`');

  const signal: JwtTokenSignal = {
    get: () => token,
    set(next, where = 'setToken()') {
      const before = claims;
      apply(next, where);
      const c = ctx!;
      publish();
      if (c.phase().phase === 'expired') return c.renew();
      if (!c.started()) return;
      if (otherUser(before, claims)) c.restart();
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
          apply(m.token, 'a message from another tab');
        } catch (error) {
          return context.degrade(error, 'channel');
        }
        if (auto) setSkew(m.skew);
        publish();
        changed(false);
      });
      bus.on('setToken', (next) => signal.set(next, 'refresh()'));
      bus.on('msg:skew', (message) => auto && setSkew(message.skew as number));
      // A check learned the server's time: refine the offset (a `Date` header is only to the second).
      bus.on('serverTime', ({ serverTime, sentAt, at, coarse, passing }) => {
        const measured = serverTime - (sentAt + at) / 2;
        if (!auto || (passing && skewKnown) || (coarse && skew >= measured && skew <= measured + 1000)) return;
        setSkew(coarse ? measured + 500 : measured);
        context.tell({ k: 'skew', skew }, { skew });
      });
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
