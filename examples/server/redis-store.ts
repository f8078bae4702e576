import { createClient } from '@redis/client';
import { KEPT_REFRESH_VALUES, StoreUnavailableError, endsAt, isOver, randomId, type RefreshLookup, type RefreshValue, type ServerSession, type SessionStore, type StoreFactory, type StoreTimings } from './store';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** `redis://[[user]:password@]host:port[/db]`. */
  url: string;
  /** Prefix of every key and of the pub/sub channel, so that apps can share one Redis. Default `'sw:'`. */
  prefix?: string;
  /**
   * How long one store call may wait for Redis, in milliseconds; past it, the call fails with a
   * `StoreUnavailableError` (the app answers `503`). A stalled Redis must not hang requests. Default 1,000.
   */
  timeout?: number;
}

/** The Redis store: a {@link SessionStore}, plus its connections. */
export interface RedisStore extends SessionStore {
  /** Resolves once both connections are up, the ended-session channel is subscribed, and Redis's persistence was looked at. */
  readonly ready: Promise<void>;
  /** Closes both connections. */
  close(): Promise<void>;
}

/**
 * Sessions and refresh values in Redis, so that several server processes share them; an ended
 * session is published on one channel, and every process (this one included) hears it and closes its
 * event streams of that session. Each session is a hash (its fields written one by one, so that two
 * processes touching it at once lose nothing) and a list of its refresh values; every key expires at
 * the session's absolute end. The rules (idle window, rotation grace, reuse) are the in-memory store's.
 *
 * Failure: every call fails within `timeout` when Redis is down, stalled or restarting (never a hang,
 * never a crash); the connections come back by themselves, and pub/sub resubscribes. A revocation is a
 * `DEL`, which Redis must keep across a restart: run it with `appendonly yes` and `appendfsync always`
 * (docs/server.md, "Past one server"); this store warns at start when the AOF is off.
 */
export function redisStore({ url, prefix = 'sw:', timeout = 1_000 }: RedisStoreOptions): StoreFactory<RedisStore> {
  if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError('sessionwarden: redisStore `timeout` must be a positive number of milliseconds');
  return (now, timings, onEnd) => createRedisStore(url, prefix, timeout, now, timings, onEnd);
}

/** A connection that fails fast: no queue while disconnected, a bounded one while Redis is stalled, and reconnects with backoff. */
function connect(url: string, label: string, onBack: () => void = () => {}) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandsQueueMaxLength: 5_000,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100) },
  });
  // One line when the connection is lost and one when it is back; never the URL (it may hold a password), nor a message that could quote one.
  let lost = false;
  client.on('error', (error: Error & { code?: string }) => {
    if (!lost) console.error(`${label}: ${error.name}${error.code ? ` ${error.code}` : ''}; reconnecting`);
    lost = true;
  });
  client.on('ready', () => {
    if (!lost) return;
    console.error(`${label}: connected again`);
    lost = false;
    onBack();
  });
  return client;
}

function createRedisStore(url: string, prefix: string, timeout: number, now: () => number, timings: StoreTimings, onEnd: (id: string, replaced: boolean) => void): RedisStore {
  const client = connect(url, 'redis');
  // Back after a loss: ends published meanwhile were missed, so whoever holds streams looks again.
  const reconnected = new Set<() => void>();
  const subscriber = connect(url, 'redis (pub/sub)', () => {
    for (const listener of reconnected) listener();
  });
  const channel = `${prefix}ended`;
  const ready = Promise.all([client.connect(), subscriber.connect().then(() => subscriber.subscribe(channel, (message) => onEnd(message.slice(2), message.startsWith('r:'))))]).then(() => warnWithoutAof());

  /**
   * Redis's answer within `timeout`, or a `StoreUnavailableError`: at once while disconnected (a
   * transaction would otherwise wait for the reconnect), else past the timeout (Redis stalled). A late
   * answer is dropped, a late failure too.
   */
  const call = <T>(send: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!client.isReady) return reject(new StoreUnavailableError('redis: not connected'));
      const timer = setTimeout(() => reject(new StoreUnavailableError(`redis: no answer within ${timeout} ms`)), timeout);
      const failed = (error: unknown) => (clearTimeout(timer), reject(new StoreUnavailableError(`redis: ${(error as Error)?.name ?? 'error'}`, { cause: error })));
      Promise.resolve()
        .then(send)
        .then((value) => (clearTimeout(timer), resolve(value)), failed);
    });

  /** Without the AOF, a restart loads the last snapshot: revocations made since come undone. */
  const warnWithoutAof = async () => {
    try {
      const { appendonly } = (await call(() => client.configGet('appendonly'))) as Record<string, string>;
      if (appendonly === 'no') console.warn('redis: appendonly is off, so a restart brings back sessions revoked since the last snapshot; run Redis with --appendonly yes --appendfsync always');
    } catch {
      // CONFIG is often disabled on managed Redis: its persistence is then the provider's to state
    }
  };

  const sessionKey = (id: string) => `${prefix}session:${id}`;
  const refreshesKey = (id: string) => `${prefix}session:${id}:refreshes`;
  const valueKey = (value: string) => `${prefix}refresh:${value}`;
  /** A sorted set of the user's session ids, by creation time. */
  const userKey = (username: string) => `${prefix}user-sessions:${username}`;
  /** Every key of a session lives until its absolute end. */
  const ttl = (session: ServerSession) => Math.max(1, session.expiresAt - now());

  /** Deletes a session and publishes its end: `e:<id>`, or `r:<id>` when it was replaced by a new sign-in. */
  const remove = async (session: ServerSession, replaced = false) => {
    await call(() =>
      client
        .multi()
        .del([sessionKey(session.id), refreshesKey(session.id), ...session.refreshes.map((r) => valueKey(r.value))])
        .zRem(userKey(session.username), session.id)
        .publish(channel, `${replaced ? 'r' : 'e'}:${session.id}`)
        .exec(),
    );
  };

  /** The live session with this id; one that ran out is deleted here, on access (and its end published). */
  const get = async (id: unknown): Promise<ServerSession | undefined> => {
    if (typeof id !== 'string') return undefined;
    const [fields, refreshes] = (await call(() => client.multi().hGetAll(sessionKey(id)).lRange(refreshesKey(id), 0, -1).exec())) as unknown as [Record<string, string>, string[]];
    if (!fields?.username) return undefined;
    const session: ServerSession = {
      id,
      username: fields.username,
      createdAt: Number(fields.createdAt),
      remember: fields.remember === '1',
      expiresAt: Number(fields.expiresAt),
      refreshes: refreshes.map((entry) => JSON.parse(entry) as RefreshValue),
      lastSeen: Number(fields.lastSeen),
      closingAt: fields.closingAt === undefined ? undefined : Number(fields.closingAt),
    };
    if (!isOver(session, now(), timings)) return session;
    await remove(session);
    return undefined;
  };

  /** Adds the session's next refresh value to `transaction` (the caller sends it); returns the value. */
  const nextRefresh = (session: ServerSession, transaction: ReturnType<typeof client.multi>) => {
    const refresh = { value: randomId(), issuedAt: now() };
    session.refreshes.push(refresh);
    session.refreshes.splice(0, session.refreshes.length - KEPT_REFRESH_VALUES);
    transaction
      .rPush(refreshesKey(session.id), JSON.stringify(refresh))
      .lTrim(refreshesKey(session.id), -KEPT_REFRESH_VALUES, -1)
      .pExpire(refreshesKey(session.id), ttl(session))
      .set(valueKey(refresh.value), session.id, { expiration: { type: 'PX', value: ttl(session) } });
    return refresh.value;
  };
  const addRefresh = async (session: ServerSession) => {
    const transaction = client.multi();
    const value = nextRefresh(session, transaction);
    await call(() => transaction.exec());
    return value;
  };

  /** The user's live sessions, oldest first; ids of sessions gone are dropped from the set on the way. */
  const sessionsOf = async (username: string) => {
    const ids = await call(() => client.zRange(userKey(username), 0, -1));
    const sessions = await Promise.all(ids.map(get));
    const gone = ids.filter((_, i) => !sessions[i]);
    if (gone.length) await call(() => client.zRem(userKey(username), gone));
    return sessions.filter((session): session is ServerSession => session !== undefined);
  };

  /** A field written to a session that may have ended meanwhile would make a key without a TTL: give it one. */
  const writeField = (session: ServerSession, write: ReturnType<typeof client.multi>) =>
    call(() => write.pExpire(sessionKey(session.id), ttl(session)).exec());

  return {
    ready,
    onReconnect: (listener) => void reconnected.add(listener),
    get,
    async create(username, { remember, maxAge, limit = Infinity }) {
      const at = now();
      const session: ServerSession = { id: randomId(), username, createdAt: at, remember, expiresAt: at + maxAge, refreshes: [], lastSeen: at };
      // One transaction (with Redis syncing its AOF at every write, each round trip waits for a disk sync).
      const transaction = client
        .multi()
        .hSet(sessionKey(session.id), { username, createdAt: at, remember: remember ? '1' : '0', expiresAt: session.expiresAt, lastSeen: at })
        .pExpire(sessionKey(session.id), ttl(session))
        .zAdd(userKey(username), { score: at, value: session.id })
        // The user's set lives as long as its longest session: a new set gets this one's TTL (NX), an older one only a longer TTL (GT).
        .pExpire(userKey(username), ttl(session), 'NX')
        .pExpire(userKey(username), ttl(session), 'GT')
        .zCard(userKey(username));
      nextRefresh(session, transaction);
      const count = ((await call(() => transaction.exec())) as unknown as number[])[5]!;
      if (count > limit) {
        const live = await sessionsOf(username);
        await Promise.all(live.slice(0, Math.max(0, live.length - limit)).map((old) => remove(old)));
      }
      return session;
    },
    async byRefresh(value): Promise<RefreshLookup | undefined> {
      const session = value ? await get(await call(() => client.get(valueKey(value)))) : undefined;
      const index = session?.refreshes.findIndex((r) => r.value === value) ?? -1;
      // A value trimmed off the list (older than the kept ones) is simply unknown, as in memory.
      if (!session || index < 0) return undefined;
      const retiredAt = session.refreshes[index + 1]?.issuedAt;
      if (retiredAt === undefined) return { session, status: 'current' };
      return { session, status: now() - retiredAt < timings.rotationGrace ? 'grace' : 'reused' };
    },
    current: (session) => session.refreshes.at(-1)!.value,
    rotate: addRefresh,
    async touch(session) {
      session.lastSeen = now();
      session.closingAt = undefined;
      await writeField(session, client.multi().hSet(sessionKey(session.id), 'lastSeen', session.lastSeen).hDel(sessionKey(session.id), 'closingAt'));
    },
    async alive(session) {
      session.closingAt = undefined;
      await call(() => client.hDel(sessionKey(session.id), 'closingAt'));
    },
    async markClosing(session) {
      session.closingAt = now();
      await writeField(session, client.multi().hSet(sessionKey(session.id), 'closingAt', session.closingAt));
    },
    endsAt: (session) => endsAt(session, timings),
    delete: remove,
    async revokeUser(username) {
      const sessions = await sessionsOf(username);
      await Promise.all(sessions.map((session) => remove(session)));
      return sessions.length;
    },
    count: async (username) => (await sessionsOf(username)).length,
    /** Looks at every session (in bounded batches); the ones that ran out are deleted. */
    async sweep() {
      let dropped = 0;
      let cursor = '0';
      do {
        const page = await call(() => client.scan(cursor, { MATCH: `${prefix}session:*`, COUNT: 200 }));
        cursor = String(page.cursor);
        for (const key of page.keys) {
          const id = key.slice(`${prefix}session:`.length);
          if (!id.includes(':') && !(await get(id))) dropped++; // it was there: it ran out
        }
      } while (cursor !== '0');
      return dropped;
    },
    async close() {
      await Promise.allSettled([subscriber.close(), client.close()]);
    },
  };
}
