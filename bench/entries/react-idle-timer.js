import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { useIdleTimer } from 'react-idle-timer';

export function start({ onIdle, onWarn, timeout, warn }) {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  const container = document.createElement('div');
  document.body.append(container);
  function App() {
    useIdleTimer({ timeout, promptBeforeIdle: warn, onIdle, onPrompt: onWarn });
    return null;
  }
  const root = createRoot(container);
  // act() exists in React's development build (the simulation); flushSync in production (the browser).
  const now = typeof React.act === 'function' ? React.act : flushSync;
  now(() => root.render(React.createElement(App)));
  return () => now(() => root.unmount());
}
