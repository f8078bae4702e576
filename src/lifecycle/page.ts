/** The page's events that wake the session or hide it (`focus` on the window alone, the others from the document too). */
const EVENTS = ['visibilitychange', 'focus', 'pageshow', 'online', 'resume', 'pagehide'];

/**
 * Listens to the page lifecycle: `visibilitychange` to visible, `focus`, `pageshow`, `online` and
 * `resume` (Chrome unfreezing a background tab) `wake` the session (`focus`: it became visible or
 * focused; becoming visible is never activity; `restored`: back from the back/forward cache);
 * `visibilitychange` to hidden and `pagehide` `hide` it (`final` on `pagehide`, `cached` when the
 * page goes into that cache). Returns the function that stops listening.
 */
export function watchPage(wake: (focus: boolean, restored?: boolean) => void, hide: (final: boolean, cached?: boolean) => void): () => void {
  const on = ({ type, persisted }: PageTransitionEvent) =>
    type == 'pagehide' ? hide(true, persisted) : type != 'visibilitychange' ? wake(type == 'focus', persisted) : document.visibilityState == 'visible' ? wake(true) : hide(false);
  // Capture on the window hears the document's events; `focus` without it, so that no element's focus wakes the session.
  const each = (listen: typeof addEventListener) => EVENTS.map((type) => listen(type, on as EventListener, type != 'focus'));
  each(addEventListener);
  return () => void each(removeEventListener);
}
