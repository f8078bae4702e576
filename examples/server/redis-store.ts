import { createClient } from '@redis/client';
import { KEPT_REFRESH_VALUES, endsAt, isOver, randomId, type RefreshLookup, type RefreshValue, type ServerSession, type SessionStore, type StoreFactory, type StoreTimings } from './store';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** `redis://[[user]:password@]host:port[/db]`. */
  url: string;
  /** Prefix of every key and of the pub/sub channel, so that apps can share one Redis. Default `'sw:'`. */
  prefix?: string;
}

/** The Redis store: a {@link SessionStore}, plus its connections. */
export interface RedisStore extends SessionStore {
  /** Resolves once both connections are up and the ended-session channel is subscribed. */
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
 */
export function redisStore({ url, prefix = 'sw:' }: RedisStoreOptions): StoreFactory<RedisStore> {
  return (now, timings, onEnd) => createRedisStore(url, prefix, now, timings, onEnd);
}

function createRedisStore(url: string, prefix: string, now: () => number, timings: StoreTimings, onEnd: (id: string, replaced: boolean) => void): RedisStore {
  const client = createClient({ url });
  const subscriber = client.duplicate();
  // Never the URL (it may hold a password), nor a message that could quote one.
  const report = (error: Error & { code?: string }) => console.error(`redis: ${error.name}${error.code ? ` ${error.code}` : ''}`);
  client.on('error', report);
  subscriber.on('error', report);
  const channel = `${prefix}ended`;
  const ready = Promise.all([client.connect(), subscriber.connect().then(() => subscriber.subscribe(channel, (message) => onEnd(message.slice(2), message.startsWith('r:'))))]).then(() => {});

  const sessionKey = (id: string) => `${prefix}session:${id}`;
  const refreshesKey = (id: string) => `${prefix}session:${id}:refreshes`;
  const valueKey = (value: string) => `${prefix}refresh:${value}`;
  const userKey = (username: string) => `${prefix}user:${username}`;
  /** Every key of a session lives until its absolute end. */
  const ttl = (session: ServerSession) => Math.max(1, session.expiresAt - now());

  /** Deletes a session and publishes its end: `e:<id>`, or `r:<id>` when it was replaced by a new sign-in. */
  const remove = async (session: ServerSession, replaced = false) => {
    await client
      .multi()
      .del([sessionKey(session.id), refreshesKey(session.id), ...session.refreshes.map((r) => valueKey(r.value))])
      .sRem(userKey(session.username), session.id)
      .publish(channel, `${replaced ? 'r' : 'e'}:${session.id}`)
      .exec();
  };

  /** The live session with this id; one that ran out is deleted here, on access (and its end published). */
  const get = async (id: unknown): Promise<ServerSession | undefined> => {
    if (typeof id !== 'string') return undefined;
    const [fields, refreshes] = (await client.multi().hGetAll(sessionKey(id)).lRange(refreshesKey(id), 0, -1).exec()) as unknown as [Record<string, string>, string[]];
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

  const addRefresh = async (session: ServerSession) => {
    const refresh = { value: randomId(), issuedAt: now() };
    session.refreshes.push(refresh);
    session.refreshes.splice(0, session.refreshes.length - KEPT_REFRESH_VALUES);
    await client
      .multi()
      .rPush(refreshesKey(session.id), JSON.stringify(refresh))
      .lTrim(refreshesKey(session.id), -KEPT_REFRESH_VALUES, -1)
      .pExpire(refreshesKey(session.id), ttl(session))
      .set(valueKey(refresh.value), session.id, { expiration: { type: 'PX', value: ttl(session) } })
      .exec();
    return refresh.value;
  };

  /** The ids a user's set names; stale ones (sessions gone) are dropped from it on the way. */
  const sessionsOf = async (username: string) => {
    const sessions = await Promise.all((await client.sMembers(userKey(username))).map(get));
    return sessions.filter((session): session is ServerSession => session !== undefined);
  };

  return {
    ready,
    get,
    async create(username, { remember, maxAge }) {
      const at = now();
      const session: ServerSession = { id: randomId(), username, createdAt: at, remember, expiresAt: at + maxAge, refreshes: [], lastSeen: at };
      await client
        .multi()
        .hSet(sessionKey(session.id), { username, createdAt: at, remember: remember ? '1' : '0', expiresAt: session.expiresAt, lastSeen: at })
        .pExpire(sessionKey(session.id), ttl(session))
        .sAdd(userKey(username), session.id)
        .exec();
      await addRefresh(session);
      return session;
    },
    async byRefresh(value): Promise<RefreshLookup | undefined> {
      const session = value ? await get(await client.get(valueKey(value))) : undefined;
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
      await client.multi().hSet(sessionKey(session.id), 'lastSeen', session.lastSeen).hDel(sessionKey(session.id), 'closingAt').exec();
    },
    async alive(session) {
      session.closingAt = undefined;
      await client.hDel(sessionKey(session.id), 'closingAt');
    },
    async markClosing(session) {
      session.closingAt = now();
      await client.hSet(sessionKey(session.id), 'closingAt', session.closingAt);
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
      for await (const keys of client.scanIterator({ MATCH: `${prefix}session:*`, COUNT: 200 })) {
        for (const key of keys) {
          const id = key.slice(`${prefix}session:`.length);
          if (!id.includes(':') && !(await get(id))) dropped++; // it was there: it ran out
        }
      }
      return dropped;
    },
    async close() {
      await Promise.allSettled([subscriber.close(), client.close()]);
    },
  };
}
