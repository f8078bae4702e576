import type { CheckOptions, CheckOutcome } from '../types';
import { bareFetch } from '../activity/requests';

/** What one server check learned. */
export interface CheckAnswer {
  outcome: CheckOutcome;
  /** A new absolute end of the session (server clock). */
  expiresAt?: number;
  /** The server's clock at the middle of the request (epoch ms). */
  serverTime?: number;
  /** Whether `serverTime` is only to the second (a `Date` header). */
  coarse?: boolean;
}

/** How long a check may take before it counts as unknown. */
export const CHECK_TIMEOUT = 10_000;

const finiteOrUndefined = (value: unknown) => (Number.isFinite(value) ? (value as number) : undefined);

/**
 * Runs one check. Never throws: network errors, timeouts, 5xx and odd answers are `'unknown'`;
 * only a 401/403 (or `active: false`) is `'revoked'`.
 */
export async function runCheck(check: CheckOptions, token: string | null, signal: AbortSignal): Promise<CheckAnswer> {
  const timeout = new AbortController();
  const onAbort = () => timeout.abort();
  signal.addEventListener('abort', onAbort);
  const timer = globalThis.setTimeout(onAbort, CHECK_TIMEOUT);
  try {
    if (check.request) {
      const result = await check.request(timeout.signal);
      if (typeof result === 'boolean') return { outcome: result ? 'active' : 'revoked' };
      if (typeof result?.active !== 'boolean') return { outcome: 'unknown' };
      return {
        outcome: result.active ? 'active' : 'revoked',
        expiresAt: finiteOrUndefined(result.expiresAt),
        serverTime: finiteOrUndefined(result.serverTime),
      };
    }
    const response = await bareFetch()(check.url!, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      credentials: 'same-origin',
      cache: 'no-store',
      signal: timeout.signal,
    });
    if (response.status === 401 || response.status === 403) return { outcome: 'revoked' };
    if (!response.ok) return { outcome: 'unknown' };
    const body = await response.json().catch(() => undefined);
    if (body?.active === false) return { outcome: 'revoked' };
    const serverTime = finiteOrUndefined(body?.serverTime);
    const dated = Date.parse(response.headers.get('date') ?? '');
    return {
      outcome: 'active',
      expiresAt: finiteOrUndefined(body?.expiresAt),
      serverTime: serverTime ?? finiteOrUndefined(dated),
      coarse: serverTime === undefined,
    };
  } catch {
    return { outcome: 'unknown' };
  } finally {
    globalThis.clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
