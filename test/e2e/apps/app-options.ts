// What the adapters' test apps share: the app's manager, made from the page's options (`window.APP`)
// as an app makes it in a module of its own, and the record of every 'expired' a component's handler
// heard (`window.calls`), counted by the test.
import { closeDetection, SessionManager } from 'sessionwarden';

export interface AppWindow {
  /** `delay`: the app renders its components that long after it started the session (loading its config, a lazy route). */
  APP: { token: string; storageKey: string; closeGrace?: number; delay?: number };
  calls: string[];
  session?: SessionManager;
}
const w = window as unknown as AppWindow;
const { token, storageKey, closeGrace, delay } = w.APP;

/** The app's manager: a token, a storage key, and close detection when the page asks for it. */
export const session = (w.session = new SessionManager({
  token,
  storageKey,
  idleTimeout: 30 * 60_000,
  activity: [],
  ...(closeGrace === undefined ? {} : { endOnClose: closeDetection('browser', { grace: closeGrace }) }),
}));

/** Runs `render` now, or after the page's `delay` (on the page's clock). */
export const later = (render: () => void) => (delay === undefined ? render() : void setTimeout(render, delay));

/** A component's `'expired'` handler ran. */
export const heard = (component: string, reason: string) => void w.calls.push(`${component}:${reason}`);
