import type { SessionSignal } from '../signal';
import { duration, fn, isObject } from '../options';
import { error, need } from '../errors';

/** Options of {@link serverEvents}. All durations in milliseconds. */
export interface ServerEventsOptions {
  /**
   * The Server-Sent Events endpoint (`GET`). `EventSource` cannot send headers, so the stream is
   * authenticated by the session's HttpOnly cookie, or by a `ticket`: never put a token in this URL.
   */
  url: string;
  /**
   * Fetches a short-lived, single-use ticket before each connection (e.g. a `POST` with the bearer
   * token), sent as the `ticket` query parameter: for a server that cannot read the session's cookie
   * on the stream. Called with a signal that aborts when the connection is given up.
   */
  ticket?: (signal: AbortSignal) => Promise<string>;
  /** Send cookies to a stream on another origin (`EventSource`'s `withCredentials`). Default `false`. */
  withCredentials?: boolean;
  /** A stream silent this long (not even a heartbeat) is closed and opened again. Default `60_000`. */
  heartbeatTimeout?: number;
  /** Delay before the first reconnect; each failure in a row doubles it, randomly shortened by up to half. Default `1_000`. */
  retryDelay?: number;
  /** The longest delay between reconnects. Default `60_000`. */
  maxRetryDelay?: number;
  /** The longest event (characters of its `data`) read; a longer one is ignored. Default `4_096`. */
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
 * (epoch ms) to refine the clock offset. Anything else is ignored, with one `'error'`.
 *
 * Made to work with {@link serverCheck}: each time the stream opens again, one check runs (for what
 * was said while it was down; a stream the server refuses asks for one too), and while it is up its
 * events prove the session alive, so the periodic check never comes due; while it is down, the
 * check's schedule and backoff apply. Reconnects back
 * off with jitter. The stream closes when the page enters the back/forward cache and opens again
 * when it is restored.
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
  const url = isObject(options) ? options.url : undefined;
  need(typeof url == 'string' && url, __DEV__ ? 'serverEvents() option `url` must be a URL string' : 90);
  // In production too: a token in a URL ends up in logs and histories.
  need(!/[?&](access_)?token=/i.test(url!), __DEV__ ? 'serverEvents() option `url` must be free of tokens (use the cookie or a `ticket`)' : 91);
  const ticket = fn<ServerEventsOptions['ticket']>(__DEV__ ? 'serverEvents() option `ticket` must be a function' : 92, options.ticket);
  const { withCredentials = false } = options;
  if (__DEV__) need(typeof withCredentials == 'boolean', 'serverEvents() option `withCredentials` must be a boolean');
  const silence = duration(__DEV__ ? 'serverEvents() option `heartbeatTimeout`' : 94, options.heartbeatTimeout, 60_000, 1);
  const firstDelay = duration(__DEV__ ? 'serverEvents() option `retryDelay`' : 95, options.retryDelay, 1_000, 1);
  const maxDelay = duration(__DEV__ ? 'serverEvents() option `maxRetryDelay`' : 96, options.maxRetryDelay, 60_000, firstDelay);
  const maxSize = duration(__DEV__ ? 'serverEvents() option `maxEventSize`' : 97, options.maxEventSize, 4_096, 1);
  return {
    attach(ctx) {
      const { bus } = ctx;
      let source: EventSource | undefined;
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
        source?.close();
        pending?.abort();
        source = pending = openedAt = undefined;
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
      /** The session is alive now: here (the check's next due time moves away) and in the other tabs. */
      const prove = (at: number, expiresAt?: number) => {
        bus.emit('proved', at);
        ctx.tell({ k: 'stream', at, expiresAt }, { provedAt: at });
      };
      const read = (data: unknown) => {
        const at = ctx.now();
        silentBy = at + silence;
        let event: unknown;
        try {
          if (typeof data === 'string' && data.length <= maxSize) event = JSON.parse(data);
        } catch {
          // garbage: reported below
        }
        const { type, expiresAt, serverTime } = (isObject(event) ? event : {}) as { type?: unknown; expiresAt?: number; serverTime?: number };
        if (!TYPES.includes(type as never) || !finiteOrAbsent(expiresAt) || !finiteOrAbsent(serverTime)) {
          return ctx.degrade(error(__DEV__ ? 'ignored a malformed server event' : 98), 'events');
        }
        if (type === 'revoked') return ctx.end('revoked', true);
        if (serverTime !== undefined) bus.emit('serverTime', { serverTime, sentAt: at, at, coarse: false });
        if (expiresAt !== undefined) bus.emit('serverEnd', expiresAt);
        prove(at, expiresAt);
        ctx.run();
      };
      const connect = async () => {
        if (typeof EventSource !== 'function') {
          retryAt = Infinity;
          return ctx.degrade(error(__DEV__ ? 'no EventSource, serverEvents() is off' : 99), 'events');
        }
        const attempt = (pending = new AbortController());
        silentBy = ctx.now() + silence;
        let target = url!;
        if (ticket) {
          const value: unknown = await Promise.resolve(attempt.signal).then(ticket).catch(() => null);
          if (pending !== attempt) return; // given up meanwhile
          if (typeof value !== 'string' || !value) {
            if (value !== null) ctx.degrade(error(__DEV__ ? 'serverEvents() option `ticket` must resolve to a string' : 100), 'events');
            retry();
            return ctx.run();
          }
          const withTicket = new URL(target, location.href);
          withTicket.searchParams.set('ticket', value);
          target = withTicket.href;
        }
        pending = undefined;
        // The library reconnects, not EventSource: on any error the stream is closed, then opened again after a backoff.
        const stream = (source = new EventSource(target, { withCredentials }));
        stream.onopen = () => {
          const at = (openedAt = ctx.now());
          silentBy = at + silence;
          asked = false;
          // A reconnect checks what was said while the stream was down. The first connection of a start
          // does not: the server accepting it is the proof (and a new tab may have no token yet to check with).
          if (reconnect) bus.emit('check', at);
          reconnect = true;
          prove(at);
          ctx.run();
        };
        stream.onmessage = ({ data }) => read(data);
        stream.onerror = () => source === stream && (retry(), ctx.run());
      };

      bus.on('run', (now) => {
        if (!ctx.leader) close();
        else if (source || pending) now >= silentBy && retry();
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
        due: () => (!ctx.leader ? Infinity : source || pending ? silentBy : retryAt),
      };
    },
  };
}
