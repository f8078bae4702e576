import type { ActivitySource } from '../types';

/** Options of {@link requestActivity}. */
export interface RequestActivityOptions {
  /** `true` for the app's background polling, which must not keep an idle session alive (a 401 on it still ends the session). */
  ignore?: (url: string) => boolean;
  /**
   * The origins or URL prefixes that are the app's API (absolute, or relative to the page). Default:
   * the page's own origin. Requests anywhere else (a map tile server, analytics) never count, prove
   * or revoke: a 401 from them is not about this session.
   */
  api?: readonly string[];
}

/** The `fetch` that was there before any wrapping: the session check's own requests use it. */
let bare: typeof fetch | undefined;
export const bareFetch = (): typeof fetch => bare ?? globalThis.fetch;

/** The signals of the session check's own requests: a `fetch` with one is passed through untouched. */
export const checkSignals = new WeakSet<AbortSignal>();

/** The URL of a `fetch` input: a string, a `URL` or a `Request`. */
const urlOf = (input: RequestInfo | URL): string => (input as Request).url ?? String(input);

/**
 * The app's own requests to its API as activity: wraps `fetch` while started and restores it on
 * stop. A request to the API counts as activity unless `ignore(url)`; a 2xx proves the session
 * alive (the next server check is skipped); a 401 ends the session with reason `'revoked'`, ignored
 * or not. A 403 never does: it is a permission error, not a session error. The answer's `Date`
 * header sets the clock offset while none is known (`clockSkew: 'auto'`, e.g. after an old token). Requests outside `api` and the session
 * check's own requests are none of these.
 * @throws `TypeError` when `ignore` is not a function or `api` not an array of URL strings.
 */
export function requestActivity({ ignore, api }: RequestActivityOptions = {}): ActivitySource {
  if (ignore !== undefined && typeof ignore !== 'function') {
    throw new TypeError('sessionwarden: requestActivity() option `ignore` must be a function');
  }
  if (api !== undefined && (!Array.isArray(api) || !api.length || api.some((prefix) => typeof prefix !== 'string' || !prefix))) {
    throw new TypeError('sessionwarden: requestActivity() option `api` must be a non-empty array of origins or URL prefixes');
  }
  return {
    start(report, session) {
      const original = globalThis.fetch;
      if (typeof original !== 'function') return () => {};
      // Resolved once against the page: an origin `https://api.example` becomes `https://api.example/`.
      const base = globalThis.location?.href;
      const resolve = (url: string) => {
        try {
          return new URL(url, base).href;
        } catch {
          return undefined; // relative, where there is no page to resolve it against
        }
      };
      const prefixes = (api ?? [globalThis.location?.origin ?? '']).map(resolve).filter((prefix): prefix is string => !!prefix);
      const ours = (url: string) => {
        const href = resolve(url);
        return !!href && prefixes.some((prefix) => href.startsWith(prefix));
      };
      bare ??= original;
      let on = true;
      const wrapped: typeof fetch = async (input, init) => {
        const url = urlOf(input);
        if (!on || checkSignals.has(init?.signal!) || !ours(url)) return original(input, init);
        const counts = !ignore?.(url);
        if (counts) report();
        const response = await original(input, init);
        // A request still in flight when the source stopped tells a stopped session nothing.
        if (!on) return response;
        // The API's clock, for an offset no token or check has taught yet.
        const date = Date.parse(response.headers?.get('date') ?? '');
        if (date > 0) session?.dated?.(date);
        if (response.status === 401) session?.revoked();
        else if (counts && response.ok) session?.proved();
        return response;
      };
      globalThis.fetch = wrapped;
      return () => {
        on = false;
        if (globalThis.fetch === wrapped) globalThis.fetch = original;
        if (bare === original) bare = undefined;
      };
    },
  };
}
