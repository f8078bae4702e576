import { useEffect, useState } from 'react';
import { SessionManager, domActivity, requestActivity, type ExpireReason } from 'sessionwarden';
import { Can, SessionProvider, useSession } from 'sessionwarden/react';
import type { SessionWarningDialog } from 'sessionwarden/element';
import { PERMISSIONS } from '../../server/users';
import { api, refreshToken, timings } from './api';

/** The demo's session: every requirement of the demo in one place. */
function createSession(token: string | null): SessionManager {
  const session = new SessionManager({
    ...timings, // idleTimeout 60 s, warnBefore 20 s, closeGrace 10 s (shorter in tests)
    token,
    endOnClose: 'browser',
    closeBeacon: '/api/close',
    check: { url: '/api/session', interval: 15 * 60_000 },
    refresh: refreshToken, // before the JWT's exp, only while the user is active
    activity: [domActivity(), requestActivity()],
    permissions: PERMISSIONS,
  });
  // When the session ends, whatever the reason: delete it on the server, then go home and say why.
  session.on('expired', ({ reason }: { reason: ExpireReason }) => {
    const auth = session.token ? { authorization: `Bearer ${session.token}` } : undefined;
    void fetch('/api/logout', { method: 'POST', keepalive: true, headers: auth }).finally(() =>
      location.assign(`/?signedOut=${reason}${location.search.replace(/^\?/, '&')}`));
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
    // Let the manager's own close check (a Web Locks query, made in start()) answer first, so that
    // a session closed with the browser says so rather than failing the refresh below.
    (navigator.locks ? navigator.locks.query() : Promise.resolve())
      .then(refreshToken)
      .then(
        (token) => {
          if (session.state === 'expired') return;
          session.setToken(token);
          setReady(true);
        },
        () => session.state !== 'expired' && location.assign('/'),
      );
  }, [session, initialToken]);
  return (
    <SessionProvider manager={session}>
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
  const token = session.manager.token;
  const [posts, setPosts] = useState<Post[]>([]);
  const [users, setUsers] = useState<User[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const run = (promise: Promise<unknown>, done?: string) => promise.then(() => done && setNote(done), (e: Error) => setNote(e.message));
  const load = () => run(api<Post[]>(token, '/api/posts').then(setPosts));
  useEffect(() => void load(), []); // eslint-disable-line react-hooks/exhaustive-deps
  const edit = (post: Post) => run(api(token, `/api/posts/${post.id}`, { method: 'PUT', body: JSON.stringify({ title: `${post.title} (edited)` }) }).then(load), 'Post edited.');
  const remove = (post: Post) => run(api(token, `/api/posts/${post.id}`, { method: 'DELETE' }).then(load), 'Post deleted.');
  const listUsers = () => run(api<User[]>(token, '/api/users').then(setUsers));
  const revoke = (username: string) => run(api(token, '/api/admin/revoke', { method: 'POST', body: JSON.stringify({ username }) }).then(listUsers), `Sessions of ${username} revoked.`);
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
        Session {session.state}. Ends after {timings.idleTimeout / 1000} s without activity (warning {timings.warnBefore / 1000} s before) and when the browser closes.
      </footer>
    </main>
  );
}
