import { useEffect, useState } from 'react';
import { SessionManager, closeDetection, domActivity, requestActivity, serverCheck, serverEvents, tokenRefresh, type ExpireReason } from 'sessionwarden';
import { Can, SessionProvider, useSession } from 'sessionwarden/react';
import type { SessionWarningDialog } from 'sessionwarden/element';
import { PERMISSIONS } from '../../server/permissions';
import { api, refreshToken, remembered, timings, withQuery } from './api';

/** Requests about the session itself, not the user's work: never activity (a 401 on them still ends the session). */
const housekeeping = (url: string) => /\/api\/(refresh|logout|session)$/.test(new URL(url, location.href).pathname);

/** Why this page's session ended, for a page restored from the back/forward cache after it. */
let endedWith: ExpireReason | null = null;

/** Leaves for the home page, which says why; `replace`, so Back does not return to an ended session. */
const leave = (reason: ExpireReason | null) => location.replace(`/${withQuery({ signedOut: reason })}`);

/** The demo's session: every requirement of the demo in one place. */
function createSession(token: string | null): SessionManager {
  // "Remember me": the session survives a browser restart (inactivity and revocation still end it);
  // without it, it ends when the browser closes, and the close beacon tells the server.
  const remember = remembered();
  const { idleTimeout, warnBefore, closeGrace } = timings; // 60 s, 20 s, 10 s
  const session = new SessionManager({
    idleTimeout,
    warnBefore,
    token,
    endOnClose: remember ? undefined : closeDetection('browser', { grace: closeGrace, beacon: '/api/close' }),
    check: serverCheck({ url: '/api/session', interval: 15 * 60_000 }),
    // An admin's "Revoke sessions" (or a logout elsewhere) signs out every tab at once; the check covers the stream's gaps.
    signals: [serverEvents({ url: '/api/events' })],
    refresh: tokenRefresh(refreshToken), // before the JWT's exp, only while the user is active
    activity: [domActivity(), requestActivity({ ignore: housekeeping })],
    permissions: PERMISSIONS,
  });
  // When the session ends, whatever the reason: end it on the server too, then go home and say why.
  // Only with this tab's own token: the refresh cookie may by now be another session's (another tab
  // signed in as someone else), and that one is not ours to end. A tab that never had a token was
  // never signed in here: a refused refresh cookie sends it home without a message.
  session.on('expired', ({ reason }: { reason: ExpireReason }) => {
    endedWith = reason;
    const own = session.token;
    const home = () => leave(own || reason !== 'revoked' ? reason : null);
    if (!own) return home();
    void fetch('/api/logout', { method: 'POST', keepalive: true, headers: { authorization: `Bearer ${own}` } }).finally(home);
  });
  return session;
}

/**
 * After a sign-in the token comes from the login; on a reload or a new tab, from the refresh cookie.
 * The manager starts first (with no token) so that a session that ended, or was closed with the
 * browser, is reported with its reason before anything else.
 */
export function Dashboard({ initialToken }: { initialToken: string | null }) {
  const [session] = useState(() => createSession(initialToken));
  const [ready, setReady] = useState(initialToken !== null);
  useEffect(() => {
    if (initialToken) return;
    let mounted = true;
    // Let the manager's own close check (a Web Locks query, made in start()) answer first, so that
    // a session closed with the browser says so rather than failing the refresh below. Then the
    // manager runs `refresh` for this tab: under its lock, one call with every other tab's refresh.
    (navigator.locks ? navigator.locks.query() : Promise.resolve())
      .then(() => (session.state === 'expired' ? null : session.refresh()))
      .then(
        (token) => mounted && token !== null && session.state !== 'expired' && setReady(true),
        () => mounted && session.state !== 'expired' && leave(null),
      );
    return () => void (mounted = false);
  }, [session, initialToken]);
  // Back (or Forward) to this page from the back/forward cache shows what it showed when it was left.
  // Hide it, and leave at once if the session ended meanwhile; else ask the server before showing it
  // again (a 401 ends the session through requestActivity(), and the 'expired' handler leaves).
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      setReady(false);
      if (session.state === 'expired' || !session.token) return leave(endedWith);
      void fetch('/api/session', { headers: { authorization: `Bearer ${session.token}` } }).then((res) => res.ok && session.state !== 'expired' && setReady(true));
    };
    addEventListener('pageshow', onShow);
    return () => removeEventListener('pageshow', onShow);
  }, [session]);
  return (
    // The dashboard is only shown signed in: start at once, with no token yet on a reload (see above).
    <SessionProvider manager={session} startWithoutToken>
      {ready ? <Workspace /> : <p className="card narrow">Loading…</p>}
      <session-warning-dialog ref={(el: SessionWarningDialog | null) => void (el && (el.session = session))} />
    </SessionProvider>
  );
}

interface Post {
  id: number;
  title: string;
}
interface User {
  username: string;
  name: string;
  roles: string[];
  sessions: number;
}

function Workspace() {
  const session = useSession();
  const manager = session.manager;
  const [posts, setPosts] = useState<Post[]>([]);
  const [users, setUsers] = useState<User[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const run = (promise: Promise<unknown>, done?: string) => promise.then(() => done && setNote(done), (e: Error) => setNote(e.message));
  const load = () => run(api<Post[]>(manager, '/api/posts').then(setPosts));
  useEffect(() => void load(), []); // eslint-disable-line react-hooks/exhaustive-deps
  const edit = (post: Post) => run(api(manager, `/api/posts/${post.id}`, { method: 'PUT', body: JSON.stringify({ title: `${post.title} (edited)` }) }).then(load), 'Post edited.');
  const remove = (post: Post) => run(api(manager, `/api/posts/${post.id}`, { method: 'DELETE' }).then(load), 'Post deleted.');
  const listUsers = () => run(api<User[]>(manager, '/api/users').then(setUsers));
  const revoke = (username: string) => run(api(manager, '/api/admin/revoke', { method: 'POST', body: JSON.stringify({ username }) }).then(listUsers), `Sessions of ${username} revoked.`);
  const name = String(session.claims?.name ?? session.claims?.sub ?? '');
  return (
    <main className="card">
      <header>
        <div>
          <h1>Dashboard</h1>
          <p className="who" data-testid="who">{name} · <span className="role">{session.roles.join(', ')}</span></p>
        </div>
        <button className="secondary" onClick={session.logout}>Sign out</button>
      </header>
      {note && <p className="notice" role="status">{note}</p>}
      <section>
        <h2>Posts</h2>
        <ul className="posts">
          {posts.map((post) => (
            <li key={post.id}>
              <span>{post.title}</span>
              <Can permission="posts:edit"><button onClick={() => edit(post)}>Edit</button></Can>
              <Can permission="posts:delete"><button className="danger" onClick={() => remove(post)}>Delete</button></Can>
            </li>
          ))}
        </ul>
      </section>
      <Can permission="users:read">
        <section data-testid="admin">
          <h2>Users</h2>
          {users ? (
            <table>
              <tbody>
                {users.map((u) => (
                  <tr key={u.username}>
                    <td>{u.name}</td>
                    <td>{u.roles.join(', ')}</td>
                    <td>{u.sessions} session{u.sessions === 1 ? '' : 's'}</td>
                    <td><Can permission="users:revoke"><button className="danger" onClick={() => revoke(u.username)}>Revoke sessions</button></Can></td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <button onClick={listUsers}>Show users</button>
          )}
        </section>
      </Can>
      <footer data-testid="session-state">
        Session {session.state}. Ends after {timings.idleTimeout / 1000} s without activity (warning {timings.warnBefore / 1000} s before)
        {remembered() ? '; remembered: it survives a browser restart.' : ' and when the browser closes.'}
      </footer>
    </main>
  );
}
