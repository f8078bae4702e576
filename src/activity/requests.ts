import type { ActivitySource } from '../types';

/** Options of {@link requestActivity}. */
export interface RequestActivityOptions {
  /** `true` for the app's background polling, which must not keep an idle session alive. */
  ignore?: (url: string) => boolean;
}

/** The `fetch` that was there before any wrapping: the session check's own requests use it. */
let bare: typeof fetch | undefined;
export const bareFetch = (): typeof fetch => bare ?? globalThis.fetch;

/** The signals of the session check's own requests: a `fetch` with one is passed through untouched. */
export const checkSignals = new WeakSet<AbortSignal>();

/** The URL of a `fetch` input: a string, a `URL` or a `Request`. */
const urlOf = (input: RequestInfo | URL): string => (input as Request).url ?? String(input);

/**
 * The app's own requests as activity: wraps `fetch` while started and restores it on stop.
 * A request counts as activity unless `ignore(url)`; a 2xx proves the session alive (the next
 * server check is skipped); a 401 ends the session with reason `'revoked'`, ignored or not.
 * A 403 never does: it is a permission error, not a session error. The session check's own
 * requests are none of these.
 * @throws `TypeError` when `ignore` is given but is not a function.
 */
export function requestActivity({ ignore }: RequestActivityOptions = {}): ActivitySource {
  if (ignore !== undefined && typeof ignore !== 'function') {
    throw new TypeError('sessionwarden: requestActivity `ignore` must be a function');
  }
  return {
    start(report, session) {
      const original = globalThis.fetch;
      if (typeof original !== 'function') return () => {};
      bare ??= original;
      let on = true;
      const wrapped: typeof fetch = async (input, init) => {
        if (!on || checkSignals.has(init?.signal!)) return original(input, init);
        const counts = !ignore?.(urlOf(input));
        if (counts) report();
        const response = await original(input, init);
        // A request still in flight when the source stopped tells a stopped session nothing.
        if (!on) return response;
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
