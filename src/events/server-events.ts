import type { SessionSignal } from '../signal';
import { duration, fn, isObject, must } from '../options';
import { bareFetch } from '../activity/requests';
import { eventStream } from './event-stream';

/** Options of {@link serverEvents}. All durations in milliseconds. */
export interface ServerEventsOptions {
  /**
   * The Server-Sent Events endpoint (`GET`, `Accept: text/event-stream`). The stream is authenticated
   * by the session's HttpOnly cookie, or by a `ticket`: never put a token in this URL (it ends up in
   * logs and history). It must answer a 2xx with `Content-Type: text/event-stream`; anything else,
   * a redirect included (not followed), is a refused stream.
   */
  url: string;
  /**
   * Fetches a short-lived, single-use ticket before each connection (e.g. a `POST` with the bearer
   * token), sent as the `ticket` query parameter: for a server that cannot read the session's cookie
   * on the stream. Called with a signal that aborts when the connection is given up.
   */
  ticket?: (signal: AbortSignal) => Promise<string>;
  /** Send cookies to a stream on another origin (fetch's `credentials: 'include'`; otherwise `'same-origin'`). Default `false`. */
  withCredentials?: boolean;
  /** A stream silent this long (not even a heartbeat) is closed and opened again. Default `60_000`. */
  heartbeatTimeout?: number;
  /** Delay before the first reconnect; each failure in a row doubles it, randomly shortened by up to half. Default `1_000`. */
  retryDelay?: number;
  /** The longest delay between reconnects. Default `60_000`. */
  maxRetryDelay?: number;
  /**
   * The most bytes of one event held while it is read: its `data:` lines (without their line ends)
   * and the line not ended yet. A stream that sends more before the blank line that ends the event
   * is closed at once, with one `'error'`, and opened again after the backoff: memory stays bounded
   * whatever the server sends. Default `4_096`.
   */
  maxEventSize?: number;
}

const TYPES = ['heartbeat', 'session', 'revoked'];
const finiteOrAbsent = (value: unknown) => value === undefined || Number.isFinite(value);

/**
 * Sign-out pushed by the server, at once: one Server-Sent Events stream for all tabs, held by the
 * leading tab, which tells the others. Each event's `data` is a JSON object:
 * `{"type":"revoked"}` ends the session with reason `'revoked'` in every tab;
 * `{"type":"session","expiresAt":…}` moves the end of a session without a JWT `exp` (server clock,
 * epoch ms); `{"type":"heartbeat"}` says the stream is alive; any of them may carry `serverTime`
 * (epoch ms) to refine the clock offset. Anything else is ignored, with one `'error'`; so are
 * events with an `event:` name (as `EventSource`'s `onmessage` would), comments, `id:` and `retry:`
 * (the reconnects are the library's own).
 *
 * The stream is read with `fetch` and a streaming parser that holds at most `maxEventSize` bytes of
 * one event. Its request is never the app's: `requestActivity()` does not see it.
 *
 * Made to work with {@link serverCheck}: each time the stream opens again, one check runs (for what
 * was said while it was down; a stream the server refuses asks for one too), and while it is up its
 * events prove the session alive, so the periodic check never comes due; while it is down, the
 * check's schedule and backoff apply. Reconnects back off with jitter. Every way out (`stop()`, the
 * end, another tab taking the lead, another user's token) aborts the request; so does the page
 * entering the back/forward cache (an open request would keep it out), and the stream opens again
 * when the page is restored.
 *
 * @example
 * ```ts
 * const session = new SessionManager({
 *   token: jwt,
 *   check: serverCheck({ url: '/api/session' }),
 *   signals: [serverEvents({ url: '/api/events' })], // authenticated by the HttpOnly session cookie
 * });
 * ```
 * @throws `TypeError` or `RangeError` naming a bad option.
 */
export function serverEvents(options: ServerEventsOptions): SessionSignal {
  const name = (option: string) => `serverEvents() option \`${option}\``;
  const url = isObject(options) ? options.url : undefined;
  must(typeof url === 'string' && url, name('url'), 'a URL string');
  must(!/[?&](access_)?token=/i.test(url!), name('url'), 'free of tokens (use the cookie or a `ticket`)');
  const ticket = fn<ServerEventsOptions['ticket']>(name('ticket'), options.ticket);
  const { withCredentials = false } = options;
  must(typeof withCredentials === 'boolean', name('withCredentials'), 'a boolean');
  const silence = duration(name('heartbeatTimeout'), options.heartbeatTimeout, 60_000, 1);
  const firstDelay = duration(name('retryDelay'), options.retryDelay, 1_000, 1);
  const maxDelay = duration(name('maxRetryDelay'), options.maxRetryDelay, 60_000, firstDelay);
  const maxSize = duration(name('maxEventSize'), options.maxEventSize, 4_096, 1);
  return {
    attach(ctx) {
      const { bus } = ctx;
      /** The connection: its ticket, its request and its body, all given up by one `abort()`. */
      let pending: AbortController | undefined;
      /** When the stream (or the attempt to open it) counts as dead if nothing was heard. */
      let silentBy = Infinity;
      let retryAt = -Infinity;
      let failures = 0;
      let openedAt: number | undefined;
      /** Whether a check was asked for since the stream was last open: a refused stream asks once. */
      let asked = false;
      /** Whether the stream was open before in this session (here, or in the tab that led before): opening it again is a reconnect. */
      let reconnect = false;

      const close = () => {
        pending?.abort();
        pending = openedAt = undefined;
      };
      /** The stream failed or fell silent: close it, and open it again after a jittered backoff. */
      const retry = () => {
        const now = ctx.now();
        // A stream that lived a while failed once; one refused or cut at once fails again, for longer.
        failures = openedAt !== undefined && now - openedAt >= silence ? 1 : failures + 1;
        retryAt = now + Math.min(maxDelay, firstDelay * 2 ** (failures - 1)) * (1 - Math.random() / 2);
        const refused = openedAt === undefined && !asked;
        close();
        // Refused: maybe the session ended while the stream was down. One check says; the check's own
        // schedule and backoff apply to the rest of the outage.
        if (refused) {
          asked = true;
          bus.emit('check', now);
        }
      };
      /** `retry()` from outside a decision: and decide at once. */
      const fail = () => (retry(), ctx.run());
      /** The session is alive now: here (the check's next due time moves away) and in the other tabs. */
      const prove = (at: number, expiresAt?: number) => {
        bus.emit('proved', at);
        ctx.tell({ k: 'stream', at, expiresAt }, { provedAt: at });
      };
      const read = (data: string) => {
        const at = ctx.now();
        silentBy = at + silence;
        let event: unknown;
        try {
          event = JSON.parse(data);
        } catch {
          // garbage: reported below
        }
        const { type, expiresAt, serverTime } = (isObject(event) ? event : {}) as { type?: unknown; expiresAt?: number; serverTime?: number };
        if (!TYPES.includes(type as never) || !finiteOrAbsent(expiresAt) || !finiteOrAbsent(serverTime)) {
          return ctx.degrade(new TypeError('sessionwarden: ignored a malformed server event'), 'events');
        }
        if (type === 'revoked') return ctx.end('revoked', true);
        if (serverTime !== undefined) bus.emit('serverTime', { serverTime, sentAt: at, at, coarse: false });
        if (expiresAt !== undefined) bus.emit('serverEnd', expiresAt);
        prove(at, expiresAt);
        ctx.run();
      };
      const connect = async () => {
        // The fetch before requestActivity() wrapped it: the stream is not the app's request (nor its 401 a sign-out).
        const request = bareFetch();
        if (typeof request !== 'function') {
          retryAt = Infinity;
          return ctx.degrade(new TypeError('sessionwarden: no fetch, serverEvents() is off'), 'events');
        }
        const { signal } = (pending = new AbortController());
        silentBy = ctx.now() + silence;
        try {
          let target = url!;
          if (ticket) {
            const value: unknown = await Promise.resolve(signal).then(ticket).catch(() => null);
            if (signal.aborted) return; // given up meanwhile
            if (typeof value !== 'string' || !value) {
              if (value !== null) ctx.degrade(new TypeError(`sessionwarden: ${name('ticket')} must resolve to a string`), 'events');
              return fail();
            }
            const withTicket = new URL(target, location.href);
            withTicket.searchParams.set('ticket', value);
            target = withTicket.href;
          }
          const response = await request(target, {
            headers: { accept: 'text/event-stream' },
            credentials: withCredentials ? 'include' : 'same-origin',
            cache: 'no-store',
            // Only the stream itself: a redirect (to a sign-in page) is a refused stream, not followed.
            redirect: 'manual',
            signal,
          });
          const reader = response.body?.getReader();
          // Every way out (stop(), the end, a lost lead, the back/forward cache, a failure) aborts: the body goes with it.
          const cancel = () => void reader?.cancel().catch(() => {});
          if (signal.aborted) return cancel();
          signal.addEventListener('abort', cancel);
          if (!response.ok || !reader || !/^text\/event-stream\s*(;|$)/i.test(response.headers.get('content-type') ?? '')) {
            // A 2xx that is no event stream is a wrong URL (a page served for any path), not a session that ended.
            if (response.ok) ctx.degrade(new TypeError('sessionwarden: no text/event-stream at serverEvents() `url`'), 'events');
            return fail();
          }
          const at = (openedAt = ctx.now());
          silentBy = at + silence;
          asked = false;
          // A reconnect checks what was said while the stream was down. The first connection of a start
          // does not: the server accepting it is the proof (and a new tab may have no token yet to check with).
          if (reconnect) bus.emit('check', at);
          reconnect = true;
          prove(at);
          ctx.run();
          const feed = eventStream(maxSize, (data) => signal.aborted || read(data));
          for (;;) {
            const { done, value } = await reader.read();
            if (signal.aborted) return;
            if (done) break; // the server ended the stream
            if (!feed(value)) {
              ctx.degrade(new RangeError('sessionwarden: a server event over `maxEventSize`'), 'events');
              break;
            }
          }
        } catch {
          // A network error, or the stream cut: retried below.
        }
        // The library reconnects, after a backoff; every failure comes here, unless the connection was given up.
        if (!signal.aborted) fail();
      };

      bus.on('run', (now) => {
        if (!ctx.leader) close();
        else if (pending) now >= silentBy && retry();
        else if (now >= retryAt) void connect();
      });
      // The leader's news: the session is alive, and maybe ends elsewhen.
      bus.on('msg:stream', (message) => {
        reconnect = true;
        bus.emit('proved', message.at as number);
        if (!Number.isFinite(message.expiresAt)) return;
        bus.emit('serverEnd', message.expiresAt as number);
        ctx.run();
      });
      const reopen = () => {
        close();
        retryAt = -Infinity;
      };
      // A page in the back/forward cache holds no connection; it opens one again when restored (`wake`).
      bus.on('hide', ({ cached }) => cached && reopen());
      // Another user's session began here: the open stream is the old session's.
      bus.on('restart', () => {
        reopen();
        reconnect = false;
      });
      return {
        start() {
          failures = 0;
          asked = reconnect = false;
          reopen();
          return close;
        },
        due: () => (!ctx.leader ? Infinity : pending ? silentBy : retryAt),
      };
    },
  };
}
