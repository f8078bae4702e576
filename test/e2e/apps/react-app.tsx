// React: the provider owns the manager; two components of the first render listen for the end.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider, useSession, useSessionEvent } from 'sessionwarden/react';
import { appOptions, expose, heard } from './app-options';

function OnEnd({ name }: { name: string }) {
  useSessionEvent('expired', ({ reason }) => heard(name, reason));
  return null;
}
function State() {
  const { state, manager } = useSession();
  expose(manager);
  return <p id="state">{state}</p>;
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <SessionProvider options={appOptions()}>
      <OnEnd name="layout" />
      <OnEnd name="page" />
      <State />
    </SessionProvider>
  </StrictMode>,
);
