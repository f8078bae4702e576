// Why a browser test is skipped in an engine, in one place: what the engine (or its driver here)
// cannot do, and what waits for a library fix. `E2E_PENDING=1` runs the tests that wait for a
// library fix anyway, to see whether it landed.

/** A skip that waits for a change of the library (src/), not for the engine. */
export const PENDING = 'awaiting a library fix: ';
const pending = (what: string) => PENDING + what;

/** WebKitGTK's MiniBrowser under automation runs on an ephemeral data store. */
export const NO_RESTART = 'MiniBrowser under WebDriver keeps no profile (storage) across a restart, so a browser restart cannot be tested in WebKit';

/**
 * Firefox keeps a page out of the back/forward cache when it holds or awaits a Web Lock as the navigation
 * starts (the library now lets its locks go at beforeunload, and those tests pass there), and, it seems, when
 * it had a `serverEvents()` stream open.
 */
export const FIREFOX_STREAM_BFCACHE = pending(
  'Firefox ESR 153 does not restore from the back/forward cache a page that had a serverEvents() stream open, though the library closes it '
  + 'on pagehide (closing it at beforeunload as well did not help either): on Back the page reloads instead (its session is right, the restore is slower)',
);

/** Firefox loses what a closing window's pagehide does after a localStorage write. */
export const FIREFOX_BEACON = pending(
  'in Firefox ESR 153 (a window closed over WebDriver BiDi) a navigator.sendBeacon() in the pagehide of a closing window is lost when that handler '
  + 'also writes localStorage (0 of 6 arrive; 6 of 6 without the write), and the write is not seen by the other open pages of the origin: '
  + 'the library now sends the close beacon before it writes the record (goneAt) in pagehide, and these tests still pass in only 3 to 5 of 8 runs '
  + '(E2E_PENDING=1, three runs on 2026-12-06): a close seen at times is not a close to test',
);

/** The README's and the demo's pictures come from one engine, so that they do not change with the engine that ran last. */
export const SCREENSHOTS_IN_CHROMIUM = 'the screenshots in docs/images are taken in Chromium only (one engine draws them all)';

/** Firefox: the close is not seen at all when the closing window's write of the record is lost. */
export const FIREFOX_CLOSED_LOST = pending(
  "in Firefox ESR 153 (a window closed over WebDriver BiDi) the record's goneAt, written in the pagehide of the closing last window, is "
  + "at times lost, so a tab opened after closeGrace finds the session running: the close must not rest on that one write",
);
