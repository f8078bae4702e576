import { vi } from 'vitest';

/**
 * The least of a page that `SessionManager.start()` needs, for tests that run in Node's environment
 * (to reach a real HTTP server with Node's own `fetch`): a `window` and a `document` that take listeners.
 */
export function stubPage(): void {
  const window = new EventTarget();
  vi.stubGlobal('window', window);
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
}
