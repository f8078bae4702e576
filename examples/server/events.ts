import type { Context } from 'hono';
import type { RefreshCookie } from './cookie';
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
  /** Streams one user may hold in this process, whatever the session; one more closes the user's oldest. Default 10. */
  perUser?: number;
  /** Streams one client address may hold in this process; one more is refused (`429`, `Retry-After`). Default 50. */
  perAddress?: number;
}

interface Stream {
  readonly session: string;
  readonly user: string;
  readonly address: string;
  send(chunk: Uint8Array): void;
  close(): void;
}

/** Streams by a key (session, user, address), each set oldest first. */
class StreamIndex extends Map<string, Set<Stream>> {
  add(key: string, stream: Stream): Set<Stream> {
    const set = this.get(key) ?? new Set<Stream>();
    this.set(key, set.add(stream));
    return set;
  }
  remove(key: string, stream: Stream): void {
    const set = this.get(key);
    set?.delete(stream);
    if (set?.size === 0) this.delete(key);
  }
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
export function createEventHub(store: SessionStore, now: () => number, { heartbeat = 25_000, perSession = 3, perUser = 10, perAddress = 50 }: EventHubOptions = {}) {
  const bySession = new StreamIndex();
  const byUser = new StreamIndex();
  const byAddress = new StreamIndex();
  let timer: ReturnType<typeof setInterval> | undefined;
  let beating = false;

  const forget = (stream: Stream) => {
    bySession.remove(stream.session, stream);
    byUser.remove(stream.user, stream);
    byAddress.remove(stream.address, stream);
    if (bySession.size === 0 && timer) timer = void clearInterval(timer);
  };
  /** A session ended: its streams here say `revoked` and close; `replaced` (a new sign-in in that browser), they just close. */
  const end = (id: string, replaced = false) => {
    for (const stream of [...(bySession.get(id) ?? [])]) {
      if (!replaced) stream.send(REVOKED);
      stream.close();
    }
  };
  const beat = async () => {
    if (beating) return; // a slow store: skip a beat rather than pile them up
    beating = true;
    try {
      for (const [id, set] of [...bySession]) {
        if (await store.get(id)) for (const stream of [...set]) stream.send(HEARTBEAT);
        else end(id); // ran out (idle, the close beacon's grace) since it was last looked at
      }
    } catch {
      // The store cannot answer (Redis down or stalled): no heartbeat this time, since nothing vouches for
      // the sessions now, and no end either. Clients wait 60 s for one; the next beat looks again.
    } finally {
      beating = false;
    }
  };

  return {
    end,
    /** Looks every streamed session up now (as a heartbeat does): after a reconnect, ends told meanwhile were missed. */
    check: (): Promise<void> => beat(),
    /** How many streams are open here. */
    size: () => [...bySession.values()].reduce((sum, set) => sum + set.size, 0),
    /** Whether `address` may open one more stream now. */
    admits: (address: string): boolean => (byAddress.get(address)?.size ?? 0) < perAddress,
    /** The stream's answer for a session the caller authenticated, from a client at `address`. */
    open(session: ServerSession, address: string): Response {
      let stream!: Stream;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          stream = {
            session: session.id,
            user: session.username,
            address,
            send(chunk) {
              if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return stream.close();
              try {
                controller.enqueue(chunk);
              } catch {
                // closed meanwhile
              }
            },
            close() {
              forget(stream);
              try {
                controller.close();
              } catch {
                // closed already
              }
            },
          };
          byAddress.add(address, stream);
          // One more than the session's or the user's bound closes their oldest, without a word.
          for (const [set, bound] of [[bySession.add(session.id, stream), perSession], [byUser.add(session.username, stream), perUser]] as const) {
            for (const old of [...set].slice(0, Math.max(0, set.size - bound))) old.close();
          }
          timer ??= setInterval(() => void beat(), heartbeat).unref();
          // At once: the client learns the server's time and the session's end, and its `open` fires.
          stream.send(frame({ type: 'session', serverTime: now(), expiresAt: store.endsAt(session) }));
        },
        cancel: () => forget(stream), // the client went away
      });
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
      });
    },
    /** Closes every stream without a word (a shutdown is not a sign-out: clients reconnect elsewhere, with backoff). */
    close() {
      for (const set of [...bySession.values()]) for (const stream of [...set]) stream.close();
    },
  };
}

/**
 * `GET /api/events`: the stream of the session whose refresh cookie comes with it (the client's
 * request sends cookies, never an Authorization header; the cookie is HttpOnly, SameSite=Strict). A missing,
 * unknown, replayed or doubled cookie gets 401, which `serverEvents()` answers with one check; an
 * address at its bound of streams gets 429. Opening a stream is not use (the idle window stays), but
 * it says a page is there (a pending close is off).
 */
export const eventsRoute = (store: SessionStore, hub: EventHub, cookie: RefreshCookie, addressOf: (c: Context) => string) => async (c: Context) => {
  const sent = cookie.read(c);
  if (sent.status === 'several') {
    cookie.clear(c);
    return c.json({ error: 'unauthorized' }, 401);
  }
  const address = addressOf(c);
  const full = () => {
    c.header('Retry-After', '30');
    return c.json({ error: 'too many event streams from this address' }, 429);
  };
  if (!hub.admits(address)) return full(); // before the store is asked
  const found = sent.status === 'one' ? await store.byRefresh(sent.value) : undefined;
  if (!found || found.status === 'reused') return c.json({ error: 'unauthorized' }, 401);
  await store.alive(found.session);
  return hub.admits(address) ? hub.open(found.session, address) : full(); // and again: others opened meanwhile
};
