import type { ActivitySource } from '../types';

/** Options of {@link domActivity}. */
export interface DomActivityOptions {
  /** Events that count as activity. Default: pointerdown, pointermove, keydown, wheel, scroll, touchstart. */
  events?: readonly string[];
  /** Where to listen. Default `document` (capture phase, so nothing can stop the events first). */
  target?: EventTarget;
  /** Passive listeners. Default `true`. */
  passive?: boolean;
}

const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll', 'touchstart'] as const;

/**
 * User input as activity: passive, capture-phase listeners whose handler only stores a
 * timestamp (no timer call, no allocation). Any pointer movement counts, in any direction.
 */
export function domActivity({ events = EVENTS, target, passive = true }: DomActivityOptions = {}): ActivitySource {
  if (!Array.isArray(events) || !events.length || events.some((type) => typeof type !== 'string')) {
    throw new TypeError('sessionwarden: domActivity `events` must be a non-empty array of event names');
  }
  if (target !== undefined && typeof target?.addEventListener !== 'function') {
    throw new TypeError('sessionwarden: domActivity `target` must be an EventTarget');
  }
  return {
    start(report) {
      const on = target ?? document;
      const options: AddEventListenerOptions = { capture: true, passive };
      const onEvent = () => report();
      for (const type of events) on.addEventListener(type, onEvent, options);
      return () => {
        for (const type of events) on.removeEventListener(type, onEvent, options);
      };
    },
  };
}
