// What the adapters' test apps share: the session's options from the page (`window.APP`), and the
// record of every 'expired' a component's handler heard (`window.calls`), counted by the test.
import { closeDetection, type SessionManager, type SessionOptions } from 'sessionwarden';

export interface AppWindow {
  APP: { token: string; storageKey: string; closeGrace?: number };
  calls: string[];
  session?: SessionManager;
}
const w = () => window as unknown as AppWindow;

/** The options the page asks for: a token, a storage key, and close detection when `closeGrace` is set. */
export function appOptions(): SessionOptions {
  const { token, storageKey, closeGrace } = w().APP;
  return {
    token,
    storageKey,
    idleTimeout: 30 * 60_000,
    activity: [],
    ...(closeGrace === undefined ? {} : { endOnClose: closeDetection('browser', { grace: closeGrace }) }),
  };
}

/** A component's `'expired'` handler ran. */
export const heard = (component: string, reason: string) => void w().calls.push(`${component}:${reason}`);
/** Lets the test read the manager's state. */
export const expose = (session: SessionManager) => void (w().session = session);
