import type { SessionSignal } from '../signal';
import { duration } from '../options';
import { need } from '../errors';
import { hold, holders } from '../tabs/locks';

/** Options of {@link closeDetection}. */
export interface CloseDetectionOptions {
  /** How long a page may be gone before a reload counts as a close. Default `10_000`. */
  grace?: number;
  /**
   * A URL that receives a `navigator.sendBeacon` on `pagehide` of the closing tab (the last one for
   * `'browser'`; every one when a server check can answer for the open ones). A page cannot tell a
   * close from a reload then: the server ends the session only if no request follows within `grace`.
   */
  beacon?: string;
}

/** The close-detection signal; `solo` when the session is this tab's alone (`'tab'`). */
export interface CloseDetectionSignal extends SessionSignal {
  /** `'tab'`: the session lives in this tab alone (in `sessionStorage`), and nothing crosses to other tabs. */
  readonly solo: boolean;
}

/**
 * Ends the session when the user closes the browser (`'browser'`: the last tab of the origin) or the
 * tab (`'tab'`: the session belongs to this tab alone), with reason `'closed'`. A reload or a
 * same-site navigation is never a close: a page gone for longer than `grace` is. Pages are counted
 * with a shared Web Lock; a page that vanishes without `pagehide` (a crash) is not seen to close.
 * @throws `TypeError` or `RangeError` naming a bad argument.
 */
export function closeDetection(mode: 'browser' | 'tab', options: CloseDetectionOptions = {}): CloseDetectionSignal {
  const { beacon } = options;
  if (__DEV__) {
    need(mode === 'browser' || mode === 'tab', "closeDetection() mode must be 'browser' or 'tab'");
    need(beacon === undefined || typeof beacon == 'string', 'closeDetection() option `beacon` must be a URL string');
  }
  const grace = duration(__DEV__ ? 'closeDetection() option `grace`' : 63, options.grace, 10_000);
  return {
    solo: mode === 'tab',
    attach(ctx) {
      const { bus } = ctx;
      const name = `${ctx.key}:open`;
      /** Pages of this session open now, this one included (kept by Web Locks and the open/gone messages). */
      let openPages = 1;
      /** This page said it was gone (pagehide); back from the back/forward cache, it says it is open again. */
      let gone = false;
      /** Whether a server check answers a closing page's beacon for the pages still open. */
      const answers = () => !!(beacon && bus.all.get('check')?.length);
      // Without Web Locks pages cannot be counted: assume others, so a lone close sends no beacon on a guess.
      const count = () => holders(name).then((n) => void (openPages = n ?? 2));
      const announce = () => count().then(() => ctx.tell({ k: 'open' }));

      bus.on('msg:open', () => void count());
      bus.on('msg:gone', () => {
        openPages = Math.max(1, openPages - 1);
        // Its beacon asked the server to end the session unless a request comes within `grace`: this page is
        // still open, so the leader asks, after the beacon has arrived and before the grace ends.
        if (answers()) bus.emit('check', ctx.now() + grace / 2);
      });
      // Back from the back/forward cache (the first wake-up after a pagehide): open again.
      bus.on('wake', () => {
        if (gone) void announce();
        gone = false;
      });
      bus.on('hide', ({ final }) => {
        if (!final || ctx.phase().phase === 'expired') return;
        // With a check to keep the session, every closing page sends it: pages closing in the same instant
        // (quitting the browser) each still count the others, and would each leave the beacon to another.
        // The beacon goes before the record's write: Firefox loses a closing window's beacon sent after a
        // localStorage write in the same pagehide.
        if (beacon && (openPages < 2 || answers())) navigator.sendBeacon?.(beacon);
        ctx.tell({ k: 'gone' }, { goneAt: ctx.now() });
        gone = true;
      });
      return {
        start() {
          const record = ctx.read();
          const closed = record?.goneAt !== undefined && ctx.now() - record.goneAt > grace;
          if (mode === 'tab') return void (closed && ctx.end('closed', false));
          let live = true;
          let release = () => {};
          // Until the browser says whether another page is open, a session that may have closed is not 'active'.
          const known = closed ? ctx.wait() : () => {};
          // A lock manager that never answers must not hold the start: after a second, it cannot tell.
          const counted = closed ? Promise.race([holders(name), new Promise<undefined>((resolve) => setTimeout(resolve, 1_000))]) : holders(name);
          void counted.then((others) => {
            if (!live) return; // stopped (and maybe started again) meanwhile
            // Without Web Locks a close cannot be told from another open tab: never end on a guess.
            if (closed && others === 0) ctx.end('closed', true);
            else release = hold(bus, name, 'shared', () => void announce());
            known();
          });
          return () => {
            live = false;
            release();
          };
        },
      };
    },
  };
}
