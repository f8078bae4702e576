import type { ActivitySource } from '../types';
import { need } from '../errors';

/** Options of {@link domActivity}. */
export interface DomActivityOptions {
  /** Events that count as activity. Default: pointerdown, pointermove, keydown, wheel, touchstart. */
  events?: readonly string[];
  /** Where to listen. Default `document` (capture phase, so nothing can stop the events first). */
  target?: EventTarget;
  /** Passive listeners. Default `true`. */
  passive?: boolean;
}

// No `scroll`: a page scrolls itself (a chat or log following new lines); the user's own scrolling
// comes with wheel, touch or key events, which are here.
const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * The user's own input as activity: passive, capture-phase listeners whose handler only stores a
 * timestamp (no timer call, no allocation). Any pointer movement counts, in any direction. Events
 * made by scripts (`isTrusted === false`) never count.
 * @throws `TypeError` for `events` that is not a non-empty array of names, or a `target` that is not an `EventTarget`.
 */
export function domActivity({ events = EVENTS, target, passive = true }: DomActivityOptions = {}): ActivitySource {
  if (__DEV__) need(Array.isArray(events) && events.length && events.every((type) => typeof type == 'string'), 'domActivity() option `events` must be a non-empty array of event names');
  // In production too: start() would fail half-way.
  need(target === undefined || typeof target?.addEventListener == 'function', __DEV__ ? 'domActivity() option `target` must be an EventTarget' : 71);
  return {
    start(report) {
      const on = target ?? document;
      const options: AddEventListenerOptions = { capture: true, passive };
      // `!== false`: a DOM without `isTrusted` (a test DOM such as happy-dom) counts every event.
      const onEvent = (event: Event) => event.isTrusted !== false && report();
      for (const type of events) on.addEventListener(type, onEvent, options);
      return () => {
        for (const type of events) on.removeEventListener(type, onEvent, options);
      };
    },
  };
}
