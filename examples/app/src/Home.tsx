import { useState, type FormEvent } from 'react';
import { login, signedOutMessage } from './api';

const DEMO_USERS = [
  { username: 'admin', does: 'reads, edits and deletes posts; sees users and revokes their sessions' },
  { username: 'editor', does: 'reads and edits posts' },
  { username: 'viewer', does: 'reads posts' },
];

/** The home page: why the last session ended, and sign-in. */
export function Home({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const message = signedOutMessage(new URLSearchParams(location.search).get('signedOut'));
  const [error, setError] = useState<string | null>(null);
  const [remember, setRemember] = useState(false);
  const signIn = (username: string, password = 'demo') =>
    login(username, password, remember).then(onSignedIn, (e: Error) => setError(e.message));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void signIn(String(form.get('username')), String(form.get('password')));
  };
  return (
    <main className="card narrow">
      <h1>sessionwarden demo</h1>
      {message && <p className="notice" role="status" data-testid="signed-out">{message}</p>}
      <p>Sign in as one of the demo users (password <code>demo</code>):</p>
      <label className="remember">
        <input type="checkbox" checked={remember} onChange={(event) => setRemember(event.currentTarget.checked)} />
        Remember me
      </label>
      <div className="users">
        {DEMO_USERS.map(({ username, does }) => (
          <button key={username} className={`user ${username}`} onClick={() => void signIn(username)}>
            <strong>{username}</strong>
            <span>{does}</span>
          </button>
        ))}
      </div>
      <form onSubmit={submit}>
        <input name="username" placeholder="username" aria-label="username" autoComplete="username" />
        <input name="password" type="password" placeholder="password" aria-label="password" autoComplete="current-password" />
        <button type="submit">Sign in</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="hint">Inactivity ends the session after 60 s, with a warning 20 s before; closing the browser ends it too, unless you tick “Remember me”.</p>
    </main>
  );
}
