import type { ExpireReason } from '../types';
import type { SessionSignal } from '../signal';
import { duration } from '../options';
import { need } from '../errors';

/**
 * Awaits `save(reason)` before `'expired'` is emitted (at most `timeout`, default `3_000`): the
 * place to auto-save a draft. A failure is an `'error'` with `during: 'beforeExpire'`; the session
 * ends anyway.
 * @throws `TypeError` or `RangeError` naming a bad argument.
 */
export function beforeExpire(save: (reason: ExpireReason) => Promise<void> | void, options: { timeout?: number } = {}): SessionSignal {
  need(typeof save == 'function', __DEV__ ? 'beforeExpire() must be given a function' : 60);
  const timeout = duration(__DEV__ ? 'beforeExpire() option `timeout`' : 61, options.timeout, 3_000);
  return {
    attach: (ctx) => ({
      beforeEnd(reason) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        return Promise.race([
          Promise.resolve().then(() => save(reason)),
          new Promise((resolve) => (timer = setTimeout(resolve, timeout))),
        ])
          .catch((error) => ctx.emit('error', { error, during: 'beforeExpire' }))
          .finally(() => clearTimeout(timer)) as Promise<void>;
      },
    }),
  };
}
