/** What the page tells the manager. */
export interface PageSignals {
  /** The page may have slept, been throttled or frozen: re-check the clock now. `restored`: it came back from the back/forward cache. */
  wake(focus: boolean, restored?: boolean): void;
  /**
   * The page is being hidden; `final` when it is being unloaded or put in the back/forward cache,
   * `cached` when it is going into that cache.
   */
  hide(final: boolean, cached?: boolean): void;
}

/**
 * Listens to the page lifecycle: `visibilitychange`, `focus`, `pageshow`, `online` and `resume`
 * (Chrome unfreezing a background tab) wake the manager (becoming visible is never activity);
 * `visibilitychange` to hidden and `pagehide` hide it. Returns the function that stops listening.
 */
export function watchPage(signals: PageSignals): () => void {
  const onVisibility = () => (document.visibilityState === 'visible' ? signals.wake(true) : signals.hide(false));
  const onFocus = () => signals.wake(true);
  const onWake = (event: Event) => signals.wake(false, (event as PageTransitionEvent).persisted);
  const onPageHide = (event: Event) => signals.hide(true, (event as PageTransitionEvent).persisted);
  const listeners: [EventTarget, string, (event: Event) => void][] = [
    [document, 'visibilitychange', onVisibility],
    [window, 'focus', onFocus],
    [window, 'pageshow', onWake],
    [window, 'online', onWake],
    [document, 'resume', onWake],
    [window, 'pagehide', onPageHide],
  ];
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
  };
}

/**
 * Calls `again` each time the page comes back from the back/forward cache after it entered it from
 * now on (a restore that only ends a session on its wake-up is not one). Returns the function that stops.
 */
export function onRestore(again: () => void): () => void {
  let cached = false;
  return watchPage({ wake: (_, restored) => restored && cached && again(), hide: (final, into) => void (final && (cached = !!into)) });
}
