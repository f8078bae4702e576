import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ServerSession, SessionStore } from './store';

/** Options of {@link createEventHub}; durations in milliseconds. */
export interface EventHubOptions {
  /**
   * How often every stream gets a heartbeat, and every streamed session is looked up (one that ran
   * out meanwhile gets `revoked`). Keep it well under the client's `heartbeatTimeout` (60 s) and under
   * the idle timeout of every proxy on the way (often 60 s). Default 25 s.
   */
  heartbeat?: number;
  /** Streams one session may hold (one per browser is the rule: its leading tab's); one more closes the oldest. Default 3. */
  perSession?: number;
}

interface Stream {
  send(chunk: Uint8Array): void;
  close(): void;
}

/** The open event streams of this process, as returned by {@link createEventHub}. */
export type EventHub = ReturnType<typeof createEventHub>;

const encoder = new TextEncoder();
/** One Server-Sent Event: a JSON object in `data`, the event type inside it (what `serverEvents()` reads). */
const frame = (event: Record<string, unknown>) => encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
const HEARTBEAT = frame({ type: 'heartbeat' });
const REVOKED = frame({ type: 'revoked' });
/** A stream whose client reads nothing is closed before its queue holds more than this. */
const MAX_QUEUED = 64 * 1024;

/**
 * The event streams of this process, by session: one timer beats them all (none while there is no
 * stream), and `end(id)` tells every stream of a session that it ended, then closes them. The store
 * calls `end` for each session that ends, in every process (through Redis pub/sub when shared).
 */
export function createEventHub(store: SessionStore, now: () => number, { heartbeat = 25_000, perSession = 3 }: EventHubOptions = {}) {
  const streams = new Map<string, Set<Stream>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let beating = false;

  const forget = (id: string, stream: Stream) => {
    const set = streams.get(id);
    set?.delete(stream);
    if (set?.size === 0) streams.delete(id);
    if (streams.size === 0 && timer) timer = void clearInterval(timer);
  };
  /** A session ended: its streams here say `revoked` and close; `replaced` (a new sign-in in that browser), they just close. */
  const end = (id: string, replaced = false) => {
    const set = streams.get(id);
    if (!set) return;
    for (const stream of set) {
      if (!replaced) stream.send(REVOKED);
      stream.close();
    }
  };
  const beat = async () => {
    if (beating) return; // a slow store: skip a beat rather than pile them up
    beating = true;
    try {
      for (const [id, set] of [...streams]) {
        if (await store.get(id)) for (const stream of set) stream.send(HEARTBEAT);
        else end(id); // ran out (idle, the close beacon's grace) since it was last looked at
      }
    } finally {
      beating = false;
    }
  };

  return {
    end,
    /** How many streams are open here. */
    size: () => [...streams.values()].reduce((sum, set) => sum + set.size, 0),
    /** The stream's answer for a session the caller authenticated. */
    open(session: ServerSession): Response {
      let stream!: Stream;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          stream = {
            send(chunk) {
              if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return stream.close();
              try {
                controller.enqueue(chunk);
              } catch {
                // closed meanwhile
              }
            },
            close() {
              forget(session.id, stream);
              try {
                controller.close();
              } catch {
                // closed already
              }
            },
          };
          const set = streams.get(session.id) ?? new Set<Stream>();
          streams.set(session.id, set.add(stream));
          for (const old of set) if (set.size > perSession) old.close(); // the oldest first
          timer ??= setInterval(() => void beat(), heartbeat).unref();
          // At once: the client learns the server's time and the session's end, and its `open` fires.
          stream.send(frame({ type: 'session', serverTime: now(), expiresAt: store.endsAt(session) }));
        },
        cancel: () => forget(session.id, stream), // the client went away
      });
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
      });
    },
    /** Closes every stream without a word (a shutdown is not a sign-out: clients reconnect elsewhere, with backoff). */
    close() {
      for (const set of [...streams.values()]) for (const stream of [...set]) stream.close();
    },
  };
}

/**
 * `GET /api/events`: the stream of the session whose refresh cookie comes with it (the client's
 * request sends cookies, never an Authorization header; the cookie is HttpOnly, SameSite=Strict, Path=/api). A
 * missing, unknown or replayed value gets 401, which `serverEvents()` answers with one check. Opening
 * a stream is not use (the idle window stays), but it says a page is there (a pending close is off).
 */
export const eventsRoute = (store: SessionStore, hub: EventHub, cookie: string) => async (c: Context) => {
  const found = await store.byRefresh(getCookie(c, cookie));
  if (!found || found.status === 'reused') return c.json({ error: 'unauthorized' }, 401);
  await store.alive(found.session);
  return hub.open(found.session);
};
