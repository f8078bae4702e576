import { SessionProvider, useSession, useSessionEvent, Can, RequireRole, WarningDialog } from 'sessionwarden/react';
import type { SessionOptions } from 'sessionwarden';
import { token } from './token';

const options: SessionOptions = {
  idleTimeout: 60_000,
  warnBefore: 20_000,
  token,
  permissions: { editor: ['posts:edit'], admin: ['users:delete'] },
};

function Toolbar() {
  const { state, roles, logout } = useSession();
  useSessionEvent('expired', ({ reason }) => console.info(`signed out: ${reason}`));
  return (
    <nav>
      <p id="state">{state}</p>
      <p id="roles">{roles.join(',')}</p>
      <Can permission="posts:edit" fallback={<span id="read-only">read only</span>}>
        <button id="edit">Edit</button>
      </Can>
      <RequireRole role="admin">
        <button id="admin">Admin</button>
      </RequireRole>
      <button onClick={logout}>Sign out</button>
    </nav>
  );
}

export function App() {
  return (
    <SessionProvider options={options}>
      <Toolbar />
      <WarningDialog heading="Still there?" />
    </SessionProvider>
  );
}
