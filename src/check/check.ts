import type { CheckOptions, CheckOutcome, CheckResult } from '../types';
import { bareFetch, checkSignals } from '../activity/requests';

/** What one server check learned. */
export interface CheckAnswer {
  outcome: CheckOutcome;
  /** A new absolute end of the session (server clock). */
  expiresAt?: number;
  /** The server's clock at the middle of the request (epoch ms). */
  serverTime?: number;
  /** Whether `serverTime` is only to the second (a `Date` header). */
  coarse?: boolean;
  /** Where a redirected `url` check ended up (without its query): not the session endpoint, so `'unknown'`. */
  redirected?: string;
}

/** How long a check may take before it counts as unknown. */
export const CHECK_TIMEOUT = 10_000;

const finiteOrUndefined = (value: unknown) => (Number.isFinite(value) ? (value as number) : undefined);
const UNKNOWN: CheckAnswer = { outcome: 'unknown' };

/**
 * Runs one check. Never throws: network errors, timeouts, 5xx, redirects and odd answers are `'unknown'`;
 * only a 401/403 (or `active: false`) is `'revoked'`. Settles within {@link CHECK_TIMEOUT}, or as
 * soon as `signal` aborts, even when the request ignores its signal.
 */
export function runCheck(check: CheckOptions, token: string | null, signal: AbortSignal): Promise<CheckAnswer> {
  const timeout = new AbortController();
  // The check's own requests are not the app's: requestActivity() lets a fetch with this signal through untouched.
  checkSignals.add(timeout.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let giveUp = () => {};
  return new Promise<CheckAnswer>((resolve) => {
    // Settles even when the request ignores its signal: it must not hold this check (and every later one) forever.
    giveUp = () => (timeout.abort(), resolve(UNKNOWN));
    signal.addEventListener('abort', giveUp);
    timer = globalThis.setTimeout(giveUp, CHECK_TIMEOUT);
    ask(check, token, timeout.signal).then(resolve, giveUp);
  }).finally(() => {
    globalThis.clearTimeout(timer);
    signal.removeEventListener('abort', giveUp);
  });
}

/** Asks the server (or `check.request`); may throw, which is `'unknown'`. */
async function ask(check: CheckOptions, token: string | null, signal: AbortSignal): Promise<CheckAnswer> {
  let result: CheckResult | undefined;
  let dated: number | undefined;
  if (check.request) result = await check.request(signal);
  else {
    const response = await bareFetch()(check.url!, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
    // A proxy's sign-in page (or any other place) says nothing of this session.
    if (response.redirected) return { ...UNKNOWN, redirected: response.url.split(/[?#]/)[0] };
    if (response.status === 401 || response.status === 403) result = false;
    else if (response.ok) {
      // Any 2xx is active unless its JSON body says `active: false`; the body may also carry the times.
      const body = await response.json().catch(() => undefined);
      result = { ...body, active: body?.active !== false };
      dated = Date.parse(response.headers.get('date') ?? '');
    }
  }
  if (typeof result === 'boolean') result = { active: result };
  if (typeof result?.active !== 'boolean') return UNKNOWN;
  const serverTime = finiteOrUndefined(result.serverTime);
  return {
    outcome: result.active ? 'active' : 'revoked',
    expiresAt: finiteOrUndefined(result.expiresAt),
    // A `Date` header is only to the second.
    serverTime: serverTime ?? finiteOrUndefined(dated),
    coarse: serverTime === undefined,
  };
}
