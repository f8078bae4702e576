import type { JwtClaims } from '../types';
import type { SessionSignal, SharedRecord, TabMessage } from '../signal';
import { fingerprint, otherUser, toLocal } from '../core/token';
import { recordStore } from './record';
import { isTabMessage, openChannel } from './channel';
import { hold } from './locks';
import { must } from '../options';

/** Options of {@link sharedTabs}. */
export interface SharedTabsOptions {
  /** The `BroadcastChannel`'s name (default: the `storageKey`), or `false` for none: the record alone, for reloads. */
  channel?: string | false;
  /** Where the record lives: `'local'` (all tabs, the default) or `'session'` (this tab alone, across its reloads). */
  storage?: 'local' | 'session';
}

/**
 * One session across the tabs of an origin: a shared record (so a reload or a new tab continues the
 * session with the same last activity), a `BroadcastChannel` for news, and a Web Lock that elects
 * the one tab that runs the check and the refresh. Another user's record or token ends this user's
 * session (`'logout'`) and is never continued. Built into `SessionManager` (its `crossTab` option).
 */
export function sharedTabs({ channel, storage = 'local' }: SharedTabsOptions = {}): SessionSignal {
  must(channel === undefined || channel === false || (typeof channel === 'string' && channel), 'sharedTabs() option `channel`', 'a channel name or false');
  must(storage === 'local' || storage === 'session', 'sharedTabs() option `storage`', "'local' or 'session'");
  return {
    attach(ctx) {
      const { bus, key } = ctx;
      const store = recordStore(() => (storage === 'session' ? sessionStorage : localStorage), key, ctx.degrade, ctx.now);
      let claims: JwtClaims | null = null;
      let token: string | null = null;
      let renewed = false;
      let post: ((message: TabMessage) => void) | undefined;
      const sub = () => claims?.sub as string | undefined;
      /** Whether a record (or a message) is of this user's session: a token without `sub` says nothing. */
      const ours = (other: object | undefined) => !otherUser(claims, other);
      /**
       * Whether this token is a new sign-in after the record's session ended, however soon: not the ended
       * session's newest token (its fingerprint), nor an older one (an earlier `exp`, or issued before the end).
       */
      const newLogin = (record: SharedRecord) => {
        const { exp, iat } = claims ?? {};
        if (!record.ended || !claims || token === null) return false;
        // Without the ended token's fingerprint (a record of 0.0.x), only a strictly later token is new.
        const known = record.tokenId !== undefined;
        if (known && record.tokenId === fingerprint(token)) return false;
        if (exp !== undefined && record.tokenExp !== undefined) return exp > record.tokenExp || (known && exp === record.tokenExp);
        // `iat` is to the second: issued within the second of the end counts as after it.
        if (iat !== undefined) return toLocal(iat * 1000, record.skew ?? 0) > (record.endedAt ?? Infinity) - (known ? 1000 : 0);
        return known || record.tokenExp === undefined;
      };
      const receive = (data: unknown) => {
        if (!isTabMessage(data) || !bus.all.get(`msg:${data.k}`)) {
          return ctx.degrade(new TypeError('sessionwarden: ignored a malformed cross-tab message'), 'channel');
        }
        // Another user signed in there: this user's session ends here; other news of theirs is not ours.
        if (!ours(data)) return void ((data.k === 'token' || data.k === 'user') && ctx.end('logout', false));
        // No time from the future (another tab's clock may run ahead): clamped here, once, for every signal.
        for (const field of ['at', 'proved'] as const) if (typeof data[field] === 'number') data[field] = Math.min(data[field] as number, ctx.now());
        bus.emit(`msg:${data.k}`, data);
      };

      ctx.read = store.read;
      ctx.tell = (message, patch) => {
        if (message) post?.({ ...message, sub: sub() });
        if (patch) store.write(patch, ours);
      };
      bus.on('token', (news) => void ({ token, claims } = news));
      bus.on('renew', () => void (renewed = true));
      bus.on('msg:user', () => {}); // another user's is handled on receipt; this user's says nothing new
      bus.on('restart', () => {
        store.clear();
        store.write({ lastActivity: ctx.now(), sub: sub() });
      });
      bus.on('wake', () => {
        const record = store.read();
        // Another user signed in while this page slept or sat in the back/forward cache.
        if (!ours(record)) return ctx.end('logout', false);
        if (record?.ended) return ctx.end(record.ended, false);
        if (record) ctx.hear(record.lastActivity);
      });

      return {
        start(fresh) {
          const record = store.read();
          const takeover = !ours(record);
          if (record && !renewed && !takeover && !newLogin(record)) {
            if (record.ended) return ctx.end(record.ended, false);
            // Loading a page is not activity: a new tab or a reload continues the shared session.
            if (fresh) ctx.resume(record.lastActivity);
            else ctx.hear(record.lastActivity);
          } else if (record) {
            store.clear();
          }
          renewed = false;
          store.write({ lastActivity: ctx.phase().lastActivity, sub: sub() });
          if (channel === false) return;
          const open = openChannel(channel ?? key, receive, ctx.degrade);
          post = open?.post;
          ctx.shared = !!open;
          // A token of another user than the record's: the tabs still open on that session end it.
          if (takeover) ctx.tell({ k: 'user' });
          ctx.leader = false;
          const release = hold(`${key}:leader`, 'exclusive', () => {
            ctx.leader = true;
            ctx.run();
            return () => void (ctx.leader = false); // let go (the page entered the back/forward cache)
          });
          return () => {
            open?.close();
            post = undefined;
            ctx.shared = false;
            release();
          };
        },
      };
    },
  };
}
