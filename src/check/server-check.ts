import type { CheckOptions } from '../types';
import type { SessionSignal } from '../signal';
import { duration, fn, isObject, must } from '../options';
import { runCheck } from './check';

const RETRY = 30_000;

/**
 * The backup server check: every `interval` (15 minutes by default) one tab asks the server whether
 * the session is still alive, and a revoked one (401/403, or `active: false`) ends with reason
 * `'revoked'` in every tab. Skipped while the app's own requests prove the session alive
 * (`requestActivity()`); an unknown answer (5xx, network error, timeout) is retried with backoff,
 * never a logout. With `onFocus` (default), a tab that becomes visible checks at once when the last
 * check is older than `interval`.
 * @throws `TypeError` or `RangeError` naming a bad option.
 */
export function serverCheck(options: CheckOptions): SessionSignal {
  must(isObject(options) && (options.url ?? options.request) !== undefined, 'serverCheck()', 'given a `url` or a `request`');
  must(options.url === undefined || typeof options.url === 'string', 'serverCheck() option `url`', 'a string');
  fn('serverCheck() option `request`', options.request);
  const interval = duration('serverCheck() option `interval`', options.interval, 900_000, 1);
  const onFocus = options.onFocus ?? true;
  return {
    attach(ctx) {
      const { bus } = ctx;
      let provedAt = -Infinity;
      let backoff = 0;
      let retryAt = Infinity;
      /** A check another signal needs by then (open tabs answering a closing tab's beacon). */
      let answerAt = Infinity;
      let checking: AbortController | undefined;
      let token: string | null = null;
      const proved = (at: number) => {
        provedAt = Math.max(provedAt, Math.min(at, ctx.now()));
        backoff = 0;
      };
      const due = () => (checking || !ctx.leader ? Infinity : Math.min(answerAt, backoff ? retryAt : provedAt + interval));
      const stop = () => {
        checking?.abort();
        checking = undefined;
      };
      const check = async () => {
        const controller = (checking = new AbortController());
        answerAt = Infinity;
        const sentAt = ctx.now();
        const answer = await runCheck(options, token, controller.signal);
        if (checking !== controller) return; // stopped meanwhile
        checking = undefined;
        const at = ctx.now();
        const { outcome, serverTime, expiresAt, coarse, redirected } = answer;
        ctx.emit('checked', { result: outcome });
        if (redirected) ctx.emit('error', { error: new Error(`sessionwarden: serverCheck() url was redirected to ${redirected}`), during: 'check' });
        if (outcome === 'revoked') return ctx.end('revoked', true);
        if (outcome === 'unknown') {
          backoff = Math.min(backoff ? backoff * 2 : RETRY, interval);
          retryAt = at + backoff;
        } else {
          proved(at);
          if (serverTime !== undefined) bus.emit('serverTime', { serverTime, sentAt, at, coarse: !!coarse });
          if (expiresAt !== undefined) bus.emit('serverEnd', expiresAt);
          ctx.tell({ k: 'checked', at, result: outcome }, { provedAt: at });
        }
        ctx.run();
      };

      bus.on('token', (next) => void (token = next.token));
      bus.on('proved', proved);
      bus.on('restart', () => proved(ctx.now()));
      // News of the last proof rides on the activity shared with the other tabs.
      bus.on('share', ([message, patch]) => {
        if (provedAt > -Infinity) message.proved = patch.provedAt = provedAt;
      });
      bus.on('msg:activity', (message) => proved((message.proved as number | undefined) ?? -Infinity));
      bus.on('msg:checked', (message) => {
        answerAt = Infinity;
        proved(message.at as number);
        ctx.emit('checked', { result: 'active' });
        ctx.run();
      });
      bus.on('check', (by) => {
        answerAt = by as number;
        ctx.run();
      });
      bus.on('run', (now) => void (now >= due() && check()));
      bus.on('wake', (focus) => {
        proved(ctx.read()?.provedAt ?? -Infinity);
        if (focus && onFocus && !checking && ctx.now() - provedAt >= interval) void check();
      });
      // A cached page keeps no request open: the check is due again when it returns.
      bus.on('hide', ({ cached }) => cached && stop());
      return {
        start(fresh) {
          const stored = ctx.read()?.provedAt;
          if (fresh) provedAt = Math.min(stored ?? Infinity, ctx.now());
          else proved(stored ?? -Infinity);
          ctx.tell(null, { provedAt });
          return stop;
        },
        due,
      };
    },
  };
}
