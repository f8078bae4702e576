// React: the provider starts the app's manager on mount; two components of the first render listen
// for the end.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider, useSession, useSessionEvent } from 'sessionwarden/react';
import { heard, later, session } from './app-options';

function OnEnd({ name }: { name: string }) {
  useSessionEvent('expired', ({ reason }) => heard(name, reason));
  return null;
}
function State() {
  return <p id="state">{useSession().state}</p>;
}

later(() =>
  createRoot(document.getElementById('app')!).render(
    <StrictMode>
      <SessionProvider manager={session}>
        <OnEnd name="layout" />
        <OnEnd name="page" />
        <State />
      </SessionProvider>
    </StrictMode>,
  ),
);
