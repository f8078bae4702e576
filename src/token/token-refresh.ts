import type { SessionSignal } from '../signal';
import { decodeToken } from '../core/token';
import { duration, must } from '../options';
import { exclusive, hold, lockNames } from '../tabs/locks';

const RETRY = 5_000;

/** Options of {@link tokenRefresh}. */
export interface TokenRefreshOptions {
  /** Lead time of the refresh before `exp`. Default `warnBefore + 60_000`, so a refresh comes before any token warning; at least `warnBefore` (a `RangeError` otherwise). */
  before?: number;
  /** A call still pending this long is abandoned: its signal aborts, `'error'` is emitted, and it is retried. Default `15_000`. */
  timeout?: number;
}

/** The refresh signal, with the call `SessionManager.refresh()` makes on it. */
export interface TokenRefreshSignal extends SessionSignal {
  /** Runs `refresh` now (see `SessionManager.refresh()`); resolves to the new token. */
  now(): Promise<string | null>;
}

/**
 * Refreshes the token `before` its `exp`, if the user was active since it was set; one tab at a time,
 * under the Web Lock `${storageKey}:refresh` (never ask for it inside `refresh`). `refresh(signal)`
 * still pending after `timeout` is abandoned (`signal` aborts) and retried with backoff until the
 * token warning, so a hung network never wedges the session; `extend()` during the warning tries
 * again. A failure is an `'error'` with `during: 'refresh'`, never an exception.
 * @throws `TypeError` or `RangeError` naming a bad argument.
 */
export function tokenRefresh(refresh: (signal: AbortSignal) => Promise<string>, options: TokenRefreshOptions = {}): TokenRefreshSignal {
  must(typeof refresh === 'function', 'tokenRefresh()', 'given your refresh function');
  const timeout = duration('tokenRefresh() option `timeout`', options.timeout, 15_000, 1);
  let run: TokenRefreshSignal['now'] = () => {
    throw new TypeError('sessionwarden: tokenRefresh() is not attached to a session');
  };
  return {
    now: () => run(),
    attach(ctx) {
      const { bus, key } = ctx;
      const before = duration('tokenRefresh() option `before`', options.before, ctx.warnBefore + 60_000);
      // Later than the warning, every token's lifetime would end with a token warning first.
      must(before >= ctx.warnBefore, 'tokenRefresh() option `before`', `at least \`warnBefore\` (${ctx.warnBefore} ms), or a token warning comes first`, RangeError);
      const mark = `${key}:exp:`;
      let exp: number | undefined;
      let end = Infinity;
      let setAt = 0;
      let token: string | null = null;
      let refreshAt = Infinity;
      let backoff = 0;
      let refreshing: Promise<string | null> | undefined;
      let forced = false;
      let abort: AbortController | undefined;
      let unmark = () => {};
      let cachedAbort = false;
      const due = () => (ctx.leader && !refreshing ? refreshAt : Infinity);

      /** One call at a time in this tab and, through the lock, across tabs; `force`: the app's call. */
      const attempt = (force: boolean): Promise<string | null> => {
        if (refreshing) return refreshing;
        const was = exp ?? -Infinity; // the token to replace: another tab's may arrive while this one waits
        const controller = (abort = new AbortController());
        const { signal } = controller;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const giveUpIn = () => {
          globalThis.clearTimeout(timer);
          const why = `sessionwarden: refresh() still pending after ${timeout} ms, abandoned (it must not ask for the lock "${key}:refresh")`;
          timer = globalThis.setTimeout(() => controller.abort(new DOMException(why, 'TimeoutError')), timeout);
        };
        const abandoned = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        abandoned.catch(() => {});
        giveUpIn(); // the wait for the lock: another tab's hung call lets it go by its own timeout
        const task = exclusive(`${key}:refresh`, async () => {
          signal.throwIfAborted(); // granted after this tab gave up
          if (!force) {
            if ((exp ?? -Infinity) > was) return token; // another tab's new token arrived meanwhile
            // Another tab refreshed first: its token is on the way. The lock manager says so for sure; the
            // record usually does too, but storage and the channel may reach this tab after the lock.
            const names = lockNames(); // without Web Locks, nothing to wait for
            const marked = names && (await names)?.some((name) => name.startsWith(mark) && +name.slice(mark.length) > was);
            if (marked || (ctx.read()?.tokenExp ?? -Infinity) > was) {
              refreshAt = Infinity;
              return token;
            }
          }
          giveUpIn();
          const next: unknown = await Promise.race([refresh(signal), abandoned]);
          if (typeof next !== 'string') decodeToken(next, 'refresh()'); // throws: not a JWT
          if (!force && (!ctx.started() || ctx.phase().phase === 'expired')) return token;
          bus.emit('setToken', next as string);
          // Asked for before this task lets the refresh lock go, so a tab granted it next finds this mark.
          unmark();
          unmark = hold(mark + exp, 'shared', () => {});
          return token;
        }, signal);
        forced = force;
        const done = (refreshing = Promise.race([task, abandoned]).finally(() => {
          globalThis.clearTimeout(timer);
          if (refreshing === done) refreshing = undefined;
        }));
        done.then(() => ctx.run(), () => {}); // re-arm for the new token (a failure re-arms below)
        return done;
      };
      /** The schedule's refresh (and `extend()`'s during a token warning): a failure is reported and retried. */
      const scheduled = () =>
        attempt(false).catch((error: unknown) => {
          if (!ctx.started()) return;
          if (cachedAbort) {
            // Aborted because the page went into the back/forward cache: due again when it returns.
            cachedAbort = false;
            refreshAt = ctx.now();
            return;
          }
          ctx.emit('error', { error, during: 'refresh' });
          backoff = backoff ? backoff * 2 : RETRY;
          const retryAt = ctx.now() + backoff;
          // Retry until the token warning; after it, the session ends at `exp` (or `extend()` tries again).
          refreshAt = retryAt < end - ctx.warnBefore ? retryAt : Infinity;
          ctx.run();
        });
      /** A refresh passed over while the user was idle becomes due when activity comes back, before the warning. */
      const afterIdle = (at: number) => {
        if (refreshAt === Infinity && ctx.leader && !refreshing && exp !== undefined && at >= end - before && at < end - ctx.warnBefore && at > setAt) {
          refreshAt = at;
          ctx.run();
        }
      };

      // The app's call: after a scheduled refresh under way (never two at once); two at once share one.
      run = () => (refreshing && !forced ? refreshing.then(run, run) : attempt(true));
      bus.on('token', (next) => {
        [token, exp, end, setAt] = [next.token, next.claims?.exp, next.end, next.at];
        backoff = 0;
        refreshAt = exp === undefined ? Infinity : end - before;
      });
      bus.on('run', (now) => {
        if (!ctx.leader || refreshing || now < refreshAt) return;
        if (ctx.lastActivity() > setAt) void scheduled();
        else refreshAt = Infinity; // idle: let the token run out; activity re-arms it
      });
      bus.on('share', ([message]) => afterIdle(message.at as number));
      bus.on('msg:activity', (message) => afterIdle(message.at as number));
      bus.on('extend', (reason) => reason === 'token' && void scheduled());
      // A cached page keeps no request open (the app's own call excepted).
      bus.on('hide', ({ cached }) => {
        if (!cached || !refreshing || forced) return;
        cachedAbort = true;
        abort?.abort();
      });
      return {
        start: () => () => {
          unmark();
          abort?.abort();
        },
        due,
      };
    },
  };
}
