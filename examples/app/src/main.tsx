import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { defineSessionWarningDialog } from 'sessionwarden/element';
import { Home } from './Home';
import { Dashboard } from './Dashboard';
import { withQuery } from './api';
import './styles.css';

defineSessionWarningDialog();

/** Two pages: the home page (sign in, signed-out message) and the dashboard. */
function App() {
  const [page, setPage] = useState(() => ({ path: location.pathname, token: null as string | null }));
  const signedIn = (token: string) => {
    history.pushState(null, '', `/dashboard${withQuery({ signedOut: null })}`);
    setPage({ path: '/dashboard', token }); // in-page: a fresh login is a new session
  };
  return page.path.startsWith('/dashboard') ? <Dashboard initialToken={page.token} /> : <Home onSignedIn={signedIn} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
